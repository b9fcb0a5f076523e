using System.Collections.Concurrent;

namespace Spartan.Tests;

/// <summary>User kernels: Map (one and several inputs), MapWithLocation, TileOperation and Reduce, on odd tilings.</summary>
public class UserKernelTests
{
    private const DType F64 = DType.Float64;
    private const DType I64 = DType.Int64;
    private const DType B = DType.Bool;

    private static readonly ConcurrentDictionary<string, ConcurrentBag<(long[] Ul, long[] Lr)>> s_seen = new();

    [Theory, InlineData(1), InlineData(3)]
    public void MapAppliesTheKernelToEveryTile(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long[] shape, long[]? tile) in CreationTests.Layouts)
        {
            Ref a = Ref.Random(F64, shape, 1);
            Shape? hint = CreationTests.Hint(tile);
            Expr x = a.ToExpr(tileHint: hint);
            string what = $"({string.Join(",", shape)}) tile {hint}";
            Oracle.AssertEq(Sp.Map(x, SquarePlusOne), a.Map(F64, v => (v * v) + 1), hint, "map " + what);
            Oracle.AssertEq(Sp.Map(x, t => Positive(t), dtype: B), a.Map(B, v => v > 0 ? 1 : 0), hint, "map to bool " + what);
            Oracle.AssertEq(Sp.Map((x * 2) + 1, SquarePlusOne), a.Map(F64, v => (((v * 2) + 1) * ((v * 2) + 1)) + 1), what: "map of a fused expression " + what);
            Oracle.AssertEq(Sp.Map(x, SquarePlusOne) - 1, a.Map(F64, v => v * v), what: "arithmetic on a map " + what);
            Oracle.AssertEq(Sp.Map(x, SquarePlusOne).Sum(), a.Reduce(null, false, F64, v => Oracle.ExactSum(v.Select(e => (e * e) + 1)), v => Oracle.SumTolerance(v.Select(e => (e * e) + 1).ToArray())), what: "sum of a map " + what);
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void MapKernelsCannotCorruptTheirInputs(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(F64, [10, 7], 2);
        Expr x = a.ToExpr(tileHint: (3, 5)).Evaluate();
        Expr overwritten = Sp.Map(x, t =>
        {
            t.AsSpan<double>().Fill(-1);
            return t;
        });
        Oracle.AssertEq(overwritten, a.Map(F64, _ => -1), (3, 5), "kernel that writes its argument");
        Oracle.AssertEq(x, a, (3, 5), "the input tiles are unchanged");
        Oracle.AssertEq(x + 0, a, what: "and still read correctly");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void CapturedValuesAreSnapshotAtTheCall(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(F64, [10, 7], 3);
        Expr x = a.ToExpr(tileHint: (3, 5));
        double scale = 2.5;
        double[] offsets = [1, 2, 3, 4, 5, 6, 7];
        string label = "ok";
        Shape expected = (3, 5);
        Expr m = Sp.MapWithLocation(x, (t, e) =>
        {
            var o = NDArray.Empty(t.Shape, DType.Float64);
            Span<double> src = t.AsSpan<double>(), dst = o.AsSpan<double>();
            long cols = t.Shape[1];
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = (src[i] * scale) + offsets[e.Ul[1] + (i % cols)] + (label == "ok" ? 0 : 1000) + (e.ArrayShape == new Shape(10, 7) && expected.Rank == 2 ? 0 : 1000);
            }

            return o;
        });

        // Changing the captured locals after the call does not change the kernel.
        scale = 100;
        offsets[0] = 1000;
        label = "changed";
        Oracle.AssertEq(m, ScaledPlusColumn(a), (3, 5), "captured values");
    }

    // Kept out of the test method: C# puts every local captured in one scope into one closure, so a lambda there that
    // captured the Ref would make the kernel capture it too (and be refused, rightly).
    private static Ref ScaledPlusColumn(Ref a) => Ref.Make(F64, [10, 7], i => (a.At(i) * 2.5) + i[1] + 1);

    [Theory, InlineData(1), InlineData(3)]
    public void MapOverSeveralInputsGetsAlignedBroadcastRegions(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(F64, [10, 7], 4), b = Ref.Random(F64, [7], 5), c = Ref.Random(F64, [10, 1], 6), d = Ref.Random(F64, [10, 7], 7);
        Expr x = a.ToExpr(tileHint: (3, 5)), y = b.ToExpr(tileHint: 2), z = c.ToExpr(tileHint: (4, 1)), w = d.ToExpr(tileHint: (4, 3));
        Expr m = Sp.Map([x, y, z, w, 10.0], ts =>
        {
            NDArray t0 = ts[0], t1 = ts[1], t2 = ts[2], t3 = ts[3], s = ts[4];
            long rows = t0.Shape[0], cols = t0.Shape[1];
            if (t1.Shape != new Shape(cols) || t2.Shape != new Shape(rows, 1) || t3.Shape != t0.Shape || s.Shape != Shape.Scalar)
            {
                throw new InvalidOperationException($"misaligned: {t0.Shape} {t1.Shape} {t2.Shape} {t3.Shape} {s.Shape}");
            }

            var o = NDArray.Empty(t0.Shape, DType.Float64);
            Span<double> dst = o.AsSpan<double>();
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    dst[(int)(i * cols) + j] = t0.Item<double>(i, j) + (2 * t1.Item<double>(j)) + (3 * t2.Item<double>(i, 0)) + (4 * t3.Item<double>(i, j)) + s.ToScalar<double>();
                }
            }

            return o;
        });
        Oracle.AssertEq(m, Ref.Make(F64, [10, 7], i => a.At(i) + (2 * b.At(i[1])) + (3 * c.At(i[0], 0)) + (4 * d.At(i)) + 10), (3, 5), "map of 5 inputs");

        // Inputs of different dtypes, and a result dtype of the kernel's choosing.
        Ref n = Ref.Random(I64, [10, 7], 8);
        Expr counts = Sp.Map([n.ToExpr(tileHint: (2, 7)), x], ts =>
        {
            var o = NDArray.Empty(ts[0].Shape, DType.Int64);
            Span<long> dst = o.AsSpan<long>();
            ReadOnlySpan<long> p = ts[0].AsSpan<long>();
            ReadOnlySpan<double> q = ts[1].AsSpan<double>();
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = p[i] + (q[i] > 0 ? 1 : 0);
            }

            return o;
        }, dtype: I64);
        Oracle.AssertEq(counts, Ref.Make(I64, [10, 7], i => n.At(i) + (a.At(i) > 0 ? 1 : 0)), (2, 7), "map of int64 and float64, tiled like the first input");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void MapWithLocationAndTileOperationSeeEachTileExtent(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long[] shape, long[]? tile) in CreationTests.Layouts)
        {
            Shape? hint = CreationTests.Hint(tile);
            Expr x = Sp.Zeros(new Shape(shape), DType.Int64, tileHint: hint);
            string key = $"{workers} {string.Join(",", shape)} {hint}";
            Ref expected = Ref.MakeInt(I64, shape, i => GlobalCode(i));
            Oracle.AssertEq(Sp.MapWithLocation(x, (t, e) => Locate(t, e)), expected, hint, "map_with_location " + key);
            Oracle.AssertEq(Sp.TileOperation(x, (t, e) => Locate(t, e)), expected, hint, "tile_operation " + key);

            s_seen[key] = [];
            NDArray recorded = Sp.MapWithLocation(x, (t, e) => Record(key, t, e)).Glom();
            Assert.Equal(new Shape(shape), recorded.Shape);
            if (hint is Shape h)
            {
                List<(long[] Ul, long[] Lr)> want = Oracle.ExpectedTiles(shape, h.ToArray());
                List<(long[] Ul, long[] Lr)> got = [.. s_seen[key]];
                Assert.Equal(want.Select(w => $"{string.Join(",", w.Ul)}:{string.Join(",", w.Lr)}").Order(), got.Select(w => $"{string.Join(",", w.Ul)}:{string.Join(",", w.Lr)}").Order());
            }
        }
    }

    [Theory, InlineData(1), InlineData(3)]
    public void UserReduceCombinesPartialsOverAnyAxis(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref a = Ref.Random(F64, [10, 7], 9);
        foreach (long[]? tile in new long[]?[] { [3, 5], [1, 7], [10, 1], null })
        {
            Shape? hint = CreationTests.Hint(tile);
            Expr x = a.ToExpr(tileHint: hint);
            string what = $"tile {hint}";
            Oracle.AssertEq(Sp.Reduce(x, null, (t, e) => SumAll(t), ReduceOp.Add, F64), a.Reduce(null, false, F64, Oracle.ExactSum, Oracle.SumTolerance), what: "sum all " + what);
            Oracle.AssertEq(Sp.Reduce(x, 0, (t, e) => SumAxis(t, 0), ReduceOp.Add, F64), a.Reduce(0, false, F64, Oracle.ExactSum, Oracle.SumTolerance), what: "sum axis 0 " + what);
            Oracle.AssertEq(Sp.Reduce(x, -1, (t, e) => MaxAxis(t, 1), ReduceOp.Max, F64), a.Reduce(1, false, F64, v => v.Max()), what: "max axis -1 " + what);
            Oracle.AssertEq(Sp.Reduce(x, 1, (t, e) => MinAxis(t, 1), ReduceOp.Min, F64), a.Reduce(1, false, F64, v => v.Min()), what: "min axis 1 " + what);
            Oracle.AssertEq(Sp.Reduce(x, null, (t, e) => CountPositive(t), ReduceOp.Add, I64), a.Reduce(null, false, I64, v => v.Count(e => e > 0)), what: "count to int64 " + what);
            Oracle.AssertEq(Sp.Reduce(x, 0, (t, e) => AnyPositive(t, 0), ReduceOp.Or, B), a.Reduce(0, false, B, v => v.Any(e => e > 9) ? 1 : 0), what: "or axis 0 " + what);
            Oracle.AssertEq(Sp.Reduce(x, 1, (t, e) => AllAbove(t, 1), ReduceOp.And, B), a.Reduce(1, false, B, v => v.All(e => e > -9) ? 1 : 0), what: "and axis 1 " + what);

            // The extent tells the kernel where its tile lies: sum of global column indices over all elements.
            Oracle.AssertEq(Sp.Reduce(x, null, (t, e) => SumOfColumnIndices(t, e), ReduceOp.Add, I64), Ref.Of(I64, [], [10L * 21]), what: "extent-aware " + what);
        }

        Ref ints = Ref.Random(I64, [4, 3, 5], 10, 1, 4);
        Expr xi = ints.ToExpr(tileHint: (3, 2, 4));
        Oracle.AssertEq(Sp.Reduce(xi, 1, (t, e) => ProdAxis(t, 1), ReduceOp.Multiply, I64), ints.ReduceInt(1, false, I64, v => v.Aggregate(1L, (p, q) => p * q)), what: "3-d product axis 1");
    }

    private static NDArray SquarePlusOne(NDArray t)
    {
        var o = NDArray.Empty(t.Shape, DType.Float64);
        Span<double> src = t.AsSpan<double>(), dst = o.AsSpan<double>();
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = (src[i] * src[i]) + 1;
        }

        return o;
    }

    private static NDArray Positive(NDArray t) => NDArray.From(t.ToArray<double>().Select(v => v > 0).ToArray(), t.Shape);

    private static long GlobalCode(long[] idx) => idx.Aggregate(7L, (acc, v) => (acc * 100) + v);

    private static NDArray Locate(NDArray t, TileExtent e)
    {
        long[] ul = e.Ul;
        var dst = new long[t.Size];
        Ref.ForEachIndex(t.Shape.ToArray(), (flat, idx) => dst[flat] = GlobalCode(idx.Select((v, a) => v + ul[a]).ToArray()));
        return NDArray.From(dst, t.Shape);
    }

    private static NDArray Record(string key, NDArray t, TileExtent e)
    {
        Assert.Equal(e.Shape, t.Shape);
        s_seen[key].Add((e.Ul, e.Lr));
        return t;
    }

    private static NDArray SumAll(NDArray t) => NDArray.From([Oracle.ExactSum(t.ToArray<double>())], Shape.Scalar);

    private static NDArray CountPositive(NDArray t) => NDArray.From([(long)t.ToArray<double>().Count(v => v > 0)], Shape.Scalar);

    private static NDArray SumOfColumnIndices(NDArray t, TileExtent e) => NDArray.From([t.Shape[0] * Enumerable.Range((int)e.Ul[1], (int)t.Shape[1]).Sum(c => (long)c)], Shape.Scalar);

    private static NDArray SumAxis(NDArray t, int axis) => Along(t, axis, v => v.Sum());

    private static NDArray MaxAxis(NDArray t, int axis) => Along(t, axis, v => v.Max());

    private static NDArray MinAxis(NDArray t, int axis) => Along(t, axis, v => v.Min());

    private static NDArray AnyPositive(NDArray t, int axis)
    {
        double[] any = Along(t, axis, v => v.Any(e => e > 9) ? 1 : 0).ToArray<double>();
        return NDArray.From(any.Select(v => v != 0).ToArray(), t.Shape.ToArray().Where((_, k) => k != axis).ToArray());
    }

    private static NDArray AllAbove(NDArray t, int axis)
    {
        double[] all = Along(t, axis, v => v.All(e => e > -9) ? 1 : 0).ToArray<double>();
        return NDArray.From(all.Select(v => v != 0).ToArray(), t.Shape.ToArray().Where((_, k) => k != axis).ToArray());
    }

    private static NDArray ProdAxis(NDArray t, int axis)
    {
        var r = Ref.Of(DType.Int64, t.Shape.ToArray(), t.ToArray<long>());
        return r.ReduceInt(axis, false, DType.Int64, v => v.Aggregate(1L, (p, q) => p * q)).ToNDArray();
    }

    private static NDArray Along(NDArray t, int axis, Func<double[], double> f) =>
        Ref.Of(DType.Float64, t.Shape.ToArray(), t.ToArray<double>()).Reduce(axis, false, DType.Float64, f).ToNDArray();
}
