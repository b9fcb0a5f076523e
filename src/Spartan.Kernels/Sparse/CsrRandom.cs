using Spartan.Kernels.Random;

namespace Spartan.Kernels.Sparse;

/// <summary>
/// Random sparse rows: each element of a row is stored with probability <c>density</c>, with a uniform [0, 1) value.
/// Row i is a pure function of (key, i): its draws are Philox blocks at counter i, stream 0, 1, 2, ..., so the array is
/// the same for any tiling and worker count. Columns are found by geometric skips (one draw per stored entry, not per
/// element), which gives exactly independent Bernoulli(density) elements.
/// </summary>
public static class CsrRandom
{
    /// <summary>Appends row <paramref name="row"/>'s entries (ascending columns) at <paramref name="count"/>, growing the
    /// buffers as needed; returns the new count.</summary>
    public static int AppendRow(ulong key, long row, long width, double density, ref int[] cols, ref double[] values, int count)
    {
        if (density <= 0 || width == 0)
        {
            return count;
        }

        double logQ = Math.Log(1 - density); // -inf when density is 1: every skip is 0
        long col = -1;
        for (uint draw = 0; ; draw++)
        {
            (ulong a, ulong b) = Philox.Next(key, (ulong)row, draw);
            double u = 1 - Philox.ToUnitDouble(a); // (0, 1]: log never sees 0
            double skip = density >= 1 ? 0 : Math.Floor(Math.Log(u) / logQ);
            if (skip >= width - col - 1)
            {
                return count;
            }

            col += 1 + (long)skip;
            if (count == cols.Length)
            {
                int grow = Math.Max(16, cols.Length * 2);
                Array.Resize(ref cols, grow);
                Array.Resize(ref values, grow);
            }

            cols[count] = (int)col;
            values[count] = Philox.ToUnitDouble(b);
            count++;
        }
    }
}
