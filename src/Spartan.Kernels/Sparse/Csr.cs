using System.Runtime.CompilerServices;

namespace Spartan.Kernels.Sparse;

/// <summary>
/// CSR (compressed sparse row) kernels over one row block: <c>rowPtr</c> has rows + 1 entries (rowPtr[0] = 0), row i's
/// entries are <c>cols[rowPtr[i]..rowPtr[i+1]]</c> / <c>values[...]</c>, column indices sorted ascending and unique
/// within a row. Indices are int32 (as SciPy's for fewer than 2^31 columns/entries), which keeps the SpMV stream at
/// 12 bytes per entry. Spans in, spans out.
/// </summary>
public static partial class Csr
{
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
