namespace Spartan.Tests;

/// <summary>Reductions over every axis (negative too), all axes, with keepDims, on odd tilings, 0-d and zero-size
/// arrays, against plain loops. Float sums are checked as |result - exact| &lt;= 1e-12 * sum|x|.</summary>
public class ReductionTests
{
    private const DType B = DType.Bool;
    private const DType I32 = DType.Int32;
    private const DType I64 = DType.Int64;
    private const DType F32 = DType.Float32;
    private const DType F64 = DType.Float64;

    private static readonly (long[] Shape, long[]? Tile)[] Layouts =
    [
        ([10, 7], [3, 5]),
        ([10, 7], null),
        ([7], [1]),
        ([4, 3, 5], [3, 2, 4]),
        ([2, 5, 3], [1, 5, 2]),
        ([], null),
        ([0, 3], null),
        ([3, 0], [2, 1]),
        ([2, 0, 3], null),
    ];

    [Theory, InlineData(1), InlineData(3)]
    public void Float64ReductionsOverEveryAxis(int workers) => Sweep(workers, F64, 1);

    [Theory, InlineData(1), InlineData(3)]
    public void Float32ReductionsOverEveryAxis(int workers) => Sweep(workers, F32, 2);

    [Theory, InlineData(1), InlineData(3)]
    public void Int64ReductionsOverEveryAxis(int workers) => Sweep(workers, I64, 3);

    [Theory, InlineData(1), InlineData(3)]
    public void Int32ReductionsOverEveryAxis(int workers) => Sweep(workers, I32, 4);

    [Theory, InlineData(1), InlineData(3)]
    public void BoolReductionsOverEveryAxis(int workers) => Sweep(workers, B, 5);

    [Theory, InlineData(1), InlineData(3)]
    public void ReductionsOfFusedExpressions(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(F64, [10, 7], 10), b = Ref.Random(F64, [7], 11);
        Expr x = a.ToExpr(tileHint: (3, 5)), y = b.ToExpr(tileHint: 2);
        Ref f = Ref.Zip(a, b, F64, (p, q) => (p * 2) + q);
        foreach (int? axis in new int?[] { null, 0, 1, -1, -2 })
        {
            string what = $"axis {axis}";
            Oracle.AssertEq(((x * 2) + y).Sum(axis), f.Reduce(axis, false, F64, Oracle.ExactSum, Oracle.SumTolerance), what: "sum " + what);
            Oracle.AssertEq(((x * 2) + y).Max(axis, keepDims: true), f.Reduce(axis, true, F64, v => v.Max()), what: "max " + what);
            Oracle.AssertEq(((x * 2) + y).ArgMin(axis), f.Reduce(axis, false, I64, ArgMinRef), what: "argmin " + what);
            Oracle.AssertEq((x > y).Sum(axis), Ref.Zip(a, b, B, (p, q) => p > q ? 1 : 0).ReduceInt(axis, false, I64, v => v.Sum()), what: "count " + what);
            Oracle.AssertEq(((x * 2) + y).Mean(axis), f.Reduce(axis, false, F64, v => Oracle.ExactSum(v) / v.Length, v => Oracle.SumTolerance(v) / v.Length), what: "mean " + what);
        }

        // A reduction consumed by further elementwise work, broadcast back against its input.
        Ref centred = Ref.Make(F64, [10, 7], i => a.At(i) - (Oracle.ExactSum(Enumerable.Range(0, 10).Select(r => a.At(r, i[1]))) / 10));
        Oracle.AssertEq(x - x.Mean(axis: 0), centred, what: "x - mean(axis 0)");
        Ref rowsCentred = Ref.Make(F64, [10, 7], i => a.At(i) - (Oracle.ExactSum(Enumerable.Range(0, 7).Select(c => a.At(i[0], c))) / 7));
        Oracle.AssertEq((x - x.Mean(axis: 1, keepDims: true)).Sum(axis: 1), rowsCentred.Reduce(1, false, F64, Oracle.ExactSum, v => 2 * Oracle.SumTolerance(v)), what: "rows centred sum to ~0");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void NaNPropagatesAndTheFirstNaNWins(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);

        // NaNs in several tiles; the first (row-major) must win for ArgMax/ArgMin, also across tiles.
        var v = new double[10 * 7];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.Sin(i) * 10;
        }

        v[3 * 7 + 6] = double.NaN;
        v[8 * 7 + 1] = double.NaN;
        v[1 * 7 + 2] = double.NaN;
        Ref r = Ref.Of(F64, [10, 7], v);
        foreach (long[]? tile in new long[]?[] { [3, 5], [1, 1], [10, 7], null })
        {
            Expr x = r.ToExpr(tileHint: CreationTests.Hint(tile));
            foreach (int? axis in new int?[] { null, 0, 1, -1 })
            {
                string what = $"tile {CreationTests.Hint(tile)} axis {axis}";
                Oracle.AssertEq(x.Max(axis), r.Reduce(axis, false, F64, MaxRef), what: "max " + what);
                Oracle.AssertEq(x.Min(axis), r.Reduce(axis, false, F64, MinRef), what: "min " + what);
                Oracle.AssertEq(x.ArgMax(axis), r.Reduce(axis, false, I64, ArgMaxRef), what: "argmax " + what);
                Oracle.AssertEq(x.ArgMin(axis), r.Reduce(axis, false, I64, ArgMinRef), what: "argmin " + what);
                Oracle.AssertEq(x.Sum(axis), r.Reduce(axis, false, F64, Oracle.ExactSum, Oracle.SumTolerance), what: "sum " + what);
                Oracle.AssertEq(x.Any(axis), r.Reduce(axis, false, B, a => a.Any(e => e != 0) ? 1 : 0), what: "any " + what);
                Oracle.AssertEq(Sp.CountNonzero(x, axis), r.Reduce(axis, false, I64, a => a.Count(e => e != 0)), what: "count_nonzero (NaN is non-zero) " + what);
            }

            Assert.Equal(1L * 7 + 2, x.ArgMax().Glom().ToScalar<long>());
            Assert.Equal(1L * 7 + 2, x.ArgMin().Glom().ToScalar<long>());
        }

        // The NaN is last: everything before it is ignored only by a NaN-aware max, which this is not.
        Ref tail = Ref.Of(F64, [7], [1.0, 5, 2, 5, 0, -1, double.NaN]);
        Oracle.AssertEq(tail.ToExpr(tileHint: 1).ArgMax(), Ref.Of(I64, [], [6L]));
        Oracle.AssertEq(tail.ToExpr(tileHint: 1).Max(), Ref.Of(F64, [], [double.NaN]));
        Oracle.AssertEq(Sp.Maximum(tail.ToExpr(tileHint: 3), 0.0).Min(), Ref.Of(F64, [], [double.NaN]));
        Oracle.AssertEq(tail.ToExpr(tileHint: 2).AsType(F32).ArgMin(), Ref.Of(I64, [], [6L]), what: "float32 argmin NaN");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ArgMaxTiesGoToTheFirstOccurrenceAcrossTiles(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref r = Ref.MakeInt(I64, [10, 7], i => (i[0] * 7 + i[1]) % 5 == 3 ? 9 : (i[0] + i[1]) % 4);
        foreach (long[]? tile in new long[]?[] { [3, 5], [1, 1], [4, 2], null })
        {
            Expr x = r.ToExpr(tileHint: CreationTests.Hint(tile));
            foreach (int? axis in new int?[] { null, 0, 1, -2 })
            {
                Oracle.AssertEq(x.ArgMax(axis), r.Reduce(axis, false, I64, ArgMaxRef), what: $"argmax tie tile {CreationTests.Hint(tile)} axis {axis}");
                Oracle.AssertEq(x.ArgMin(axis), r.Reduce(axis, false, I64, ArgMinRef), what: $"argmin tie tile {CreationTests.Hint(tile)} axis {axis}");
            }
        }

        Oracle.AssertEq(Sp.Ones((4, 3, 5), tileHint: (3, 2, 4)).ArgMax(), Ref.Of(I64, [], [0L]), what: "all equal: index 0");
        Oracle.AssertEq(Sp.Zeros((4, 3, 5), DType.Bool, tileHint: (3, 2, 4)).ArgMin(axis: -1), Ref.Make(I64, [4, 3], _ => 0), what: "bool argmin");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void LargeFloatSumsAreWithinTheBound(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);

        // Values of wildly different magnitudes and signs, where a naive left-to-right sum loses digits.
        var rng = new Random(99);
        var v = new double[300 * 401];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (rng.NextDouble() - 0.3) * Math.Pow(10, rng.Next(-8, 9));
        }

        Ref r = Ref.Of(F64, [300, 401], v);
        foreach (long[]? tile in new long[]?[] { [77, 129], [300, 1], null })
        {
            Expr x = r.ToExpr(tileHint: CreationTests.Hint(tile));
            foreach (int? axis in new int?[] { null, 0, 1 })
            {
                Oracle.AssertEq(x.Sum(axis), r.Reduce(axis, false, F64, Oracle.ExactSum, Oracle.SumTolerance), what: $"sum tile {CreationTests.Hint(tile)} axis {axis}");
                Oracle.AssertEq(x.Mean(axis), r.Reduce(axis, false, F64, a => Oracle.ExactSum(a) / a.Length, a => Oracle.SumTolerance(a) / a.Length), what: $"mean axis {axis}");
            }
        }
    }

    [Fact]
    public void ReductionsAreBitIdenticalBetweenRuns()
    {
        double[] v = Sp.Randn((300, 401), seed: 5).Glom().ToArray<double>();
        var results = new List<byte[]>();
        foreach (int workers in new[] { 1, 3, 3, 2 })
        {
            using SpartanContext ctx = Oracle.Start(workers);
            for (int run = 0; run < 2; run++)
            {
                // Same tiling every time: the combine order is fixed, so the bits are too.
                Expr x = Sp.FromArray(NDArray.From(v, (300, 401)), tileHint: (77, 129));
                Expr y = Sp.Randn((300, 401), seed: 5, tileHint: (77, 129));
                results.Add([.. CreationTests.Bits(x.Sum().Glom()), .. CreationTests.Bits(x.Sum(axis: 0).Glom()), .. CreationTests.Bits(x.Sum(axis: 1).Glom()),
                    .. CreationTests.Bits(x.Var().Glom()), .. CreationTests.Bits((y * y).Mean(axis: -1).Glom()), .. CreationTests.Bits(Sp.Norm(y).Glom())]);
            }
        }

        Assert.All(results, r => Assert.True(r.AsSpan().SequenceEqual(results[0]), "a reduction gave different bits on a re-run"));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void IntegerSumsWrap(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref r = Ref.Of(I64, [5], [long.MaxValue, 1, 1, long.MaxValue, 3]);
        Oracle.AssertEq(r.ToExpr(tileHint: 2).Sum(), Ref.Of(I64, [], [unchecked(long.MaxValue + 1 + 1 + long.MaxValue + 3)]), what: "int64 sum wraps");
        Oracle.AssertEq(r.ToExpr(tileHint: 2).Prod(), Ref.Of(I64, [], [unchecked(long.MaxValue * long.MaxValue * 3)]), what: "int64 prod wraps");
        Ref big32 = Ref.Of(I32, [4], [int.MaxValue, int.MaxValue, int.MaxValue, 5]);
        Oracle.AssertEq(big32.ToExpr(tileHint: 3).Sum(), Ref.Of(I64, [], [(3L * int.MaxValue) + 5]), what: "int32 sums in int64 without wrapping");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void VarianceStdNormAndNormalize(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref r = Ref.Random(F64, [4, 3, 5], 21, 0.5, 9);
        Expr x = r.ToExpr(tileHint: (3, 2, 4));
        foreach (int? axis in new int?[] { null, 0, 1, 2, -1, -3 })
        {
            foreach (int ddof in new[] { 0, 1 })
            {
                Oracle.AssertEq(x.Var(axis, ddof), r.Reduce(axis, false, F64, a => VarRef(a, ddof), a => VarTol(a, ddof)), what: $"var axis {axis} ddof {ddof}");
                Oracle.AssertEq(x.Std(axis, ddof, keepDims: true), r.Reduce(axis, true, F64, a => Math.Sqrt(VarRef(a, ddof)), a => Math.Sqrt(VarTol(a, ddof))), what: $"std axis {axis} ddof {ddof}");
            }

            Oracle.AssertEq(Sp.Normalize(x, axis), NormalizeRef(r, axis), what: $"normalize axis {axis}");
        }

        Oracle.AssertEq(Sp.Ones(1).Var(ddof: 1), Ref.Of(F64, [], [double.NaN]), what: "var of one element with ddof 1 is NaN");
        Oracle.AssertEq(Sp.Arange(10).Var(), Ref.Of(F64, [], [8.25]), what: "var of int64 is float64");
        Oracle.AssertEq(Sp.Arange(10).AsType(F32).Std(), Ref.Of(F32, [], [Math.Sqrt(8.25)]), what: "std of float32 is float32");
    }

    private static void Sweep(int workers, DType t, int seed)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long[] shape, long[]? tile) in Layouts)
        {
            Ref r = Ref.Random(t, shape, seed++, t == B ? 0 : -4, t == B ? 2 : 5);
            Expr x = r.ToExpr(tileHint: CreationTests.Hint(tile));
            var axes = new List<int?> { null };
            for (int a = 0; a < shape.Length; a++)
            {
                axes.Add(a);
                axes.Add(a - shape.Length);
            }

            DType sumType = t is B or I32 ? I64 : t;
            DType meanType = t == F32 ? F32 : F64;
            double rtol = t == F32 ? 1e-6 : 1e-12;
            foreach (int? axis in axes)
            {
                foreach (bool keep in new[] { false, true })
                {
                    string what = $"{t} ({string.Join(",", shape)}) tile {CreationTests.Hint(tile)} axis {axis} keepDims {keep}";
                    bool emptyGroups = axis is int ax ? shape[ax < 0 ? ax + shape.Length : ax] == 0 : Ref.SizeOf(shape) == 0;
                    bool emptyOutput = Ref.SizeOf(ReducedShape(shape, axis)) == 0;
                    if (r.IsFloat)
                    {
                        Oracle.AssertEq(x.Sum(axis, keep), r.Reduce(axis, keep, sumType, Oracle.ExactSum, a => rtol * a.Sum(Math.Abs)), what: "sum " + what);
                        Oracle.AssertEq(x.Prod(axis, keep), r.Reduce(axis, keep, sumType, Product, a => rtol * 10 * Math.Abs(Product(a))), what: "prod " + what);
                    }
                    else
                    {
                        Oracle.AssertEq(x.Sum(axis, keep), r.ReduceInt(axis, keep, sumType, a => a.Aggregate(0L, (p, e) => unchecked(p + e))), what: "sum " + what);
                        Oracle.AssertEq(x.Prod(axis, keep), r.ReduceInt(axis, keep, sumType, a => a.Aggregate(1L, (p, e) => unchecked(p * e))), what: "prod " + what);
                    }

                    Oracle.AssertEq(x.All(axis, keep), r.Reduce(axis, keep, B, a => a.All(e => e != 0) ? 1 : 0), what: "all " + what);
                    Oracle.AssertEq(x.Any(axis, keep), r.Reduce(axis, keep, B, a => a.Any(e => e != 0) ? 1 : 0), what: "any " + what);
                    Oracle.AssertEq(x.Mean(axis, keep), r.Reduce(axis, keep, meanType, a => Oracle.ExactSum(a) / a.Length, a => rtol * a.Sum(Math.Abs) / a.Length), what: "mean " + what);
                    if (!keep)
                    {
                        Oracle.AssertEq(Sp.CountNonzero(x, axis), r.Reduce(axis, false, I64, a => a.Count(e => e != 0)), what: "count_nonzero " + what);
                        Oracle.AssertEq(Sp.CountZero(x, axis), r.Reduce(axis, false, I64, a => a.Count(e => e == 0)), what: "count_zero " + what);
                        Oracle.AssertEq(Sp.Norm(x, axis), r.Reduce(axis, false, meanType, a => Math.Sqrt(Oracle.ExactSum(a.Select(e => e * e))), a => rtol * Math.Sqrt(a.Sum(e => e * e))), what: "norm " + what);
                    }

                    if (emptyGroups && !emptyOutput)
                    {
                        // NumPy: "zero-size array to reduction operation maximum which has no identity", at build time.
                        Assert.Throws<ArgumentException>(() => x.Max(axis, keep));
                        Assert.Throws<ArgumentException>(() => x.ArgMin(axis));
                        continue;
                    }

                    if (t == B)
                    {
                        Oracle.AssertEq(x.Max(axis, keep), r.ReduceInt(axis, keep, B, a => a.Max()), what: "max " + what);
                        Oracle.AssertEq(x.Min(axis, keep), r.ReduceInt(axis, keep, B, a => a.Min()), what: "min " + what);
                    }
                    else
                    {
                        Oracle.AssertEq(x.Max(axis, keep), r.Reduce(axis, keep, t, MaxRef), what: "max " + what);
                        Oracle.AssertEq(x.Min(axis, keep), r.Reduce(axis, keep, t, MinRef), what: "min " + what);
                    }

                    if (!keep)
                    {
                        Oracle.AssertEq(x.ArgMax(axis), r.Reduce(axis, false, I64, ArgMaxRef), what: "argmax " + what);
                        Oracle.AssertEq(x.ArgMin(axis), r.Reduce(axis, false, I64, ArgMinRef), what: "argmin " + what);
                    }
                }
            }
        }
    }

    private static double Product(double[] a) => a.Aggregate(1.0, (p, e) => p * e);

    private static long[] ReducedShape(long[] shape, int? axis) =>
        axis is int a ? shape.Where((_, k) => k != (a < 0 ? a + shape.Length : a)).ToArray() : [];

    private static double MaxRef(double[] a) => a.Any(double.IsNaN) ? double.NaN : a.Max();

    private static double MinRef(double[] a) => a.Any(double.IsNaN) ? double.NaN : a.Min();

    private static double ArgMaxRef(double[] a)
    {
        int best = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(a[i]))
            {
                return i;
            }

            if (a[i] > a[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static double ArgMinRef(double[] a) => ArgMaxRef(a.Select(v => -v).ToArray());

    private static double VarRef(double[] a, int ddof)
    {
        double mean = Oracle.ExactSum(a) / a.Length;
        return Oracle.ExactSum(a.Select(v => (v - mean) * (v - mean))) / Math.Max(0, a.Length - ddof);
    }

    private static double VarTol(double[] a, int ddof) => 1e-12 * a.Sum(v => v * v) / Math.Max(1, a.Length - ddof);

    private static Ref NormalizeRef(Ref r, int? axis)
    {
        Ref sums = r.Reduce(axis, true, F64, Oracle.ExactSum);
        return Ref.Zip(r, sums, F64, (v, s) => v / s);
    }
}
