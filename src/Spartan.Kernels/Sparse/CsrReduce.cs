namespace Spartan.Kernels.Sparse;

/// <summary>What a CSR reduction computes. Implicit zeros take part in Max and Min exactly as in a dense array.</summary>
public enum CsrReduction
{
    /// <summary>Sum of the entries.</summary>
    Sum,
    /// <summary>Largest element (an implicit zero counts when a line has fewer entries than its length).</summary>
    Max,
    /// <summary>Smallest element (likewise).</summary>
    Min,
    /// <summary>Number of stored entries whose value is not zero.</summary>
    CountNonzero,
}

/// <summary>Reductions of a CSR row block (see <see cref="Csr"/> for the layout), straight from the CSR arrays.</summary>
public static class CsrReduce
{
    /// <summary>One value per row into <paramref name="output"/> (length rows); <paramref name="width"/> is the row length.</summary>
    public static void Rows(CsrReduction op, ReadOnlySpan<int> rowPtr, ReadOnlySpan<double> values, long width, Span<double> output)
    {
        int rows = rowPtr.Length - 1;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> v = values[rowPtr[i]..rowPtr[i + 1]];
            output[i] = Fold(op, v, v.Length < width);
        }
    }

    /// <summary>Folds every column of the block into <paramref name="output"/> (length = width), which the caller
    /// initialised with <see cref="Identity"/> (a column with fewer entries than rows also folds an implicit zero).</summary>
    public static void Columns(CsrReduction op, ReadOnlySpan<int> rowPtr, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, Span<double> output)
    {
        int rows = rowPtr.Length - 1;
        int nnz = rowPtr[rows];
        if (op is CsrReduction.Max or CsrReduction.Min)
        {
            // A column with fewer entries than rows has an implicit zero in this block.
            var seen = new int[output.Length];
            for (int k = 0; k < nnz; k++)
            {
                seen[cols[k]]++;
            }

            for (int j = 0; j < output.Length; j++)
            {
                if (seen[j] < rows)
                {
                    output[j] = Combine(op, output[j], 0);
                }
            }
        }

        for (int k = 0; k < nnz; k++)
        {
            double v = op == CsrReduction.CountNonzero ? (values[k] != 0 ? 1 : 0) : values[k];
            output[cols[k]] = Combine(op, output[cols[k]], v);
        }
    }

    /// <summary>The whole block folded to one value; <paramref name="width"/> is the row length.</summary>
    public static double All(CsrReduction op, ReadOnlySpan<int> rowPtr, ReadOnlySpan<double> values, long width)
    {
        int rows = rowPtr.Length - 1;
        int nnz = rowPtr[rows];
        return Fold(op, values[..nnz], nnz < rows * width);
    }

    /// <summary>The identity of a combine: 0 for sums and counts, ∓∞ for max and min.</summary>
    public static double Identity(CsrReduction op) => op switch
    {
        CsrReduction.Max => double.NegativeInfinity,
        CsrReduction.Min => double.PositiveInfinity,
        _ => 0,
    };

    /// <summary>Combines two partial results (sum, max or min; counts add).</summary>
    public static double Combine(CsrReduction op, double a, double b) => op switch
    {
        CsrReduction.Max => a > b || double.IsNaN(a) ? a : b,
        CsrReduction.Min => a < b || double.IsNaN(a) ? a : b,
        _ => a + b,
    };

    private static double Fold(CsrReduction op, ReadOnlySpan<double> v, bool implicitZero)
    {
        double acc = implicitZero ? Combine(op, Identity(op), 0) : Identity(op);
        if (op == CsrReduction.CountNonzero)
        {
            acc = 0;
            foreach (double x in v)
            {
                acc += x != 0 ? 1 : 0;
            }

            return acc;
        }

        foreach (double x in v)
        {
            acc = Combine(op, acc, x);
        }

        return acc;
    }
}
