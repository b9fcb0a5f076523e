using Spartan.Expressions;

namespace Spartan.Tests.LinearAlgebra;

/// <summary>RowDotFusion (one pass for <c>x.T.Dot(f(x.Dot(w)))</c>) and the fused k-means pass, against plain loops.</summary>
public class DotFusionTests
{
    private const DType F64 = DType.Float64;

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    [Fact]
    public void LogisticGradientIsRewrittenToOneRowDot()
    {
        using SpartanContext ctx = Oracle.Start(3);
        DistArray x = Ref.Random(F64, [30, 4], 1).ToExpr().Evaluate(), y = Ref.Random(F64, [30], 2).ToExpr().Evaluate();
        DistArray w = Ref.Random(F64, [4], 3).ToExpr().Evaluate();
        Expr g = x.T.Dot((1.0 / (1.0 + Sp.Exp(-x.Dot(w)))) - y);
        Node plan = g.Optimized().Node;
        var row = Assert.IsType<RowDotNode>(plan);
        Assert.Equal(
            "row_dot(x.T · f(x · w))[r0 = 1:float64; r1 = 1:float64; r2 = in0:float64; r3 = negate:float64(r2); r4 = exp:float64(r3); " +
            "r5 = add:float64(r1, r4); r6 = divide:float64(r0, r5); r7 = in1:float64; r8 = subtract:float64(r6, r7)]",
            row.Label);
        Assert.Equal(0, row.ZInput);
        Assert.Same(x.Node, row.Children[0]);
        Assert.Same(w.Node, row.Children[1]);
        Assert.Same(y.Node, row.Children[2]);
        Assert.Equal(3, row.Children.Length);
        Assert.Equal(new Shape(4), row.Shape);
    }

    // d = 16 and 40 take the vectorized row kernels (d a multiple of the vector width, one and several register groups).
    [Theory, InlineData(1, 5), InlineData(3, 5), InlineData(1, 16), InlineData(3, 40)]
    public void LogisticGradientMatchesLoops(int workers, int d)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Random(F64, [37, d], 4, -1, 1), y = Ref.Random(F64, [37], 5, 0, 1), w = Ref.Random(F64, [d], 6, -1, 1);
        Expr ex = x.ToExpr(new Shape(8, d)), ey = y.ToExpr(new Shape(5)), ew = w.ToExpr();
        var expected = new double[d];
        var tol = new double[d];
        for (int i = 0; i < 37; i++)
        {
            double z = 0;
            for (int l = 0; l < d; l++)
            {
                z += x.At(i, l) * w.D(l);
            }

            double r = Sigmoid(z) - y.D(i);
            for (int l = 0; l < d; l++)
            {
                expected[l] += x.At(i, l) * r;
                tol[l] += 1e-12 * Math.Abs(x.At(i, l) * r);
            }
        }

        Expr g = ex.T.Dot((1.0 / (1.0 + Sp.Exp(-ex.Dot(ew)))) - ey);
        Assert.IsType<RowDotNode>(g.Optimized().Node);
        Oracle.AssertEq(g, Ref.Of(F64, [d], expected, tol));

        // The unfused plan (optimizer off) agrees.
        using SpartanContext plain = Oracle.Start(workers, optimize: false);
        Expr g2 = x.ToExpr(new Shape(8, d)).T.Dot((1.0 / (1.0 + Sp.Exp(-x.ToExpr(new Shape(8, d)).Dot(w.ToExpr())))) - y.ToExpr());
        Oracle.AssertEq(g2, Ref.Of(F64, [d], expected, tol));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void MultiColumnRowDotMatchesLoops(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Random(F64, [29, 6], 7, -1, 1), w = Ref.Random(F64, [6, 3], 8, -1, 1), c = Ref.Random(F64, [3], 9, -1, 1);
        Expr ex = x.ToExpr(new Shape(7, 6));
        Expr g = ex.T.Dot(Sp.Tanh(ex.Dot(w.ToExpr())) * c.ToExpr());
        Assert.IsType<RowDotNode>(g.Optimized().Node);
        Oracle.AssertEq(g, Ref.Make(F64, [6, 3], idx =>
        {
            double s = 0;
            for (int i = 0; i < 29; i++)
            {
                double z = 0;
                for (int l = 0; l < 6; l++)
                {
                    z += x.At(i, l) * w.At(l, idx[1]);
                }

                s += x.At(i, idx[0]) * Math.Tanh(z) * c.D(idx[1]);
            }

            return s;
        }));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void NearestCenterSumsMatchesLoops(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        const int n = 53, d = 3, k = 4;
        Ref x = Ref.Random(F64, [n, d], 10), c = Ref.Random(F64, [k, d], 11);
        var expected = new double[k * (d + 1)];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            double bestD = double.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                double dist = 0;
                for (int l = 0; l < d; l++)
                {
                    dist += (x.At(i, l) - c.At(j, l)) * (x.At(i, l) - c.At(j, l));
                }

                if (dist < bestD)
                {
                    bestD = dist;
                    best = j;
                }
            }

            for (int l = 0; l < d; l++)
            {
                expected[(best * (d + 1)) + l] += x.At(i, l);
            }

            expected[(best * (d + 1)) + d] += 1;
        }

        Oracle.AssertEq(Sp.NearestCenterSums(x.ToExpr(new Shape(9, 3)), c.ToExpr()), Ref.Of(F64, [k, d + 1], expected));
        Assert.Throws<ShapeMismatchException>(() => Sp.NearestCenterSums(x.ToExpr(), Sp.Ones((2, 5))));
        Assert.Throws<ArgumentException>(() => Sp.NearestCenterSums(x.ToExpr(), Sp.Ones((0, 3))));
    }
}
