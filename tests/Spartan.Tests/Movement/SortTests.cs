using Spartan.Runtime;

namespace Spartan.Tests.Movement;

/// <summary>Sort and ArgSort against a stable LINQ sort with NaN last, on 1 and 3 workers, odd tilings, split and
/// whole axes; and a check that the distributed sample sort does not gather the array.</summary>
public class SortTests
{
    private static int NanLast(double a, double b) =>
        double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0;

    /// <summary>Per line along the axis: the stable order (indices along the axis) and the sorted values.</summary>
    private static (Ref Sorted, Ref Indices) RefSort(Ref x, int axis)
    {
        int a = axis < 0 ? axis + x.Rank : axis;
        long n = x.Shape[a];
        long stride = 1;
        for (int k = a + 1; k < x.Rank; k++)
        {
            stride *= x.Shape[k];
        }

        var values = new double[x.Size];
        var ints = new long[x.Size];
        var idx = new long[x.Size];
        for (long i = 0; i < x.Size; i++)
        {
            if ((i / stride) % n != 0)
            {
                continue;
            }

            // i is the first element of a line.
            long[] order = Enumerable.Range(0, (int)n).Select(k => (long)k)
                .OrderBy(k => x.D(i + (k * stride)), Comparer<double>.Create(NanLast)).ToArray();
            for (long k = 0; k < n; k++)
            {
                values[i + (k * stride)] = x.D(i + (order[k] * stride));
                ints[i + (k * stride)] = x.L(i + (order[k] * stride));
                idx[i + (k * stride)] = order[k];
            }
        }

        Ref sorted = x.IsFloat ? Ref.Of(x.DType, x.Shape, values) : Ref.Of(x.DType, x.Shape, ints);
        return (sorted, Ref.Of(DType.Int64, x.Shape, idx));
    }

    private static readonly (long[] Shape, long[]? Tile, int Axis)[] Layouts =
    [
        ([1000], [37], 0),
        ([1000], [1000], -1),
        ([1000], null, 0),
        ([23], [1], 0),
        ([10, 7], [3, 5], 0),
        ([10, 7], [3, 5], 1),
        ([10, 7], [3, 5], -1),
        ([10, 7], null, 0),
        ([10, 7], null, 1),
        ([4, 3, 5], [3, 2, 4], 0),
        ([4, 3, 5], [3, 2, 4], 1),
        ([4, 3, 5], [3, 2, 4], 2),
        ([0], null, 0),
        ([3, 0], [2, 1], 1),
        ([3, 0], [2, 1], 0),
    ];

    [Theory, InlineData(1), InlineData(3)]
    public void SortAndArgSortMatchAStableNaNLastSort(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        foreach ((long[] shape, long[]? tile, int axis) in Layouts)
        {
            Shape? hint = tile is null ? (Shape?)null : new Shape(tile);
            foreach (DType t in new[] { DType.Float64, DType.Float32, DType.Int64, DType.Int32, DType.Bool })
            {
                // Few distinct values, so there are many ties; floats also get NaNs and signed zeros.
                Ref x = t.IsFloat()
                    ? Ref.Make(t, shape, idx => Code(idx) switch { 0 => double.NaN, 1 => -0.0, 2 => 0.0, var c => (c % 9) - 4.5 })
                    : Ref.Random(t, shape, 17, -4, 5);
                (Ref sorted, Ref indices) = RefSort(x, axis);
                string what = $"{t} {string.Join("x", shape)} tile {hint} axis {axis}";
                Oracle.AssertEq(Sp.Sort(x.ToExpr(hint), axis), sorted, what: "sort " + what);
                Oracle.AssertEq(Sp.ArgSort(x.ToExpr(hint), axis), indices, what: "argsort " + what);
            }
        }
    }

    private static int Code(long[] idx)
    {
        long h = 17;
        foreach (long v in idx)
        {
            h = (h * 31) + v;
        }

        return (int)((h * 2654435761L) % 23 + 23) % 23;
    }

    [Theory, InlineData(1), InlineData(3)]
    public void DistributedArgSortIsStableWithManyTies(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Ref x = Ref.Random(DType.Int64, [20_000], 5, 0, 3);
        (Ref sorted, Ref indices) = RefSort(x, 0);
        Oracle.AssertEq(Sp.ArgSort(x.ToExpr(tileHint: new Shape(1_111))), indices, what: "argsort with 3 distinct values");
        Oracle.AssertEq(Sp.Sort(x.ToExpr(tileHint: new Shape(1_111))), sorted, what: "sort with 3 distinct values");

        // All equal: the stable order is the identity, and the buckets are still balanced.
        Ref same = Ref.Make(DType.Float64, [5_000], _ => 1.5);
        Oracle.AssertEq(Sp.ArgSort(same.ToExpr(tileHint: new Shape(700))), Ref.MakeInt(DType.Int64, [5_000], idx => idx[0]), what: "argsort of equal values");
        DistArray d = Sp.Sort(same.ToExpr(tileHint: new Shape(700))).Evaluate();
        Assert.True(d.Tiles.Max(t => t.Extent.Size) < 2_500, $"largest bucket {d.Tiles.Max(t => t.Extent.Size)} of 5000 equal values");
    }

    [Theory, InlineData(1), InlineData(3)]
    public void SortPutsEveryNaNLastAndKeepsInfinitiesInOrder(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        double[] v = [3, double.NaN, double.NegativeInfinity, -1, double.PositiveInfinity, double.NaN, 0, -0.0, 2, -double.NaN, 1e308, -1e-308];
        Ref x = Ref.Of(DType.Float64, [v.Length], v);
        (Ref sorted, Ref indices) = RefSort(x, 0);
        Oracle.AssertEq(Sp.Sort(x.ToExpr(tileHint: new Shape(5))), sorted);
        Oracle.AssertEq(Sp.ArgSort(x.ToExpr(tileHint: new Shape(5))), indices);
        double[] got = Sp.Sort(x.ToExpr(tileHint: new Shape(5))).Glom().ToArray<double>();
        Assert.All(got[^3..], d => Assert.True(double.IsNaN(d)));
        Assert.Equal(double.NegativeInfinity, got[0]);
        Assert.Equal(double.PositiveInfinity, got[^4]);
    }

    [Fact]
    public void DistributedSortDoesNotGatherTheArray()
    {
        using SpartanContext ctx = Oracle.Start(3);
        const int n = 300_000;
        DistArray x = Sp.Rand(n, seed: 3, tileHint: new Shape(25_000)).Evaluate();
        LocalWorker[] workers = ctx.Master.Workers.Cast<LocalWorker>().ToArray();
        long[] before = workers.Select(w => w.BytesFetched).ToArray();
        DistArray sorted = Sp.Sort(x).Evaluate();
        long[] fetched = workers.Select((w, i) => w.BytesFetched - before[i]).ToArray();
        long total = n * 8L;

        // Each worker reads about the part of its buckets it does not hold (about 2/3 of a third of the array).
        Assert.All(fetched, f => Assert.True(f < total / 2, $"a worker read {f} bytes of a {total}-byte array: {string.Join(", ", fetched)}"));
        Assert.True(sorted.Tiles.Count >= 6, $"{sorted.Tiles.Count} result tiles");
        Assert.True(sorted.Tiles.Max(t => t.Extent.Size) < n / 4, $"the largest bucket holds {sorted.Tiles.Max(t => t.Extent.Size)} of {n} elements");
        Assert.Equal(3, sorted.Tiles.Select(t => t.Worker).Distinct().Count());

        double[] got = sorted.Glom().ToArray<double>();
        double[] want = x.Glom().ToArray<double>();
        Array.Sort(want);
        Assert.Equal(want, got);
    }

    [Fact]
    public void BadAxisThrowsAtTheCall()
    {
        using SpartanContext ctx = Oracle.Start(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Sort(Sp.Ones((3, 4)), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.ArgSort(Sp.Ones((3, 4)), -3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Sort(Sp.FromArray(NDArray.From(new[] { 1.0 }, Shape.Scalar))));
    }
}
