using System.Runtime.CompilerServices;

namespace Spartan.Kernels.Random;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based generator.
/// The value for an element is a pure function of (key, element index), so any tile can fill any region
/// and the array is the same for every tiling and worker count.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The 128 random bits for <paramref name="counter"/> under <paramref name="key"/>, as two 64-bit words.</summary>
    /// <remarks>The Philox counter words are (c0, c1, c2, c3) = (low 32 bits of counter, high 32 bits, stream, 0) and the
    /// key words (k0, k1) = (low, high) of <paramref name="key"/>; the result is A = c1:c0 and B = c3:c2 of the output block.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (ulong A, ulong B) Next(ulong key, ulong counter, uint stream = 0)
    {
        (uint r0, uint r1, uint r2, uint r3) = Block((uint)counter, (uint)(counter >> 32), stream, 0, (uint)key, (uint)(key >> 32));
        return (((ulong)r1 << 32) | r0, ((ulong)r3 << 32) | r2);
    }

    /// <summary>One Philox4x32-10 block, exactly as Random123's philox4x32_R(10, ctr, key): ten rounds, the key
    /// bumped by the Weyl constants before every round but the first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (uint, uint, uint, uint) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int r = 0; r < 10; r++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n1 = (uint)p1;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            uint n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += W0;
            k1 += W1;
        }

        return (c0, c1, c2, c3);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnitDouble(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fills <paramref name="d"/> with uniform [0, 1) values of elements first..first+d.Length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Uniform(ulong key, long first, Span<double> d)
    {
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = ToUnitDouble(Next(key, (ulong)(first + i)).A);
        }
    }

    /// <summary>Fills <paramref name="d"/> with standard normal values (Box-Muller on both words of one draw).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normal(ulong key, long first, Span<double> d)
    {
        for (int i = 0; i < d.Length; i++)
        {
            (ulong a, ulong b) = Next(key, (ulong)(first + i));
            // 1 - u keeps the logarithm's argument in (0, 1].
            double u1 = 1.0 - ToUnitDouble(a), u2 = ToUnitDouble(b);
            d[i] = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
    }

    /// <summary>Fills <paramref name="d"/> with integers uniform in [low, high).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Integers(ulong key, long first, long low, long high, Span<long> d)
    {
        ulong range = (ulong)(high - low);
        for (int i = 0; i < d.Length; i++)
        {
            // The high word of a 64x64 product maps the draw onto the range; the bias is below range / 2^64.
            ulong hi = Math.BigMul(Next(key, (ulong)(first + i)).A, range, out _);
            d[i] = low + (long)hi;
        }
    }
}
