using Spartan.Kernels.Random;

namespace Spartan.Kernels.Tests;

/// <summary>Known-answer tests from Random123's kat_vectors (philox4x32 10), and the properties the arrays rely on.</summary>
public class PhiloxTests
{
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Block_MatchesRandom123KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint r0, uint r1, uint r2, uint r3)
    {
        (uint, uint, uint, uint) got = Philox.Block(c0, c1, c2, c3, k0, k1);
        Assert.Equal((r0, r1, r2, r3), got);
    }

    [Fact]
    public void Next_PacksCounterKeyAndStreamAsDocumented()
    {
        // counter 0, key 0, stream 0 is the first KAT vector.
        Assert.Equal((0xe169c58d_6627e8d5UL, 0x9b00dbd8_bc57ac4cUL), Philox.Next(0, 0));

        // counter = c1:c0, key = k1:k0, stream = c2 (c3 is 0): compare with the block function directly.
        (uint a0, uint a1, uint a2, uint a3) = Philox.Block(0x85a308d3, 0x243f6a88, 0x13198a2e, 0, 0x299f31d0, 0xa4093822);
        Assert.Equal((((ulong)a1 << 32) | a0, ((ulong)a3 << 32) | a2), Philox.Next(0xa4093822_299f31d0UL, 0x243f6a88_85a308d3UL, 0x13198a2e));
    }

    [Fact]
    public void Uniform_IsAPureFunctionOfKeyAndIndex_AnyTiling()
    {
        const int n = 10_007;
        double[] whole = new double[n];
        Philox.Uniform(42, 0, whole);
        double[] tiled = new double[n];
        for (int s = 0; s < n; s += 333)
        {
            Philox.Uniform(42, s, tiled.AsSpan(s, Math.Min(333, n - s)));
        }

        Assert.Equal(whole, tiled);
        for (int i = 0; i < n; i += 997)
        {
            Assert.Equal(Philox.ToUnitDouble(Philox.Next(42, (ulong)i).A), whole[i]);
        }

        Assert.All(whole, v => Assert.InRange(v, 0.0, Math.BitDecrement(1.0)));
        double mean = whole.Average();
        Assert.InRange(mean, 0.49, 0.51);

        double[] other = new double[n];
        Philox.Uniform(43, 0, other);
        Assert.NotEqual(whole, other);
    }

    [Fact]
    public void Uniform_HighCounterWords_AndExtremes()
    {
        // Indices past 2^32 exercise the high counter word.
        double[] d = new double[100];
        Philox.Uniform(7, (1L << 32) - 50, d);
        for (int i = 0; i < d.Length; i++)
        {
            Assert.Equal(Philox.ToUnitDouble(Philox.Next(7, (ulong)((1L << 32) - 50 + i)).A), d[i]);
        }

        Assert.Equal(0.0, Philox.ToUnitDouble(0));
        Assert.Equal(Math.BitDecrement(1.0), Philox.ToUnitDouble(ulong.MaxValue));
    }

    [Fact]
    public void Normal_IsFiniteWithUnitMoments()
    {
        double[] d = new double[200_000];
        Philox.Normal(5, 0, d);
        Assert.All(d, v => Assert.True(double.IsFinite(v)));
        double mean = d.Average(), var = d.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(var, 0.98, 1.02);
        double[] again = new double[1000];
        Philox.Normal(5, 500, again);
        Assert.Equal(d.AsSpan(500, 1000).ToArray(), again);
    }

    [Fact]
    public void Integers_StayInRange_AndCoverIt()
    {
        long[] d = new long[60_000];
        Philox.Integers(9, 0, -3, 3, d);
        Assert.All(d, v => Assert.InRange(v, -3, 2));
        Assert.Equal(6, d.Distinct().Count());
        Philox.Integers(9, 0, long.MinValue, long.MaxValue, d);
        Assert.Contains(d, v => v < 0);
        Assert.Contains(d, v => v > 0);
    }
}
