namespace Spartan.Tests.Movement;

/// <summary>Concatenate, Retile and Outer against plain C# loops, on 1 and 3 workers and odd tilings.</summary>
public class JoinTests
{
    private static Ref RefConcat(IReadOnlyList<Ref> xs, int axis, DType t)
    {
        int rank = xs[0].Rank;
        int a = axis < 0 ? axis + rank : axis;
        long[] shape = (long[])xs[0].Shape.Clone();
        shape[a] = xs.Sum(x => x.Shape[a]);
        long[] offsets = new long[xs.Count];
        for (int j = 1; j < xs.Count; j++)
        {
            offsets[j] = offsets[j - 1] + xs[j - 1].Shape[a];
        }

        return Ref.Make(t, shape, idx =>
        {
            int j = 0;
            while (idx[a] >= offsets[j] + xs[j].Shape[a])
            {
                j++;
            }

            long[] local = (long[])idx.Clone();
            local[a] -= offsets[j];
            return xs[j].At(local);
        });
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ConcatenateMatchesLoopsAlongEveryAxisWithPromotion(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(DType.Float64, [10, 7], 1);
        Ref b = Ref.Random(DType.Int32, [4, 7], 2);
        Ref c = Ref.Random(DType.Float32, [1, 7], 3);
        Ref z = Ref.Random(DType.Float64, [0, 7], 4);
        Oracle.AssertEq(Sp.Concatenate([a.ToExpr((3, 5)), b.ToExpr((3, 2)), z.ToExpr(), c.ToExpr()], 0), RefConcat([a, b, z, c], 0, DType.Float64), what: "axis 0");
        Ref d = Ref.Random(DType.Int32, [10, 3], 5);
        Ref e = Ref.Random(DType.Int64, [10, 1], 6);
        Oracle.AssertEq(Sp.Concatenate([d.ToExpr((4, 2)), e.ToExpr(), d.ToExpr()], -1), RefConcat([d, e, d], 1, DType.Int64), what: "axis -1");
        Ref p = Ref.Random(DType.Bool, [4, 3, 5], 7);
        Ref q = Ref.Random(DType.Bool, [4, 2, 5], 8);
        Oracle.AssertEq(Sp.Concatenate([p.ToExpr((3, 2, 4)), q.ToExpr((1, 1, 1))], 1), RefConcat([p, q], 1, DType.Bool), what: "3-d bool axis 1");
        Ref one = Ref.Random(DType.Float32, [1000], 9);
        Oracle.AssertEq(Sp.Concatenate([one.ToExpr(new Shape(37)), one.ToExpr(new Shape(100))]), RefConcat([one, one], 0, DType.Float32), what: "1-d many tiles");
        Oracle.AssertEq(Sp.Concatenate([z.ToExpr(), z.ToExpr()]), Ref.Random(DType.Float64, [0, 7], 4), what: "empty");
    }

    [Fact]
    public void ConcatenateRejectsBadInputAtTheCall()
    {
        using SpartanContext ctx = Oracle.Start(1);
        var ex = Assert.Throws<ShapeMismatchException>(() => Sp.Concatenate([Sp.Ones((2, 3)), Sp.Ones(3)]));
        Assert.Contains("(2, 3)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(3,)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => Sp.Concatenate([Sp.Ones((2, 3)), Sp.Ones((2, 4))], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Concatenate([Sp.Ones((2, 3)), Sp.Ones((2, 3))], 2));
        Assert.Throws<ArgumentException>(() => Sp.Concatenate([]));
        Assert.Throws<ArgumentException>(() => Sp.Concatenate([Sp.FromArray(NDArray.From(new[] { 1.0 }, Shape.Scalar))]));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void RetileMovesDataIntoTheHintedGrid(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Random(DType.Float64, [10, 7], 1);
        Oracle.AssertEq(Sp.Retile(x.ToExpr((3, 5)), (4, 2)), x, new Shape(4, 2));
        Oracle.AssertEq(Sp.Retile(x.ToExpr(), (10, 1)), x, new Shape(10, 1));
        Ref y = Ref.Random(DType.Int32, [4, 3, 5], 2);
        Oracle.AssertEq(Sp.Retile(y.ToExpr((3, 2, 4)), (1, 3, 2)), y, new Shape(1, 3, 2));
        Ref v = Ref.Random(DType.Bool, [1000], 3);
        Oracle.AssertEq(Sp.Retile(v.ToExpr(new Shape(37)), new Shape(101)), v, new Shape(101));
        Oracle.AssertEq(Sp.Retile(Ref.Random(DType.Float64, [3, 0], 4).ToExpr(), (2, 1)), Ref.Random(DType.Float64, [3, 0], 4), new Shape(2, 1));
        Oracle.AssertEq(Sp.Retile(x.ToExpr((3, 5)), (4, 2)) + 1, x.Map(DType.Float64, d => d + 1), what: "retile then map");
    }

    [Fact]
    public void RetileRejectsBadHints()
    {
        using SpartanContext ctx = Oracle.Start(1);
        Assert.Throws<ArgumentException>(() => Sp.Retile(Sp.Ones((4, 4)), new Shape(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Retile(Sp.Ones((4, 4)), (0, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Retile(Sp.Ones((4, 4)), (5, 2)));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void OuterIsTheOuterProductOrTheKernelOverRanges(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(DType.Float64, [13], 1);
        Ref b = Ref.Random(DType.Int32, [9], 2);
        Oracle.AssertEq(Sp.Outer(a.ToExpr(new Shape(4)), b.ToExpr(new Shape(2))), Ref.Make(DType.Float64, [13, 9], i => a.D(i[0]) * b.D(i[1])));
        Ref p = Ref.Random(DType.Bool, [6], 3);
        Oracle.AssertEq(Sp.Outer(p.ToExpr(), p.ToExpr()), Ref.Make(DType.Bool, [6, 6], i => p.D(i[0]) * p.D(i[1])), what: "bool outer");
        Ref i64 = Ref.Random(DType.Int64, [5], 4);
        Oracle.AssertEq(Sp.Outer(i64.ToExpr(), b.ToExpr()), Ref.MakeInt(DType.Int64, [5, 9], i => i64.L(i[0]) * b.L(i[1])), what: "int outer");

        Expr sums = Sp.Outer(a.ToExpr(new Shape(4)), b.ToExpr(new Shape(2)), (x, y) =>
        {
            double[] xs = x.ToArray<double>();
            int[] ys = y.ToArray<int>();
            var r = new double[xs.Length * ys.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                for (int j = 0; j < ys.Length; j++)
                {
                    r[(i * ys.Length) + j] = xs[i] - ys[j];
                }
            }

            return NDArray.From(r, new Shape(xs.Length, ys.Length));
        });
        Oracle.AssertEq(sums, Ref.Make(DType.Float64, [13, 9], i => a.D(i[0]) - b.D(i[1])), what: "kernel outer");
        Assert.Throws<ShapeMismatchException>(() => Sp.Outer(Sp.Ones((2, 2)), Sp.Ones(2)));
        Expr bad = Sp.Outer(a.ToExpr(), b.ToExpr(), (x, y) => NDArray.Empty(new Shape(1, 1), DType.Float64));
        Assert.Throws<SpartanException>(() => bad.Evaluate());
    }
}
