namespace Spartan.Runtime;

/// <summary>Walks the multi-indices of all axes but the last, in row-major order.</summary>
internal static class Odometer
{
    /// <summary>Advances <paramref name="idx"/> over <paramref name="dims"/>[0..idx.Length); false when done.</summary>
    public static bool Next(Span<long> idx, ReadOnlySpan<long> dims)
    {
        for (int a = idx.Length - 1; a >= 0; a--)
        {
            if (++idx[a] < dims[a])
            {
                return true;
            }

            idx[a] = 0;
        }

        return false;
    }

    /// <summary>Whether any of <paramref name="dims"/> is zero (nothing to walk).</summary>
    public static bool Empty(ReadOnlySpan<long> dims)
    {
        foreach (long d in dims)
        {
            if (d == 0)
            {
                return true;
            }
        }

        return false;
    }
}
