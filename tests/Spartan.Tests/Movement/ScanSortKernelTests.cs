using Spartan.Kernels.Operators;
using Spartan.Kernels.Scans;
using Spartan.Kernels.Sorting;

namespace Spartan.Tests.Movement;

/// <summary>The scan and sort kernels on spans of every length 0..256 and odd large lengths, against sequential loops.</summary>
public class ScanSortKernelTests
{
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 257), 1000, 4099, 65_537];

    [Fact]
    public void InclusiveScansMatchASequentialLoop()
    {
        var rng = new Random(1);
        foreach (int n in Lengths)
        {
            double[] x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            long[] l = x.Select(v => (long)(v * 1e6)).ToArray();
            int[] i = l.Select(v => (int)v).ToArray();
            float[] f = x.Select(v => (float)v).ToArray();
            var d = new double[n];
            double last = Scan.Inclusive<double, AddOperator<double>>(x, d, 1.0);
            double s = 1, abs = 1;
            for (int k = 0; k < n; k++)
            {
                s += x[k];
                abs += Math.Abs(x[k]);
                Assert.True(Math.Abs(d[k] - s) <= 1e-14 * abs, $"n={n} k={k}: {d[k]} vs {s}");
            }

            Assert.Equal(n == 0 ? 1.0 : d[^1], last);
            var dl = new long[n];
            Scan.Inclusive<long, AddOperator<long>>(l, dl, 5);
            var di = new int[n];
            Scan.Inclusive<int, MaximumOperator<int>>(i, di, int.MinValue);
            var df = new float[n];
            Scan.Inclusive<float, MinimumOperator<float>>(f, df, float.PositiveInfinity);
            long sl = 5;
            int mi = int.MinValue;
            float mf = float.PositiveInfinity;
            for (int k = 0; k < n; k++)
            {
                sl += l[k];
                mi = Math.Max(mi, i[k]);
                mf = Math.Min(mf, f[k]);
                Assert.Equal(sl, dl[k]);
                Assert.Equal(mi, di[k]);
                Assert.Equal(mf, df[k]);
            }

            // In place, with a NaN: everything from the NaN on is NaN.
            if (n > 3)
            {
                double[] y = (double[])x.Clone();
                y[n / 2] = double.NaN;
                Scan.Inclusive<double, MaximumOperator<double>>(y, y, double.NegativeInfinity);
                Assert.All(y[..(n / 2)], v => Assert.False(double.IsNaN(v)));
                Assert.All(y[(n / 2)..], v => Assert.True(double.IsNaN(v)));
            }
        }
    }

    [Fact]
    public void SortsMatchArraySortWithNaNLastAndArgSortIsStable()
    {
        var rng = new Random(2);
        foreach (int n in Lengths)
        {
            double[] x = Enumerable.Range(0, n).Select(_ => rng.Next(10) switch { 0 => double.NaN, 1 => -0.0, var k => k - 5.0 }).ToArray();
            double[] got = (double[])x.Clone();
            Sorter.Sort<double>(got);
            // Array.Sort puts NaN first; NumPy (and Spartan) put it last.
            double[] want = x.Where(v => !double.IsNaN(v)).Order().Concat(x.Where(double.IsNaN)).ToArray();
            Assert.Equal(want, got);

            var idx = new long[n];
            Sorter.ArgSort<double>(x, idx, 100);
            long[] stable = Enumerable.Range(0, n).OrderBy(k => double.IsNaN(x[k]) ? double.PositiveInfinity : x[k]).ThenBy(k => double.IsNaN(x[k]) ? 1 : 0).Select(k => (long)k + 100).ToArray();
            Assert.Equal(stable, idx);

            int[] ints = Enumerable.Range(0, n).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
            int[] si = (int[])ints.Clone();
            Sorter.Sort<int>(si);
            Assert.Equal(ints.Order().ToArray(), si);
            long[] longs = Enumerable.Range(0, n).Select(_ => rng.NextInt64(long.MinValue, long.MaxValue)).ToArray();
            long[] sl = (long[])longs.Clone();
            Sorter.Sort<long>(sl);
            Assert.Equal(longs.Order().ToArray(), sl);
            float[] floats = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2e6 - 1e6)).ToArray();
            float[] sf = (float[])floats.Clone();
            Sorter.Sort<float>(sf);
            Assert.Equal(floats.Order().ToArray(), sf);
        }
    }
}
