using System.Numerics;
using Spartan.Kernels.Operators;
using Spartan.Kernels.Reductions;
using static Spartan.Kernels.Tests.TestData;

namespace Spartan.Kernels.Tests;

/// <summary>The fold order is a contract (bit-identical float results on every instruction set), so the folds are
/// compared bit for bit with a plain scalar model of the documented order, written here from the documentation.</summary>
public class FoldTests
{
    private const int Chunk = 2048, Lanes = 16;

    private static readonly int[] FoldLengths = [.. Lengths, 15, 16, 17, 2047, 2048, 2049, 2048 * 3 + 1, 2048 * 256, 2048 * 256 + 1, 700_001];

    /// <summary>Within a chunk: element i goes to lane i mod 16 (only for the whole groups of 16); lanes combine
    /// j with j+8, then j+4, j+2, j+1; the tail is added in order to lane 0's result.</summary>
    private static T ModelChunk<T>(ReadOnlySpan<T> x, T identity, Func<T, T, T> op)
    {
        int whole = x.Length / Lanes * Lanes;
        var lane = new T[Lanes];
        Array.Fill(lane, identity);
        for (int i = 0; i < whole; i++)
        {
            lane[i % Lanes] = op(lane[i % Lanes], x[i]);
        }

        foreach (int w in new[] { 8, 4, 2, 1 })
        {
            for (int j = 0; j < w; j++)
            {
                lane[j] = op(lane[j], lane[j + w]);
            }
        }

        T r = lane[0];
        for (int i = whole; i < x.Length; i++)
        {
            r = op(r, x[i]);
        }

        return r;
    }

    private static T ModelPairwise<T>(List<T> p, int lo, int hi, Func<T, T, T> op) =>
        hi - lo == 1 ? p[lo] : op(ModelPairwise(p, lo, lo + (hi - lo) / 2, op), ModelPairwise(p, lo + (hi - lo) / 2, hi, op));

    private static T ModelSpan<T>(T[] x, T identity, Func<T, T, T> op)
    {
        if (x.Length <= Chunk)
        {
            return ModelChunk<T>(x, identity, op);
        }

        var partials = new List<T>();
        for (int s = 0; s < x.Length; s += Chunk)
        {
            partials.Add(ModelChunk<T>(x.AsSpan(s, Math.Min(Chunk, x.Length - s)), identity, op));
        }

        return ModelPairwise(partials, 0, partials.Count, op);
    }

    private static void Check<T, TOp>(T identity, Func<T, T, T> op, Kind kind)
        where T : unmanaged, INumber<T>
        where TOp : IBinaryOperator<T>
    {
        foreach (int n in FoldLengths)
        {
            T[] x = Values<T>(n, 11000 + n, kind);
            T want = ModelSpan(x, identity, op);
            T got = Fold.Span<T, TOp>(x, identity);
            Assert.True(Same(want, got), $"Fold.Span {typeof(TOp).Name}<{typeof(T).Name}> n={n}: got {Show(got)}, want {Show(want)}");
            if (n <= Chunk)
            {
                T chunk = Fold.Chunk<T, TOp>(x, identity);
                Assert.True(Same(want, chunk), $"Fold.Chunk {typeof(TOp).Name}<{typeof(T).Name}> n={n}: got {Show(chunk)}, want {Show(want)}");
            }
        }
    }

    private static void Sums<T>() where T : unmanaged, INumber<T> =>
        Check<T, AddOperator<T>>(T.Zero, (a, b) => unchecked(a + b), IsFloat<T>() ? Kind.Finite : Kind.Any);

    [Fact] public void Sum_BitIdenticalToTheDocumentedOrder() { Sums<double>(); Sums<float>(); Sums<long>(); Sums<int>(); Sums<byte>(); }

    [Fact]
    public void Sum_OfWildValues_BitIdenticalToTheDocumentedOrder()
    {
        // With infinities and NaNs mixed in, the order decides which NaN/inf comes out; the model must still agree.
        Check<double, AddOperator<double>>(0.0, (a, b) => a + b, Kind.Any);
        Check<float, AddOperator<float>>(0f, (a, b) => a + b, Kind.Any);
    }

    [Fact]
    public void MaxMinProduct_BitIdenticalToTheDocumentedOrder()
    {
        Check<double, MaximumOperator<double>>(double.NegativeInfinity, (a, b) => double.IsNaN(a) ? a : double.IsNaN(b) ? b : (a < b ? b : a), Kind.Any);
        Check<float, MinimumOperator<float>>(float.PositiveInfinity, (a, b) => float.IsNaN(a) ? a : float.IsNaN(b) ? b : (b < a ? b : a), Kind.Any);
        Check<long, MaximumOperator<long>>(long.MinValue, Math.Max, Kind.Any);
        Check<int, MinimumOperator<int>>(int.MaxValue, Math.Min, Kind.Any);
        Check<byte, MaximumOperator<byte>>(0, Math.Max, Kind.Any);
        Check<double, MultiplyOperator<double>>(1.0, (a, b) => a * b, Kind.Finite);
        Check<int, MultiplyOperator<int>>(1, (a, b) => unchecked(a * b), Kind.Any);
    }

    [Fact]
    public void Pairwise_SplitsAtTheMidpoint()
    {
        for (int n = 1; n <= 70; n++)
        {
            double[] p = Values<double>(n, 12000 + n, Kind.Finite);
            double want = ModelPairwise([.. p], 0, n, (a, b) => a + b);
            Assert.Equal(BitConverter.DoubleToInt64Bits(want), BitConverter.DoubleToInt64Bits(Fold.Pairwise<double, AddOperator<double>>(p)));
        }

        // ((a+b)+(c+(d+e))) for five partials, spelled out.
        double[] five = [1e16, 1.0, -1e16, 1.0, 1.0];
        Assert.Equal((1e16 + 1.0) + (-1e16 + (1.0 + 1.0)), Fold.Pairwise<double, AddOperator<double>>(five));
        Assert.Throws<ArgumentException>(() => Fold.Pairwise<double, AddOperator<double>>([]));
    }

    [Fact]
    public void PairwiseInPlace_CombinesArraysInTheSameTreeAsPairwise()
    {
        foreach (int count in new[] { 1, 2, 3, 5, 8, 13 })
        {
            var arrays = new List<double[]>();
            for (int k = 0; k < count; k++)
            {
                arrays.Add(Values<double>(37, 13000 + k, Kind.Finite));
            }

            double[] want = new double[37];
            for (int i = 0; i < 37; i++)
            {
                want[i] = ModelPairwise(arrays.Select(a => a[i]).ToList(), 0, count, (a, b) => a + b);
            }

            Fold.PairwiseInPlace<double, AddOperator<double>>(arrays, 0, count);
            AssertSame<double>(want, arrays[0], $"PairwiseInPlace count={count}");
        }
    }

    [Fact]
    public void EmptyAndShortFolds_ReturnIdentityBasedResults()
    {
        Assert.Equal(0.0, Fold.Span<double, AddOperator<double>>([], 0.0));
        Assert.Equal(double.NegativeInfinity, Fold.Span<double, MaximumOperator<double>>([], double.NegativeInfinity));
        Assert.Equal(6.0, Fold.Span<double, AddOperator<double>>([1.0, 2.0, 3.0], 0.0));
        Assert.True(double.IsNaN(Fold.Span<double, MaximumOperator<double>>([1.0, double.NaN, 3.0], double.NegativeInfinity)));
    }

    /// <summary>Neumaier's compensated sum: error about eps*|sum| + n*eps^2*sum|x|, far below the bound tested.</summary>
    private static double AccurateSum(double[] x)
    {
        double s = 0, c = 0;
        foreach (double v in x)
        {
            double t = s + v;
            c += Math.Abs(s) >= Math.Abs(v) ? (s - t) + v : (v - t) + s;
            s = t;
        }

        return s + c;
    }

    [Fact]
    public void DoubleSum_ErrorWithinBound()
    {
        var rng = new System.Random(99);
        foreach (int n in new[] { 1, 100, 2048, 10_000, 100_000, 1_000_000 })
        {
            foreach (int shape in new[] { 0, 1, 2 })
            {
                double[] x = new double[n];
                for (int i = 0; i < n; i++)
                {
                    // Uniform positive; mixed signs with cancellation; wide magnitudes.
                    x[i] = shape switch
                    {
                        0 => rng.NextDouble(),
                        1 => rng.NextDouble() - 0.5,
                        _ => (rng.NextDouble() - 0.3) * Math.Pow(2, rng.Next(-30, 30)),
                    };
                }

                double sumAbs = x.Sum(Math.Abs), exact = AccurateSum(x);
                double got = Fold.Span<double, AddOperator<double>>(x, 0.0);
                double err = Math.Abs(got - exact);
                Assert.True(err <= 1e-12 * sumAbs, $"n={n} shape={shape}: |err| {err:g3} > 1e-12 * sum|x| ({1e-12 * sumAbs:g3})");
            }
        }
    }

    [Fact]
    public void FloatSum_ErrorWithinDocumentedBound()
    {
        var rng = new System.Random(98);
        foreach (int n in new[] { 100, 4097, 1_000_000 })
        {
            float[] x = new float[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = (float)(rng.NextDouble() - 0.25);
            }

            double exact = AccurateSum(Array.ConvertAll(x, v => (double)v)), sumAbs = x.Sum(v => Math.Abs((double)v));
            float got = Fold.Span<float, AddOperator<float>>(x, 0f);
            // The documented bound: (log2(n / ChunkLength) + ChunkLength / 16) ulps times sum|x|, plus the lane tree.
            double ulps = Math.Max(0, Math.Log2((double)n / Chunk)) + Chunk / 16 + 5;
            Assert.True(Math.Abs(got - exact) <= ulps * Math.Pow(2, -24) * sumAbs, $"n={n}: |err| {Math.Abs(got - exact):g3}");
        }
    }
}
