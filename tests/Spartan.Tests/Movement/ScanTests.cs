namespace Spartan.Tests.Movement;

/// <summary>Scans (CumSum, CumProd, Scan) against plain C# loops, on 1 and 3 workers and odd tilings.</summary>
public class ScanTests
{
    internal static readonly (long[] Shape, long[]? Tile)[] Layouts =
    [
        ([1000], [37]),
        ([1000], null),
        ([10, 7], [3, 5]),
        ([10, 7], null),
        ([4, 3, 5], [3, 2, 4]),
        ([7], [1]),
        ([0], null),
        ([3, 0], [2, 1]),
    ];

    /// <summary>The reference inclusive scan, in row-major order along the axis (null: flattened).</summary>
    internal static Ref RefScan(Ref x, int? axis, ScanOp op, DType t)
    {
        long[] shape = axis is null ? [x.Size] : x.Shape;
        int a = axis is int ax ? (ax < 0 ? ax + x.Rank : ax) : 0;
        long stride = 1;
        for (int k = a + 1; k < shape.Length; k++)
        {
            stride *= shape[k];
        }

        long n = x.Size;
        bool isFloat = t is DType.Float32 or DType.Float64;
        var f = new double[n];
        var l = new long[n];
        var tol = new double[n];
        var abs = new double[n];
        double c = t == DType.Float32 ? 1e-5 : 1e-12;
        for (long i = 0; i < n; i++)
        {
            long pos = (i / stride) % shape[a];
            double v = x.D(i);
            long w = x.L(i);
            if (pos == 0)
            {
                f[i] = v;
                l[i] = w;
                abs[i] = Math.Abs(v);
            }
            else
            {
                double pf = f[i - stride];
                long pl = l[i - stride];
                abs[i] = abs[i - stride] + Math.Abs(v);
                (f[i], l[i]) = op switch
                {
                    ScanOp.Add => (pf + v, unchecked(pl + w)),
                    ScanOp.Multiply => (pf * v, unchecked(pl * w)),
                    ScanOp.Max => (double.IsNaN(pf) || double.IsNaN(v) ? double.NaN : Math.Max(pf, v), Math.Max(pl, w)),
                    _ => (double.IsNaN(pf) || double.IsNaN(v) ? double.NaN : Math.Min(pf, v), Math.Min(pl, w)),
                };
            }

            tol[i] = c * (op == ScanOp.Add ? abs[i] : Math.Abs(f[i]));
        }

        return isFloat ? Ref.Of(t, shape, f, tol) : Ref.Of(t, shape, l);
    }

    private static IEnumerable<int?> Axes(int rank)
    {
        yield return null;
        for (int a = 0; a < rank; a++)
        {
            yield return a;
        }

        if (rank > 0)
        {
            yield return -1;
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void CumSumMatchesLoopsForEveryDtypeAxisAndTiling(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long[] shape, long[]? tile) in Layouts)
        {
            Shape? hint = tile is null ? (Shape?)null : new Shape(tile);
            foreach (DType t in new[] { DType.Float64, DType.Float32, DType.Int64, DType.Int32, DType.Bool })
            {
                Ref x = Ref.Random(t, shape, 7);
                DType want = t is DType.Bool or DType.Int32 ? DType.Int64 : t;
                foreach (int? axis in Axes(shape.Length))
                {
                    Oracle.AssertEq(Sp.CumSum(x.ToExpr(hint), axis), RefScan(x, axis, ScanOp.Add, want), what: $"cumsum {t} {string.Join("x", shape)} tile {hint} axis {axis}");
                }
            }
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void CumProdAndMaxMinScansMatchLoops(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long[] shape, long[]? tile) in Layouts)
        {
            Shape? hint = tile is null ? (Shape?)null : new Shape(tile);
            Ref f = Ref.Random(DType.Float64, shape, 3, 0.9, 1.1);
            Ref i = Ref.Random(DType.Int64, shape, 4, -3, 4);
            Ref i32 = Ref.Random(DType.Int32, shape, 5, -100, 100);
            Ref b = Ref.Random(DType.Bool, shape, 6);
            foreach (int? axis in Axes(shape.Length))
            {
                string what = $"{string.Join("x", shape)} tile {hint} axis {axis}";
                Oracle.AssertEq(Sp.CumProd(f.ToExpr(hint), axis), RefScan(f, axis, ScanOp.Multiply, DType.Float64), what: "cumprod f64 " + what);
                Oracle.AssertEq(Sp.CumProd(i.ToExpr(hint), axis), RefScan(i, axis, ScanOp.Multiply, DType.Int64), what: "cumprod i64 " + what);
                Oracle.AssertEq(Sp.CumProd(b.ToExpr(hint), axis), RefScan(b, axis, ScanOp.Multiply, DType.Int64), what: "cumprod bool " + what);
                Oracle.AssertEq(Sp.Scan(f.ToExpr(hint), ScanOp.Max, axis), RefScan(f, axis, ScanOp.Max, DType.Float64), what: "max f64 " + what);
                Oracle.AssertEq(Sp.Scan(i32.ToExpr(hint), ScanOp.Min, axis), RefScan(i32, axis, ScanOp.Min, DType.Int32), what: "min i32 " + what);
                Oracle.AssertEq(Sp.Scan(b.ToExpr(hint), ScanOp.Max, axis), RefScan(b, axis, ScanOp.Max, DType.Bool), what: "max bool " + what);
                Oracle.AssertEq(Sp.Scan(b.ToExpr(hint), ScanOp.Min, axis), RefScan(b, axis, ScanOp.Min, DType.Bool), what: "min bool " + what);
            }
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void MaxAndMinScansPropagateNaNFromItsPositionOn(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Make(DType.Float64, [200], idx => idx[0] == 77 ? double.NaN : Math.Sin(idx[0]));
        foreach (ScanOp op in new[] { ScanOp.Max, ScanOp.Min, ScanOp.Add, ScanOp.Multiply })
        {
            NDArray got = Sp.Scan(x.ToExpr(tileHint: new Shape(9)), op).Glom();
            double[] v = got.ToArray<double>();
            Assert.All(v[..77], d => Assert.False(double.IsNaN(d)));
            Assert.All(v[77..], d => Assert.True(double.IsNaN(d)));
            Oracle.AssertValues(got, RefScan(x, null, op, DType.Float64), $"{op} with NaN");
        }

        Ref f32 = Ref.Make(DType.Float32, [5, 40], idx => idx[0] == 2 && idx[1] == 3 ? double.NaN : idx[1] - idx[0]);
        Oracle.AssertEq(Sp.Scan(f32.ToExpr((2, 7)), ScanOp.Max, 1), RefScan(f32, 1, ScanOp.Max, DType.Float32), what: "float32 max along axis 1 with NaN");
        Oracle.AssertEq(Sp.Scan(f32.ToExpr((2, 7)), ScanOp.Min, 0), RefScan(f32, 0, ScanOp.Min, DType.Float32), what: "float32 min along axis 0 with NaN");
    }

    [Fact]
    public void CumSumOfAZeroDArrayIsOneDAndNumPyDtypes()
    {
        using SpartanContext ctx = Oracle.Start(2);
        Expr s = Sp.FromArray(NDArray.From(new[] { 2.5 }, Shape.Scalar));
        Oracle.AssertEq(Sp.CumSum(s), Ref.Of(DType.Float64, [1], [2.5]));
        Assert.Equal(DType.Int64, Sp.CumSum(Sp.Ones(4, DType.Int32)).DType);
        Assert.Equal(DType.Int64, Sp.CumProd(Sp.Ones(4, DType.Bool)).DType);
        Assert.Equal(DType.Float32, Sp.CumSum(Sp.Ones(4, DType.Float32)).DType);
        Assert.Equal(DType.Int32, Sp.Scan(Sp.Ones(4, DType.Int32), ScanOp.Max).DType);
        Assert.Equal(new Shape(12), Sp.CumSum(Sp.Ones((3, 4))).Shape);
    }

    [Fact]
    public void ScansComposeWithOtherOperations()
    {
        using SpartanContext ctx = Oracle.Start(3);
        Ref x = Ref.Random(DType.Float64, [50, 9], 11);
        Expr e = Sp.CumSum(x.ToExpr((7, 4)) * 2 + 1, 0).Sum(axis: 1);
        Ref twice = x.Map(DType.Float64, v => (2 * v) + 1);
        Ref want = RefScan(twice, 0, ScanOp.Add, DType.Float64).Reduce(1, false, DType.Float64, Oracle.ExactSum, v => 1e-11 * v.Sum(Math.Abs) * 50);
        Oracle.AssertEq(e, want);
    }

    [Fact]
    public void BadAxisAndOpThrowAtTheCall()
    {
        using SpartanContext ctx = Oracle.Start(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.CumSum(Sp.Ones((3, 4)), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.CumProd(Sp.Ones((3, 4)), -3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Scan(Sp.Ones(3), (ScanOp)42));
        Assert.Throws<ArgumentNullException>(() => Sp.CumSum(null!));
    }
}
