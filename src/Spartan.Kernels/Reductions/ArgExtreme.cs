using System.Numerics;

namespace Spartan.Kernels.Reductions;

/// <summary>Index of the first maximum or minimum. A NaN counts as the extreme and the first NaN wins,
/// as in numpy.argmax/argmin.</summary>
public static class ArgExtreme
{
    /// <summary>The position of the first maximum of <paramref name="x"/> (NaN first); -1 when empty.</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => Find<T>(x, max: true);

    /// <summary>The position of the first minimum of <paramref name="x"/> (NaN first); -1 when empty.</summary>
    public static int ArgMin<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => Find<T>(x, max: false);

    /// <summary>Whether candidate value <paramref name="c"/> replaces the current best <paramref name="best"/>
    /// when it comes later in order: strictly better, or the first NaN.</summary>
    public static bool Replaces<T>(T c, T best, bool max) where T : unmanaged, INumber<T>
    {
        if (T.IsNaN(best))
        {
            return false;
        }

        if (T.IsNaN(c))
        {
            return true;
        }

        return max ? c > best : c < best;
    }

    private static int Find<T>(ReadOnlySpan<T> x, bool max) where T : unmanaged, INumber<T>
    {
        if (x.IsEmpty)
        {
            return -1;
        }

        int best = 0;
        T bv = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            if (Replaces(x[i], bv, max))
            {
                best = i;
                bv = x[i];
                if (T.IsNaN(bv))
                {
                    break;
                }
            }
        }

        return best;
    }
}
