using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Spartan.Kernels.Sparse;

/// <summary>
/// CSR (compressed sparse row) kernels over one row block: <c>rowPtr</c> has rows + 1 entries (rowPtr[0] = 0), row i's
/// entries are <c>cols[rowPtr[i]..rowPtr[i+1]]</c> / <c>values[...]</c>, column indices sorted ascending and unique
/// within a row. Indices are int32 (as SciPy's for fewer than 2^31 columns/entries), which keeps the SpMV stream at
/// 12 bytes per entry. Spans in, spans out.
/// </summary>
public static class Csr
{
    /// <summary>y = A·x for one row block (the SpMV hot path: one pass over the CSR arrays, x gathered).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyVector(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, ReadOnlySpan<double> x, Span<double> y) =>
        MultiplyVector(rowPtr, cols, values, x, y, 1, 0, epilogue: false);

    /// <summary>y = scale·(A·x) + bias for one row block: the product with an affine epilogue (PageRank's update),
    /// computed as a multiply then an add, so it rounds exactly as the two separate operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyVector(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, ReadOnlySpan<double> x, Span<double> y, double scale, double bias) =>
        MultiplyVector(rowPtr, cols, values, x, y, scale, bias, epilogue: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyVector(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, ReadOnlySpan<double> x, Span<double> y, double scale, double bias, bool epilogue)
    {
        int rows = rowPtr.Length - 1;
        if (y.Length < rows)
        {
            throw new ArgumentException($"y has {y.Length} elements for {rows} rows", nameof(y));
        }

        if (rows <= 0)
        {
            return;
        }

        int nnz = rowPtr[rows];
        if (cols.Length < nnz || values.Length < nnz)
        {
            throw new ArgumentException($"the CSR block has {nnz} entries but {cols.Length} column indices and {values.Length} values", nameof(cols));
        }

        if (Sse.IsSupported)
        {
            MultiplyVectorStreamed(rowPtr, cols, values, x, y, rows, scale, bias, epilogue);
            return;
        }

        // Column indices were checked against the width when the block was built; bounds checks on x are elided by
        // going through references. One accumulator per row, entries in column order: the sum rounds exactly as
        // SciPy's csr_matvec and as the streamed path below, so every path and every tiling gives the same bits.
        ref int c = ref MemoryMarshal.GetReference(cols);
        ref double v = ref MemoryMarshal.GetReference(values);
        ref double xr = ref MemoryMarshal.GetReference(x);
        int start = rowPtr[0];
        for (int i = 0; i < rows; i++)
        {
            int end = rowPtr[i + 1];
            double s = 0;
            for (int k = start; k < end; k++)
            {
                s += Unsafe.Add(ref v, k) * Unsafe.Add(ref xr, Unsafe.Add(ref c, k));
            }

            y[i] = epilogue ? (scale * s) + bias : s;
            start = end;
        }
    }

    /// <summary>y = A·x for one row block whose x elements were read beforehand, <paramref name="gathered"/>[k] being
    /// x[cols[k]] (a product with a short sparse operand reads its few x elements straight from the tiles that hold
    /// them). The same adds in the same order as <see cref="MultiplyVector(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>, so the same bits.</summary>
    public static void MultiplyGathered(ReadOnlySpan<int> rowPtr, ReadOnlySpan<double> values, ReadOnlySpan<double> gathered, Span<double> y) =>
        MultiplyGathered(rowPtr, values, gathered, y, 1, 0, epilogue: false);

    /// <summary>y = scale·(A·x) + bias with x gathered beforehand; rounds as the multiply-vector overload with the same epilogue.</summary>
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

    /// <summary>How far ahead of the current row the value and column streams are prefetched, in entries (2 KB of
    /// values, 1 KB of column indices).</summary>
    private const int StreamAhead = 256;

    /// <summary>
    /// The SpMV with the value and column streams prefetched non-temporally. The time goes into the random reads of x
    /// (a few MB: it lives in L3, while the CSR arrays are ten times larger and pass through once). Zen's L3 is filled
    /// by what L2 evicts, so streaming the CSR arrays through the normal path pushes x out of L3 and turns its reads
    /// into DRAM reads; PREFETCHNTA brings the stream in without that. Measured on the W6 matrix (1e6 rows, 1e7
    /// entries, 2 threads): 8.0–8.4 ms per product against 9.2–10.2 with a prefetch of x ahead of use (the previous
    /// kernel) and 9.8–11 ms for the plain loop. One prefetch per row: rows average ~10 entries, about a cache line of
    /// values. Prefetches never fault, so running past the end of the arrays is harmless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MultiplyVectorStreamed(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, ReadOnlySpan<double> x, Span<double> y, int rows, double scale, double bias, bool epilogue)
    {
        fixed (int* rp = rowPtr, c = cols)
        fixed (double* v = values, xr = x, yr = y)
        {
            int start = rp[0];
            for (int i = 0; i < rows; i++)
            {
                int end = rp[i + 1];
                Sse.PrefetchNonTemporal(v + start + StreamAhead);
                Sse.PrefetchNonTemporal(c + start + (2 * StreamAhead));
                double s = 0;
                for (int k = start; k < end; k++)
                {
                    s += v[k] * xr[c[k]];
                }

                yr[i] = epilogue ? (scale * s) + bias : s;
                start = end;
            }
        }
    }

    /// <summary>C = A·B for one row block, B dense row-major (width p), C (rows × p) overwritten.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyMatrix(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, ReadOnlySpan<double> b, int p, Span<double> c)
    {
        int rows = rowPtr.Length - 1;
        c[..(rows * p)].Clear();
        for (int i = 0; i < rows; i++)
        {
            Span<double> ci = c.Slice(i * p, p);
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.Slice(cols[k] * p, p), values[k], ci, ci);
            }
        }
    }

    /// <summary>C += A·S for a dense row block A (rows × k, row-major) and the CSR rows <paramref name="rowOffset"/>..
    /// of S (width p): row r of S scales into every row of C by A[., rowOffset + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DenseTimesCsr(ReadOnlySpan<double> a, int rows, int k, int rowOffset, ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, Span<double> c, int p)
    {
        int sRows = rowPtr.Length - 1;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> ai = a.Slice(i * k, k);
            Span<double> ci = c.Slice(i * p, p);
            for (int r = 0; r < sRows; r++)
            {
                double s = ai[rowOffset + r];
                if (s == 0)
                {
                    continue;
                }

                for (int e = rowPtr[r]; e < rowPtr[r + 1]; e++)
                {
                    ci[cols[e]] += s * values[e];
                }
            }
        }
    }

    /// <summary>Writes the block as a dense row-major (rows × width) array.</summary>
    public static void ToDense(ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, int width, Span<double> dense)
    {
        int rows = rowPtr.Length - 1;
        dense[..(rows * width)].Clear();
        for (int i = 0; i < rows; i++)
        {
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++)
            {
                dense[(i * width) + cols[k]] = values[k];
            }
        }
    }

    /// <summary>
    /// Builds a CSR block from COO triples (rows local to the block, any order): entries are ordered by row, then by
    /// column, and duplicates of one (row, col) are summed (SciPy's semantics). Returns the number of entries kept;
    /// <paramref name="colsOut"/> and <paramref name="valuesOut"/> need room for all of the input's entries.
    /// </summary>
    public static int FromCoo(ReadOnlySpan<int> rows, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, int rowCount, Span<int> rowPtr, Span<int> colsOut, Span<double> valuesOut)
    {
        int n = rows.Length;
        if (cols.Length != n || values.Length != n)
        {
            throw new ArgumentException($"COO arrays differ in length: {n} rows, {cols.Length} cols, {values.Length} values", nameof(cols));
        }

        if (rowPtr.Length != rowCount + 1)
        {
            throw new ArgumentException($"rowPtr needs {rowCount + 1} entries, has {rowPtr.Length}", nameof(rowPtr));
        }

        // Counting sort by row (stable), then each row sorted by column and its duplicates summed in place.
        rowPtr.Clear();
        foreach (int r in rows)
        {
            rowPtr[r + 1]++;
        }

        for (int i = 0; i < rowCount; i++)
        {
            rowPtr[i + 1] += rowPtr[i];
        }

        int[] next = rowPtr[..rowCount].ToArray();
        for (int e = 0; e < n; e++)
        {
            int at = next[rows[e]]++;
            colsOut[at] = cols[e];
            valuesOut[at] = values[e];
        }

        int write = 0;
        int start = 0;
        for (int i = 0; i < rowCount; i++)
        {
            int end = rowPtr[i + 1];
            SortRow(colsOut.Slice(start, end - start), valuesOut.Slice(start, end - start));
            int rowStart = write;
            for (int k = start; k < end; k++)
            {
                if (write > rowStart && colsOut[write - 1] == colsOut[k])
                {
                    valuesOut[write - 1] += valuesOut[k];
                }
                else
                {
                    colsOut[write] = colsOut[k];
                    valuesOut[write] = valuesOut[k];
                    write++;
                }
            }

            rowPtr[i] = rowStart;
            start = end;
        }

        rowPtr[rowCount] = write;
        return write;
    }

    /// <summary>Sorts one row's entries by column (stable for equal columns, so duplicates sum in input order).</summary>
    private static void SortRow(Span<int> cols, Span<double> values)
    {
        if (cols.Length <= 32)
        {
            for (int i = 1; i < cols.Length; i++)
            {
                int c = cols[i];
                double v = values[i];
                int j = i - 1;
                while (j >= 0 && cols[j] > c)
                {
                    cols[j + 1] = cols[j];
                    values[j + 1] = values[j];
                    j--;
                }

                cols[j + 1] = c;
                values[j + 1] = v;
            }

            return;
        }

        // Long rows: sort (column, input position) keys so equal columns keep their input order.
        var keys = new long[cols.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = ((long)cols[i] << 32) | (uint)i;
        }

        double[] copy = values.ToArray();
        Array.Sort(keys);
        for (int i = 0; i < keys.Length; i++)
        {
            cols[i] = (int)(keys[i] >> 32);
            values[i] = copy[(int)(uint)keys[i]];
        }
    }
}
