namespace Spartan.Tests;

/// <summary>Creation builtins against independently computed arrays, on 1 and 3 workers and odd tilings.</summary>
public class CreationTests
{
    private static readonly DType[] AllTypes = [DType.Bool, DType.Int32, DType.Int64, DType.Float32, DType.Float64];

    /// <summary>Shapes and tile hints that cross tile boundaries in every way: uneven last tiles, 1-wide tiles,
    /// 3-d uneven tiles, 0-d, and zero-size arrays.</summary>
    internal static readonly (long[] Shape, long[]? Tile)[] Layouts =
    [
        ([10, 7], [3, 5]),
        ([10, 7], null),
        ([7], [1]),
        ([4, 3, 5], [3, 2, 4]),
        ([1, 1], [1, 1]),
        ([], null),
        ([0], null),
        ([3, 0], [2, 1]),
    ];

    internal static Shape? Hint(long[]? tile) => tile is null ? (Shape?)null : new Shape(tile);

    [Theory, InlineData(1), InlineData(3)]
    public void FillsHaveTheirValueShapeDtypeAndTiling(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long[] shape, long[]? tile) in Layouts)
        {
            var s = new Shape(shape);
            Shape? hint = Hint(tile);
            foreach (DType t in AllTypes)
            {
                string what = $"{t} {s} tile {hint}";
                Oracle.AssertEq(Sp.Zeros(s, t, tileHint: hint), Ref.Make(t, shape, _ => 0), hint, "zeros " + what);
                Oracle.AssertEq(Sp.Ones(s, t, tileHint: hint), Ref.Make(t, shape, _ => 1), hint, "ones " + what);
                Oracle.AssertEq(Sp.Empty(s, t, tileHint: hint), Ref.Make(t, shape, _ => 0), hint, "empty " + what);
                Oracle.AssertEq(Sp.Full(s, 2.75, t, tileHint: hint), Ref.Make(t, shape, _ => 2.75), hint, "full(2.75) " + what);
                Oracle.AssertEq(Sp.Full(s, -2.75, t, tileHint: hint), Ref.Make(t, shape, _ => -2.75), hint, "full(-2.75) " + what);
            }

            // The default dtype is float64.
            Oracle.AssertEq(Sp.Zeros(s, tileHint: hint), Ref.Make(DType.Float64, shape, _ => 0), hint);
            Oracle.AssertEq(Sp.Ones(s), Ref.Make(DType.Float64, shape, _ => 1));
            Oracle.AssertEq(Sp.Full(s, double.NaN), Ref.Make(DType.Float64, shape, _ => double.NaN));
            Oracle.AssertEq(Sp.Full(s, 0.5, DType.Bool), Ref.Make(DType.Bool, shape, _ => 1), what: "full(0.5, bool) is True");
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void LikeKeepsShapeAndDtype(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach (DType t in AllTypes)
        {
            Expr x = Ref.Random(t, [4, 3, 5], 1).ToExpr(tileHint: (3, 2, 4));
            Oracle.AssertEq(Sp.ZerosLike(x), Ref.Make(t, [4, 3, 5], _ => 0));
            Oracle.AssertEq(Sp.OnesLike(x), Ref.Make(t, [4, 3, 5], _ => 1));
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void IntegerArangeMatchesNumPy(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long start, long stop, long step) in new[] { (0L, 7L, 1L), (2L, 20L, 3L), (10L, 0L, -3L), (-5L, 5L, 4L), (5L, 5L, 1L), (5L, 0L, 1L), (0L, 5L, -1L), (-3L, -10L, -2L) })
        {
            var expected = new List<long>();
            for (long v = start; step > 0 ? v < stop : v > stop; v += step)
            {
                expected.Add(v);
            }

            Oracle.AssertEq(Sp.Arange(start, stop, step), Ref.Of(DType.Int64, [expected.Count], expected.ToArray()), what: $"arange({start}, {stop}, {step})");
        }

        Oracle.AssertEq(Sp.Arange(7), Ref.MakeInt(DType.Int64, [7], i => i[0]));
        Oracle.AssertEq(Sp.Arange(0), Ref.Of(DType.Int64, [0], Array.Empty<long>()));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void FloatArangeMatchesNumPy(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((double start, double stop, double step) in new[] { (0.0, 1.0, 0.1), (1.0, -1.0, -0.5), (0.5, 7.25, 1.0), (0.0, 0.0, 1.0), (-2.5, 3.0, 0.75) })
        {
            long n = (long)Math.Max(0, Math.Ceiling((stop - start) / step));
            Oracle.AssertEq(Sp.Arange(start, stop, step), Ref.Make(DType.Float64, [n], i => start + (i[0] * step)), what: $"arange({start}, {stop}, {step})");
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void EyeIdentityAndDiag(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Oracle.AssertEq(Sp.Eye(5), Ref.Make(DType.Float64, [5, 5], i => i[0] == i[1] ? 1 : 0));
        Oracle.AssertEq(Sp.Identity(4), Ref.Make(DType.Float64, [4, 4], i => i[0] == i[1] ? 1 : 0));
        Oracle.AssertEq(Sp.Eye(3, 6), Ref.Make(DType.Float64, [3, 6], i => i[0] == i[1] ? 1 : 0));
        foreach (long k in new long[] { -4, -2, 0, 1, 3, 9 })
        {
            Oracle.AssertEq(Sp.Eye(10, 7, k, DType.Int32, tileHint: (3, 5)), Ref.Make(DType.Int32, [10, 7], i => i[1] - i[0] == k ? 1 : 0), (3, 5), $"eye k={k}");
        }

        Oracle.AssertEq(Sp.Eye(0), Ref.Make(DType.Float64, [0, 0], _ => 0));

        // Diag of a vector: the square matrix with it on the diagonal, same dtype.
        Ref v = Ref.Random(DType.Int64, [7], 3);
        Oracle.AssertEq(Sp.Diag(v.ToExpr(tileHint: 2)), Ref.MakeInt(DType.Int64, [7, 7], i => i[0] == i[1] ? v.L(i[0]) : 0));
        Ref vf = Ref.Random(DType.Float64, [5], 4);
        Oracle.AssertEq(Sp.Diag(vf.ToExpr(tileHint: 1)), Ref.Make(DType.Float64, [5, 5], i => i[0] == i[1] ? vf.D(i[0]) : 0));

        // Diag of a matrix: its main diagonal, for tall, wide and square matrices.
        foreach ((long[] shape, long[] tile) in new (long[], long[])[] { ([10, 7], [3, 5]), ([3, 5], [2, 2]), ([6, 6], [4, 5]) })
        {
            Ref m = Ref.Random(DType.Float64, shape, 5);
            long n = Math.Min(shape[0], shape[1]);
            Oracle.AssertEq(Sp.Diag(m.ToExpr(tileHint: new Shape(tile))), Ref.Make(DType.Float64, [n], i => m.At(i[0], i[0])), what: $"diag {string.Join("x", shape)}");
            Ref mi = Ref.Random(DType.Int32, shape, 6);
            Oracle.AssertEq(Sp.Diag(mi.ToExpr(tileHint: new Shape(tile))), Ref.MakeInt(DType.Int32, [n], i => mi.L(Ref.Flat(shape, [i[0], i[0]]))), what: $"diag int32 {string.Join("x", shape)}");
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void FromArrayRoundTripsEveryDtypeAndCopiesAtTheCall(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long[] shape, long[]? tile) in Layouts)
        {
            foreach (DType t in AllTypes)
            {
                Ref r = Ref.Random(t, shape, 7);
                Oracle.AssertEq(r.ToExpr(tileHint: Hint(tile)), r, Hint(tile), $"from_array {t} ({string.Join(",", shape)})");
            }
        }

        var data = new double[] { 1, 2, 3, 4, 5, 6, 7 };
        Expr x = Sp.FromArray(data, tileHint: 3);
        data[0] = 100;
        Oracle.AssertEq(x, Ref.Of(DType.Float64, [7], [1.0, 2, 3, 4, 5, 6, 7]), (3L));

        var m = new int[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        Expr y = Sp.FromArray(m, tileHint: (1, 2));
        m[1, 2] = -1;
        Oracle.AssertEq(y, Ref.Of(DType.Int32, [2, 3], [1L, 2, 3, 4, 5, 6]), (1, 2));
        Assert.Equal(new[,] { { 1, 2, 3 }, { 4, 5, 6 } }, y.Glom().To2D<int>());
        Assert.Equal(6L, Sp.Size(y));
    }

    [Fact]
    public void RandomArraysDependOnlyOnSeedAndIndex()
    {
        (long[] Shape, long[]? Tile)[] tilings = [([10, 7], null), ([10, 7], [3, 5]), ([10, 7], [1, 7]), ([10, 7], [10, 1]), ([10, 7], [10, 7])];
        foreach (Func<Shape, Shape?, Expr> make in new Func<Shape, Shape?, Expr>[]
        {
            (s, h) => Sp.Rand(s, seed: 42, tileHint: h),
            (s, h) => Sp.Randn(s, seed: 42, tileHint: h),
            (s, h) => Sp.RandInt(s, -5, 1000, seed: 42, tileHint: h),
        })
        {
            byte[]? first = null;
            foreach (int workers in new[] { 1, 2, 3 })
            {
                using SpartanContext ctx = Oracle.Start(workers);
                foreach ((long[] shape, long[]? tile) in tilings)
                {
                    NDArray a = make(new Shape(shape), Hint(tile)).Glom();
                    byte[] bits = Bits(a);
                    first ??= bits;
                    Assert.True(first.AsSpan().SequenceEqual(bits), $"{a.DType} random array differs on {workers} workers, tile {Hint(tile)}");
                }
            }

            // A 1-d array of the same size is the row-major flattening: values depend on the global index only.
            using SpartanContext flat = Oracle.Start(3);
            Assert.True(first!.AsSpan().SequenceEqual(Bits(make(70, (long)7).Glom())), "random values depend on the flat index only");
        }

        using SpartanContext c = Oracle.Start(3);
        Assert.False(Bits(Sp.Rand(100, seed: 1).Glom()).AsSpan().SequenceEqual(Bits(Sp.Rand(100, seed: 2).Glom())), "different seeds give different arrays");
        Assert.False(Bits(Sp.Rand(100, seed: 1).Glom()).AsSpan().SequenceEqual(Bits(Sp.Randn(100, seed: 1).Glom())), "rand and randn streams differ");

        // A null seed is drawn once at build time: the expression replays the same values.
        Expr unseeded = Sp.Rand(50) + 0;
        Assert.True(Bits(unseeded.Glom()).AsSpan().SequenceEqual(Bits(unseeded.Glom())));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void RandomDistributionsAreSane(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        const int N = 200_000;

        double[] u = Sp.Rand((400, 500), seed: 7, tileHint: (129, 77)).Glom().ToArray<double>();
        Assert.Equal(DType.Float64, Sp.Rand(3).DType);
        Assert.All(u, v => Assert.True(v >= 0 && v < 1, $"rand value {v} outside [0, 1)"));
        (double mean, double var) = Moments(u);
        Assert.InRange(mean, 0.5 - 0.01, 0.5 + 0.01);
        Assert.InRange(var, (1.0 / 12) - 0.005, (1.0 / 12) + 0.005);
        Assert.True(u.Distinct().Count() > N * 0.999, "rand values are (almost) all distinct");

        double[] g = Sp.Randn(N, seed: 8, tileHint: 33_333).Glom().ToArray<double>();
        (mean, var) = Moments(g);
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(var, 0.97, 1.03);
        double within1 = g.Count(x => Math.Abs(x) < 1) / (double)N;
        Assert.InRange(within1, 0.6827 - 0.01, 0.6827 + 0.01);

        NDArray ri = Sp.RandInt(N, -3, 4, seed: 9, tileHint: 7_001).Glom();
        Assert.Equal(DType.Int64, ri.DType);
        long[] ints = ri.ToArray<long>();
        Assert.All(ints, v => Assert.InRange(v, -3L, 3L));
        foreach (IGrouping<long, long> bucket in ints.GroupBy(v => v))
        {
            Assert.InRange(bucket.Count() / (double)N, (1.0 / 7) - 0.01, (1.0 / 7) + 0.01);
        }

        Assert.Equal(7, ints.Distinct().Count());

        long[] wide = Sp.RandInt(10_000, long.MinValue / 2, long.MaxValue / 2, seed: 10).Glom().ToArray<long>();
        Assert.All(wide, v => Assert.InRange(v, long.MinValue / 2, (long.MaxValue / 2) - 1));
        Assert.True(wide.Count(v => v < 0) > 4_000 && wide.Count(v => v > 0) > 4_000, "a wide RandInt range is covered on both sides");
    }

    private static (double Mean, double Var) Moments(double[] xs)
    {
        double mean = Oracle.ExactSum(xs) / xs.Length;
        return (mean, Oracle.ExactSum(xs.Select(x => (x - mean) * (x - mean))) / xs.Length);
    }

    internal static byte[] Bits(NDArray a) => a.DType switch
    {
        DType.Float64 => a.ToArray<double>().SelectMany(BitConverter.GetBytes).ToArray(),
        DType.Int64 => a.ToArray<long>().SelectMany(BitConverter.GetBytes).ToArray(),
        DType.Float32 => a.ToArray<float>().SelectMany(BitConverter.GetBytes).ToArray(),
        DType.Int32 => a.ToArray<int>().SelectMany(BitConverter.GetBytes).ToArray(),
        _ => a.ToArray<bool>().Select(b => b ? (byte)1 : (byte)0).ToArray(),
    };
}
