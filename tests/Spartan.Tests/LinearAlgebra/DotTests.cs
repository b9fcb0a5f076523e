using Spartan.Expressions;

namespace Spartan.Tests.LinearAlgebra;

/// <summary>Sp.Dot for every operand rank and dtype, on odd tilings and 1 and 3 workers, against plain loops; plus
/// the plan properties: transposes read in place, row-tiled x · small w stays row-tiled, large · large is blocked.</summary>
public class DotTests
{
    private const DType B = DType.Bool;
    private const DType I32 = DType.Int32;
    private const DType I64 = DType.Int64;
    private const DType F32 = DType.Float32;
    private const DType F64 = DType.Float64;

    /// <summary>The expected dot product of op(a) and op(b), computed in plain loops (transposes applied by index).</summary>
    internal static Ref Expected(Ref a, bool ta, Ref b, bool tb, DType t)
    {
        bool va = a.Rank == 1, vb = b.Rank == 1;
        long m = va ? 1 : a.Shape[ta ? 1 : 0], k = va ? a.Shape[0] : a.Shape[ta ? 0 : 1];
        long n = vb ? 1 : b.Shape[tb ? 0 : 1];
        long[] shape = [.. (va ? Array.Empty<long>() : [m]), .. (vb ? Array.Empty<long>() : [n])];
        double A(long i, long l) => Round(a, va ? a.D(l) : ta ? a.At(l, i) : a.At(i, l));
        double Bv(long l, long j) => Round(b, vb ? b.D(l) : tb ? b.At(j, l) : b.At(l, j));
        long AI(long i, long l) => va ? a.L(l) : ta ? a.L((l * a.Shape[1]) + i) : a.L((i * a.Shape[1]) + l);
        long BI(long l, long j) => vb ? b.L(l) : tb ? b.L((j * b.Shape[1]) + l) : b.L((l * b.Shape[1]) + j);
        if (t is F32 or F64)
        {
            var values = new double[m * n];
            var tol = new double[m * n];
            for (long i = 0; i < m; i++)
            {
                for (long j = 0; j < n; j++)
                {
                    double s = 0, mag = 0;
                    for (long l = 0; l < k; l++)
                    {
                        double p = A(i, l) * Bv(l, j);
                        s += p;
                        mag += Math.Abs(p);
                    }

                    values[(i * n) + j] = s;
                    tol[(i * n) + j] = (t == F32 ? 1e-5 : 1e-12) * (mag + 1e-300);
                }
            }

            return Ref.Of(t, shape, values, tol);
        }

        var ints = new long[m * n];
        for (long i = 0; i < m; i++)
        {
            for (long j = 0; j < n; j++)
            {
                long s = 0;
                for (long l = 0; l < k; l++)
                {
                    s = t == B ? s | (AI(i, l) & BI(l, j)) : unchecked(s + (AI(i, l) * BI(l, j)));
                }

                ints[(i * n) + j] = t == I32 ? unchecked((int)s) : s;
            }
        }

        return Ref.Of(t, shape, ints);
    }

    private static double Round(Ref r, double v) => r.DType == F32 ? (float)v : v;

    private static Shape? Hint(long[] shape, int seed) => shape.Length switch
    {
        1 => new Shape(Math.Max(1, (shape[0] / 2) - (seed % 2))),
        _ => new Shape(Math.Max(1, (shape[0] / 3) + (seed % 2)), Math.Max(1, (shape[1] / 2) - (seed % 2))),
    };

    public static TheoryData<DType, DType> DTypePairs => new()
    {
        { F64, F64 }, { F32, F32 }, { I64, I64 }, { I32, I32 }, { B, B }, { I64, F64 }, { I32, I64 }, { B, I32 }, { F32, F64 }, { I32, F32 },
    };

    [Theory, MemberData(nameof(DTypePairs))]
    public void EveryRankCombinationMatchesLoops(DType ta, DType tb)
    {
        foreach (int workers in new[] { 1, 3 })
        {
            using SpartanContext ctx = Oracle.Start(workers);
            DType t = DTypes.Promote(ta, tb);
            (long[] A, long[] B)[] cases = [([7], [7]), ([10, 7], [7]), ([7], [7, 6]), ([10, 7], [7, 6]), ([1, 5], [5, 1]), ([5, 1], [1, 5])];
            int seed = 0;
            foreach ((long[] sa, long[] sb) in cases)
            {
                seed++;
                Ref a = Ref.Random(ta, sa, 100 + seed, -5, 5), b = Ref.Random(tb, sb, 200 + seed, -5, 5);
                foreach (bool odd in new[] { false, true })
                {
                    Expr x = odd ? a.ToExpr(Hint(sa, seed)) : a.ToExpr(), y = odd ? b.ToExpr(Hint(sb, seed + 1)) : b.ToExpr();
                    string what = $"{ta}[{string.Join(",", sa)}]·{tb}[{string.Join(",", sb)}] odd={odd} w={workers}";
                    Oracle.AssertEq(Sp.Dot(x, y), Expected(a, false, b, false, t), what: what);
                    Oracle.AssertEq(x.Dot(y), Expected(a, false, b, false, t), what: what + " (method)");
                }
            }
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void TransposedOperandsMatchLoops(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach (DType t in new[] { F64, F32, I64, B })
        {
            Ref x = Ref.Random(t, [11, 6], 1, -4, 4), y = Ref.Random(t, [11], 2, -4, 4), z = Ref.Random(t, [9, 6], 3, -4, 4);
            Ref u = Ref.Random(t, [6, 11], 4, -4, 4);
            Expr ex = x.ToExpr(new Shape(4, 5)), ey = y.ToExpr(new Shape(3)), ez = z.ToExpr(new Shape(2, 6)), eu = u.ToExpr(new Shape(5, 4));
            Oracle.AssertEq(ex.T.Dot(ey), Expected(x, true, y, false, t), what: $"{t} x.T·y");
            Oracle.AssertEq(ex.T.Dot(ex), Expected(x, true, x, false, t), what: $"{t} x.T·x");
            Oracle.AssertEq(ex.Dot(ez.T), Expected(x, false, z, true, t), what: $"{t} x·z.T");
            Oracle.AssertEq(ex.T.Dot(eu.T), Expected(x, true, u, true, t), what: $"{t} x.T·u.T");
            Oracle.AssertEq(ey.Dot(ex), Expected(y, false, x, false, t), what: $"{t} y·x");
            Oracle.AssertEq(ex.T.Dot(ex.T.T), Expected(x, true, x, false, t), what: $"{t} x.T·x.T.T");
        }
    }

    [Fact]
    public void TransposeIsNeverMaterialised()
    {
        using SpartanContext ctx = Oracle.Start(3);
        Ref x = Ref.Random(F64, [40, 5], 5), y = Ref.Random(F64, [40], 6);
        DistArray ex = x.ToExpr().Evaluate(), ey = y.ToExpr().Evaluate();
        Expr g = ex.T.Dot(ey);
        Node plan = g.Optimized().Node;
        var dot = Assert.IsType<DotNode>(plan);
        Assert.True(dot.TransA);
        Assert.DoesNotContain(plan.Children, c => c is ViewNode);
        Assert.Same(ex.Node, plan.Children[0]);
        string explain = g.Explain();
        Assert.DoesNotContain("view", explain);
        Assert.Contains("dot(a.T, b)", explain);
        Oracle.AssertEq(g, Expected(x, true, y, false, F64));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void RowTiledTimesSmallStaysRowTiled(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Random(F64, [60, 4], 7), w = Ref.Random(F64, [4], 8), w2 = Ref.Random(F64, [4, 3], 9);
        DistArray ex = x.ToExpr(new Shape(13, 4)).Evaluate();
        foreach ((Expr e, Ref expected) in new[] { (ex.Dot(w.ToExpr()), Expected(x, false, w, false, F64)), (ex.Dot(w2.ToExpr()), Expected(x, false, w2, false, F64)) })
        {
            DistArray r = e.Evaluate();
            Assert.Equal(ex.Tiles.Count, r.Tiles.Count);
            for (int t = 0; t < r.Tiles.Count; t++)
            {
                Assert.Equal(ex.Tiles[t].Extent.Ul[0], r.Tiles[t].Extent.Ul[0]);
                Assert.Equal(ex.Tiles[t].Extent.Lr[0], r.Tiles[t].Extent.Lr[0]);
                Assert.Equal(ex.Tiles[t].Worker, r.Tiles[t].Worker);
            }

            Oracle.AssertEq(e, expected);
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void LargeTimesLargeIsBlocked(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(F64, [48, 40], 10), b = Ref.Random(F64, [40, 36], 11);
        Expr ea = a.ToExpr(new Shape(12, 40)), eb = b.ToExpr(new Shape(40, 9));
        DistArray r = Sp.Dot(ea, eb).Evaluate();
        Assert.Equal(4 * 4, r.Tiles.Count);
        Oracle.AssertEq(Sp.Dot(ea, eb), Expected(a, false, b, false, F64));

        // Both split along k: the inner dimension may be split into partials summed in k order.
        Expr ka = a.ToExpr(new Shape(48, 7)), kb = b.ToExpr(new Shape(7, 36));
        Oracle.AssertEq(Sp.Dot(ka, kb), Expected(a, false, b, false, F64), what: "k-split");
        Oracle.AssertEq(Sp.Dot(a.ToExpr(new Shape(5, 6)), b.ToExpr(new Shape(7, 8))), Expected(a, false, b, false, F64), what: "misaligned k tiles");
    }

    [Fact]
    public void EmptyInnerDimensionGivesZeros()
    {
        using SpartanContext ctx = Oracle.Start(3);
        Oracle.AssertEq(Sp.Dot(Sp.Ones((3, 0)), Sp.Ones((0, 4))), Ref.Of(F64, [3, 4], new double[12]));
        Oracle.AssertEq(Sp.Dot(Sp.Ones(0, DType.Int64), Sp.Ones(0, DType.Int64)), Ref.Of(I64, [], [0L]));
    }

    [Fact]
    public void ScalarOperandMultiplies()
    {
        using SpartanContext ctx = Oracle.Start(1);
        Ref a = Ref.Random(F64, [5], 12);
        Oracle.AssertEq(Sp.Dot(a.ToExpr(), Sp.Full(Shape.Scalar, 2.0)), a.Map(F64, v => v * 2));
    }

    [Fact]
    public void BadShapesThrowAtBuild()
    {
        using SpartanContext ctx = Oracle.Start(1);
        var e = Assert.Throws<ShapeMismatchException>(() => Sp.Dot(Sp.Ones((3, 4)), Sp.Ones((5, 2))));
        Assert.Contains("(3, 4)", e.Message);
        Assert.Contains("(5, 2)", e.Message);
        Assert.Throws<ShapeMismatchException>(() => Sp.Ones(3).Dot(Sp.Ones(4)));
        Assert.Throws<ShapeMismatchException>(() => Sp.Ones((2, 3)).T.Dot(Sp.Ones(3)));
        var r = Assert.Throws<ArgumentException>(() => Sp.Dot(Sp.Ones((2, 3, 4)), Sp.Ones(4)));
        Assert.Contains("2-d", r.Message);
    }
}
