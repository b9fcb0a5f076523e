using Spartan.Kernels.Loops;
using static Spartan.Kernels.Tests.TestData;

namespace Spartan.Kernels.Tests;

/// <summary>Strided loads against the scalar definition over every test length, with the source cut to exactly the
/// elements the view needs (so a vector step that read past them would throw or show in the result).</summary>
public class StridedTests
{
    private static void Check<T>(Func<int, T> make)
        where T : unmanaged, IEquatable<T>
    {
        foreach (long step in new long[] { 1, 2, 3, 7 })
        {
            foreach (int n in Lengths)
            {
                int needed = n == 0 ? 0 : (int)(((n - 1) * step) + 1);
                T[] source = Enumerable.Range(0, needed).Select(make).ToArray();
                var got = new T[n + 2];
                Strided.Gather<T>(source, step, got.AsSpan(1, n));
                Assert.Equal(default, got[0]);
                Assert.Equal(default, got[n + 1]);
                for (int k = 0; k < n; k++)
                {
                    Assert.True(source[k * step].Equals(got[k + 1]), $"{typeof(T).Name} step {step} n {n}: element {k}");
                }
            }
        }
    }

    [Fact]
    public void GathersEveryStepOfEveryWidth()
    {
        Check(i => i + 0.5);
        Check(i => (float)i - 0.25f);
        Check(i => (long)i * 3_000_000_000L);
        Check(i => (i * 7) + 1);
        Check(i => (byte)(i % 251 + 1));
    }

    [Fact]
    public void RefusesAViewThatDoesNotFit()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Strided.Gather<double>(new double[5], 2, new double[4]));
        Assert.Equal("step", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Strided.Gather<double>(new double[5], 0, new double[2]));
    }
}
