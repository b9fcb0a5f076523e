using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Spartan.Kernels.Sparse;

/// <summary>
/// The sparse matrix · vector products (SpMV). Every one sums each row with one accumulator, entries in column order,
/// and applies the epilogue as a multiply then an add: SciPy's csr_matvec rounding, the same bits on every path
/// (values stored or coded, x read in place or gathered), every instruction set and every tiling.
/// </summary>
public static partial class Csr
{
    /// <summary>How far ahead of the current row the entry streams are prefetched, in entries (2 KB of values, 1 KB of
    /// column indices).</summary>
    private const int StreamAhead = 256;

    /// <summary>y = A·x for one row block (the SpMV hot path: one pass over the CSR arrays, x gathered).</summary>
    public static void MultiplyVector(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, ReadOnlySpan<double> x, Span<double> y) =>
        MultiplyStored(rowPtr, cols, values, x, y, 1, 0, epilogue: false);

    /// <summary>y = scale·(A·x) + bias for one row block: the product with an affine epilogue (PageRank's update),
    /// computed as a multiply then an add, so it rounds exactly as the two separate operations.</summary>
    public static void MultiplyVector(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, ReadOnlySpan<double> x, Span<double> y, double scale, double bias) =>
        MultiplyStored(rowPtr, cols, values, x, y, scale, bias, epilogue: true);

    /// <summary>y = A·x for a row block whose values are coded (<see cref="ValueCodes"/>): entry k's value is
    /// table[codes[k]]. One byte per entry instead of eight; the same bits as the stored values give.</summary>
    public static void MultiplyVector(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<byte> codes, ReadOnlySpan<double> table, ReadOnlySpan<double> x, Span<double> y) =>
        MultiplyCoded(rowPtr, cols, codes, table, x, y, 1, 0, epilogue: false);

    /// <summary>y = scale·(A·x) + bias with coded values; rounds as the stored-values overload.</summary>
    public static void MultiplyVector(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<byte> codes, ReadOnlySpan<double> table, ReadOnlySpan<double> x, Span<double> y, double scale, double bias) =>
        MultiplyCoded(rowPtr, cols, codes, table, x, y, scale, bias, epilogue: true);

    /// <summary>y = A·x for one row block whose x elements were read beforehand, <paramref name="gathered"/>[k] being
    /// x[cols[k]] (a product with a short sparse operand reads its few x elements straight from the tiles that hold
    /// them).</summary>
    public static void MultiplyGathered(ReadOnlySpan<int> rowPtr, ReadOnlySpan<double> values, ReadOnlySpan<double> gathered, Span<double> y) =>
        MultiplyGathered(rowPtr, values, gathered, y, 1, 0, epilogue: false);

    /// <summary>y = scale·(A·x) + bias with x gathered beforehand.</summary>
    public static void MultiplyGathered(ReadOnlySpan<int> rowPtr, ReadOnlySpan<double> values, ReadOnlySpan<double> gathered, Span<double> y, double scale, double bias) =>
        MultiplyGathered(rowPtr, values, gathered, y, scale, bias, epilogue: true);

    private static void MultiplyGathered(ReadOnlySpan<int> rowPtr, ReadOnlySpan<double> values, ReadOnlySpan<double> gathered, Span<double> y, double scale, double bias, bool epilogue)
    {
        int rows = rowPtr.Length - 1;
        for (int i = 0; i < rows; i++)
        {
            double s = 0;
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++)
            {
                s += values[k] * gathered[k];
            }

            y[i] = epilogue ? (scale * s) + bias : s;
        }
    }

    private static unsafe void MultiplyStored(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, ReadOnlySpan<double> x, Span<double> y, double scale, double bias, bool epilogue)
    {
        int rows = CheckBlock(rowPtr, cols, values.Length, y);
        fixed (int* rp = rowPtr, c = cols)
        fixed (double* v = values, xr = x, yr = y)
        {
            Multiply(rp, c, new StoredValues(v), xr, yr, rows, scale, bias, epilogue);
        }
    }

    private static unsafe void MultiplyCoded(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<byte> codes, ReadOnlySpan<double> table, ReadOnlySpan<double> x, Span<double> y, double scale, double bias, bool epilogue)
    {
        int rows = CheckBlock(rowPtr, cols, codes.Length, y);
        if (table.Length < ValueCodes.MaxDistinct)
        {
            // Codes are bytes: a full-size table makes every code a valid index without a check per entry.
            throw new ArgumentException($"the value table has {table.Length} entries; it needs {ValueCodes.MaxDistinct}", nameof(table));
        }

        fixed (int* rp = rowPtr, c = cols)
        fixed (byte* k = codes)
        fixed (double* t = table, xr = x, yr = y)
        {
            Multiply(rp, c, new CodedValues(k, t), xr, yr, rows, scale, bias, epilogue);
        }
    }

    /// <summary>Checks the block's arrays agree; returns its rows.</summary>
    private static int CheckBlock(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, int values, Span<double> y)
    {
        int rows = rowPtr.Length - 1;
        if (y.Length < rows)
        {
            throw new ArgumentException($"y has {y.Length} elements for {rows} rows", nameof(y));
        }

        int nnz = rows <= 0 ? 0 : rowPtr[rows];
        if (cols.Length < nnz || values < nnz)
        {
            throw new ArgumentException($"the CSR block has {nnz} entries but {cols.Length} column indices and {values} values", nameof(cols));
        }

        return Math.Max(rows, 0);
    }

    /// <summary>
    /// The SpMV loop, specialized per value source. The time goes into the random reads of x (a few MB: it lives in
    /// L3, while the CSR arrays are ten times larger and pass through once). Zen's L3 is filled by what L2 evicts, so
    /// streaming the CSR arrays through the normal path pushes x out of L3 and turns its reads into DRAM reads;
    /// PREFETCHNTA brings the streams in without that. Measured on the W6 matrix (1e6 rows, 1e7 entries, 2 threads):
    /// 8.0–8.4 ms per product against 9.2–10.2 with a prefetch of x ahead of use (the previous kernel) and 9.8–11 ms
    /// for the plain loop; coded values (one byte an entry) 6.5–7.7 ms. One prefetch per row: rows average ~10
    /// entries, about a cache line of values. Prefetches never fault, so running past the end of the arrays is
    /// harmless. Column indices were checked against the width when the block was built.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Multiply<TValues>(int* rp, int* c, TValues values, double* x, double* y, int rows, double scale, double bias, bool epilogue)
        where TValues : struct, IEntryValues
    {
        int start = rows > 0 ? rp[0] : 0;
        for (int i = 0; i < rows; i++)
        {
            int end = rp[i + 1];
            if (Sse.IsSupported)
            {
                values.PrefetchAhead(start);
                Sse.PrefetchNonTemporal(c + start + (2 * StreamAhead));
            }

            double s = 0;
            for (int k = start; k < end; k++)
            {
                s += values.At(k) * x[c[k]];
            }

            y[i] = epilogue ? (scale * s) + bias : s;
            start = end;
        }
    }

    /// <summary>Where an SpMV reads entry k's value from.</summary>
    private interface IEntryValues
    {
        double At(int k);

        /// <summary>Brings the value stream some way past entry k in without passing it through the cache hierarchy.</summary>
        void PrefetchAhead(int k);
    }

    private readonly unsafe struct StoredValues(double* values) : IEntryValues
    {
        public double At(int k) => values[k];

        public void PrefetchAhead(int k) => Sse.PrefetchNonTemporal(values + k + StreamAhead);
    }

    private readonly unsafe struct CodedValues(byte* codes, double* table) : IEntryValues
    {
        public double At(int k) => table[codes[k]];

        // A line of codes covers 64 entries: reach further ahead than the 8-byte streams, as far in time.
        public void PrefetchAhead(int k) => Sse.PrefetchNonTemporal(codes + k + (4 * StreamAhead));
    }
}
