using Spartan.Kernels.Loops;

namespace Spartan.Kernels.Tests;

/// <summary>The non-temporal copy: every length and destination alignment, with guards around the destination.</summary>
public class StreamingTests
{
    [Fact]
    public void CopiesEveryLengthAndAlignmentExactly()
    {
        var rng = new System.Random(7);
        var src = new double[700];
        for (int i = 0; i < src.Length; i++)
        {
            src[i] = rng.NextDouble();
        }

        var dst = new double[720];
        for (int offset = 0; offset < 9; offset++)
        {
            foreach (int n in Enumerable.Range(0, 300).Concat([511, 512, 513, 699]))
            {
                Array.Fill(dst, -1.0);
                Streaming.Copy<double>(src.AsSpan(0, n), dst.AsSpan(offset, n));
                Streaming.Fence();
                Assert.True(dst.AsSpan(offset, n).SequenceEqual(src.AsSpan(0, n)), $"n={n} offset={offset}");
                Assert.All(dst[..offset], v => Assert.Equal(-1.0, v));
                Assert.All(dst[(offset + n)..], v => Assert.Equal(-1.0, v));
            }
        }
    }

    [Fact]
    public void BytesAndMismatchedLengths()
    {
        byte[] src = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var dst = new byte[1003];
        Streaming.Copy<byte>(src, dst.AsSpan(3, 1000));
        Assert.True(dst.AsSpan(3).SequenceEqual(src));
        Assert.Throws<ArgumentException>(() => Streaming.Copy<byte>(src, dst));
    }
}
