using Spartan.Kernels.Stencil;

namespace Spartan.Tests.Stencil;

/// <summary>The row kernels against plain loops with the same term order, for every length around the vector widths
/// (so the Vector512, Vector256 and scalar tails are all crossed), strides and filter sizes.</summary>
public class StencilKernelTests
{
    private static double[] Data(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
    }

    [Theory]
    [InlineData(3, 3, 1)]
    [InlineData(3, 3, 2)]
    [InlineData(1, 1, 1)]
    [InlineData(2, 5, 1)]
    [InlineData(5, 5, 1)]
    [InlineData(4, 2, 3)]
    public void CorrelateRowMatchesLoopsForEveryLength(int kh, int kw, int stride)
    {
        for (int n = 0; n <= 70; n++)
        {
            int width = n == 0 ? kw : ((n - 1) * stride) + kw;
            double[] lines = Data((kh * width) + 7, n);
            int[] starts = Enumerable.Range(0, kh).Select(a => ((kh - 1 - a) * width) + 3).ToArray();
            double[] f = Data(kh * kw, 100 + n);
            foreach (bool acc in new[] { false, true })
            {
                double[] got = Data(n, 200 + n), want = (double[])got.Clone();
                Correlate.Row<double>(lines, starts, f, kw, stride, got, acc);
                for (int j = 0; j < n; j++)
                {
                    double s = f[0] * lines[starts[0] + (j * stride)];
                    for (int a = 0; a < kh; a++)
                    {
                        for (int b = a == 0 ? 1 : 0; b < kw; b++)
                        {
                            s += f[(a * kw) + b] * lines[starts[a] + (j * stride) + b];
                        }
                    }

                    want[j] = acc ? want[j] + s : s;
                }

                Assert.Equal(want, got);
            }

            float[] lf = lines.Select(x => (float)x).ToArray(), ff = f.Select(x => (float)x).ToArray();
            var gf = new float[n];
            Correlate.Row<float>(lf, starts, ff, kw, stride, gf, false);
            for (int j = 0; j < n; j++)
            {
                float s = ff[0] * lf[starts[0] + (j * stride)];
                for (int a = 0; a < kh; a++)
                {
                    for (int b = a == 0 ? 1 : 0; b < kw; b++)
                    {
                        s += ff[(a * kw) + b] * lf[starts[a] + (j * stride) + b];
                    }
                }

                Assert.Equal(s, gf[j]);
            }
        }
    }

    [Fact]
    public void MaxRowMatchesLoopsAndPropagatesNaN()
    {
        foreach ((int kh, int kw, int stride) in new[] { (2, 2, 2), (3, 3, 1), (1, 1, 1), (2, 3, 3) })
        {
            for (int n = 0; n <= 40; n++)
            {
                int width = n == 0 ? kw : ((n - 1) * stride) + kw;
                double[] lines = Data(kh * width, n);
                if (n == 17)
                {
                    lines[width / 2] = double.NaN;
                }

                int[] starts = Enumerable.Range(0, kh).Select(a => a * width).ToArray();
                var got = new double[n];
                Pool.MaxRow<double>(lines, starts, kw, stride, new double[width], got);
                for (int j = 0; j < n; j++)
                {
                    double m = double.NegativeInfinity;
                    for (int a = 0; a < kh; a++)
                    {
                        for (int b = 0; b < kw; b++)
                        {
                            double x = lines[starts[a] + (j * stride) + b];
                            m = double.IsNaN(m) || double.IsNaN(x) ? double.NaN : Math.Max(m, x);
                        }
                    }

                    Assert.Equal(m, got[j]);
                }
            }
        }
    }

    [Fact]
    public void BadRowArgumentsThrow()
    {
        double[] lines = new double[10];
        Assert.Throws<ArgumentException>(() => Correlate.Row<double>(lines, new[] { 0 }, new double[2], 3, 1, new double[2], false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Correlate.Row<double>(lines, new[] { 0 }, new double[3], 3, 0, new double[2], false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Correlate.Row<double>(lines, new[] { 8 }, new double[3], 3, 1, new double[2], false));
        Assert.Throws<ArgumentException>(() => Pool.MaxRow<double>(lines, new[] { 0 }, 2, 2, new double[1], new double[2]));
    }
}
