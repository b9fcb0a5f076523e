namespace Spartan.Tests.Movement;

/// <summary>Sp.Shuffle (the all-to-all operator) against plain C# loops: reversal, scatter-add onto a target,
/// replace order, and bad pieces.</summary>
public class ShuffleTests
{
    private static IEnumerable<(TileExtent, NDArray)> Reverse(NDArray tile, TileExtent where)
    {
        // Each tile goes, reversed, to the mirrored region of the array.
        long n = where.ArrayShape[0];
        double[] v = tile.ToArray<double>();
        Array.Reverse(v);
        long lo = n - where.Lr[0], hi = n - where.Ul[0];
        yield return (new TileExtent([lo], [hi], where.ArrayShape), NDArray.From(v));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ShuffleWithoutTargetMovesPiecesAndZeroFillsTheRest(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Random(DType.Float64, [100], 1);
        Oracle.AssertEq(Sp.Shuffle(x.ToExpr(new Shape(7)), Reverse), Ref.Make(DType.Float64, [100], i => x.D(99 - i[0])), what: "reverse");

        // Only the first row of every tile is sent, one row down: untouched rows stay zero.
        Ref m = Ref.Random(DType.Int64, [10, 6], 2, -50, 50);
        Expr moved = Sp.Shuffle(m.ToExpr((3, 4)), (tile, where) =>
        {
            long row = where.Ul[0] + 1;
            if (row >= where.ArrayShape[0])
            {
                return [];
            }

            long[] all = tile.ToArray<long>();
            long width = where.Lr[1] - where.Ul[1];
            return [(new TileExtent([row, where.Ul[1]], [row + 1, where.Lr[1]], where.ArrayShape), NDArray.From(all[..(int)width], new Shape(1, width)))];
        });
        Oracle.AssertEq(moved, Ref.MakeInt(DType.Int64, [10, 6], i => i[0] % 3 == 1 ? m.L((i[0] - 1) * 6 + i[1]) : 0), what: "first rows down one");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ShuffleAccumulatesOntoATargetInSourceOrder(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);

        // A histogram: every tile adds 1 at bucket (value mod 5) for each of its values.
        Ref x = Ref.Random(DType.Int64, [200], 3, 0, 1000);
        Expr target = Sp.Full(5, 10, DType.Int64, tileHint: new Shape(2));
        Expr hist = Sp.Shuffle(x.ToExpr(new Shape(13)), (tile, where) =>
        {
            var pieces = new List<(TileExtent, NDArray)>();
            foreach (long v in tile.ToArray<long>())
            {
                pieces.Add((new TileExtent([v % 5], [(v % 5) + 1], new Shape(5)), NDArray.From(new[] { 1L })));
            }

            return pieces;
        }, target, ReduceOp.Add);
        Oracle.AssertEq(hist, Ref.MakeInt(DType.Int64, [5], i => 10 + Enumerable.Range(0, 200).Count(k => x.L(k) % 5 == i[0])), what: "histogram");

        // Replace: every tile writes its tile index over the whole target; the last source tile wins.
        Expr last = Sp.Shuffle(x.ToExpr(new Shape(13)), (tile, where) =>
            [(TileExtent.Whole(new Shape(4, 3)), NDArray.From(Enumerable.Repeat((double)where.Ul[0], 12).ToArray(), new Shape(4, 3)))],
            Sp.Zeros((4, 3), tileHint: (3, 2)));
        Oracle.AssertEq(last, Ref.Make(DType.Float64, [4, 3], _ => 195));

        // Max onto a target with pieces that straddle tile boundaries.
        Ref t = Ref.Random(DType.Float64, [9, 9], 4);
        Expr maxed = Sp.Shuffle(Sp.Ones(3, tileHint: new Shape(1)), (tile, where) =>
        {
            long k = where.Ul[0];
            var data = Enumerable.Range(0, 25).Select(i => (double)(k * 3) - 4).ToArray();
            return [(new TileExtent([k * 2, k * 2], [(k * 2) + 5, (k * 2) + 5], new Shape(9, 9)), NDArray.From(data, new Shape(5, 5)))];
        }, t.ToExpr((4, 4)), ReduceOp.Max);
        Oracle.AssertEq(maxed, Ref.Make(DType.Float64, [9, 9], i =>
        {
            double v = t.D(i[0] * 9 + i[1]);
            for (long k = 0; k < 3; k++)
            {
                if (i[0] >= k * 2 && i[0] < k * 2 + 5 && i[1] >= k * 2 && i[1] < k * 2 + 5)
                {
                    v = Math.Max(v, (k * 3) - 4);
                }
            }

            return v;
        }), what: "max of straddling pieces");
    }

    [Fact]
    public void BadPiecesFailWithAClearMessage()
    {
        using SpartanContext ctx = Oracle.Start(2);
        Expr x = Sp.Ones(10, tileHint: new Shape(4));
        Expr wrongShape = Sp.Shuffle(x, (tile, where) => [(new TileExtent([0], [3], new Shape(10)), NDArray.From(new[] { 1.0, 2.0 }))]);
        SpartanException e1 = Assert.Throws<SpartanException>(() => wrongShape.Evaluate());
        Assert.Contains("shape (3,)", e1.Message, StringComparison.Ordinal);
        Expr wrongType = Sp.Shuffle(x, (tile, where) => [(new TileExtent([0], [1], new Shape(10)), NDArray.From(new[] { 1L }))]);
        SpartanException e2 = Assert.Throws<SpartanException>(() => wrongType.Evaluate());
        Assert.Contains("float64", e2.Message, StringComparison.Ordinal);
        Expr outside = Sp.Shuffle(x, (tile, where) => [(new TileExtent([0], [1], new Shape(11)), NDArray.From(new[] { 1.0 }))]);
        SpartanException e3 = Assert.Throws<SpartanException>(() => outside.Evaluate());
        Assert.Contains("(11,)", e3.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Sp.Shuffle(x, (tile, where) => [], accumulate: ReduceOp.And));
    }
}
