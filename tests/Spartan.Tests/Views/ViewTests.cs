namespace Spartan.Tests.Views;

/// <summary>Views against independently computed values: slices with steps, negative indices, integer indexing,
/// new axes, transposes, reshape, broadcast, and their compositions, on 1 and 3 workers and odd tilings.</summary>
public class ViewTests
{
    public static TheoryData<int> Workers => new() { 1, 3 };

    // a[i, j] = 100 i + j on a (10, 7) array tiled (3, 5).
    private static Expr Grid(int rows = 10, int cols = 7, Shape? tile = null) =>
        Sp.FromArray(Local(rows, cols), tileHint: tile ?? (3, 5));

    private static double[,] Local(int rows, int cols)
    {
        var a = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                a[i, j] = 100 * i + j;
            }
        }

        return a;
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void SlicesWithStepsAndNegativeIndices(int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        Expr a = Grid();
        Assert.Equal(Rows(1, 5, 1, 0, 7, 1), a[1..5, ..].Glom().To2D<double>());
        Assert.Equal(Rows(0, 10, 3, 1, 7, 2), a[Sp.Slice(null, null, 3), Sp.Slice(1, null, 2)].Glom().To2D<double>());
        Assert.Equal(Rows(9, -1, -2, 6, -1, -3), a[Sp.Slice(null, null, -2), Sp.Slice(null, null, -3)].Glom().To2D<double>());
        Assert.Equal(new double[] { 900, 901, 902, 903, 904, 905, 906 }, a[^1].Glom().ToArray<double>());
        Assert.Equal(new double[] { 3, 103, 203, 303, 403, 503, 603, 703, 803, 903 }, a[.., 3].Glom().ToArray<double>());
        Assert.Equal(new Shape(1, 10, 7), a[Sp.NewAxis, ..].Shape);
        Assert.Equal(506.0, a[5, ^1].Glom().ToScalar<double>());
        Assert.Equal(new Shape(0, 7), a[5..2].Shape);
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void TransposeComposesWithSlicesAndArithmetic(int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        Expr a = Grid();
        double[,] t = a.T.Glom().To2D<double>();
        Assert.Equal(7, t.GetLength(0));
        Assert.Equal(304.0, t[4, 3]);

        // W8 in miniature: (A.T[::2, 2..9] + 1).Sum()
        double expected = 0;
        for (int j = 0; j < 7; j += 2)
        {
            for (int i = 2; i < 9; i++)
            {
                expected += 100 * i + j + 1;
            }
        }

        Assert.Equal(expected, (a.T[Sp.Slice(null, null, 2), 2..9] + 1).Sum().Glom().ToScalar<double>());
        Assert.Equal(expected, (a.T[Sp.Slice(null, null, 2), 2..9] + 1).Glom().ToArray<double>().Sum());
        Expr b = Sp.FromArray(Local(7, 10), tileHint: (4, 3));
        Assert.Equal(a.Glom().ToArray<double>().Zip(b.T.Glom().ToArray<double>(), (x, y) => x + y).ToArray(), (a + b.T).Glom().ToArray<double>());
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void ReshapeMovesRunsAndKeepsRowMajorOrder(int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        Expr a = Grid(12, 5, (5, 2));
        double[] flat = a.Glom().ToArray<double>();
        Assert.Equal(flat, a.Reshape((4, 15)).Glom().ToArray<double>());
        Assert.Equal(flat, a.Reshape((3, 2, 10)).Glom().ToArray<double>());
        Assert.Equal(flat, a.Ravel().Glom().ToArray<double>());
        Assert.Equal(new Shape(6, 10), a.Reshape(-1, 10).Shape);
        Assert.Equal(flat, a.Reshape(60).Reshape((5, 12)).T.T.Glom().ToArray<double>());
        Assert.Equal(new Shape(12, 1, 5), a.Reshape((12, 1, 5)).Shape);
        Assert.Equal(flat.Sum(), a.Reshape((12, 1, 5)).Sum().Glom().ToScalar<double>());
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void BroadcastToAndAsType(int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        Expr v = Sp.Arange(4);
        NDArray b = Sp.BroadcastTo(v, (3, 4)).Glom();
        Assert.Equal(new long[] { 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3 }, b.ToArray<long>());
        Assert.Equal(DType.Float32, v.AsType(DType.Float32).DType);
        Assert.Throws<ShapeMismatchException>(() => Sp.BroadcastTo(v, (3, 5)));
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void MaskSelectsInRowMajorOrder(int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        Expr a = Grid();
        Expr mask = (a % 3).Eq(0);
        double[] expected = a.Glom().ToArray<double>().Where(x => x % 3 == 0).ToArray();
        Expr selected = a[mask];
        Assert.Equal(new Shape(expected.Length), selected.Shape);
        Assert.Equal(expected, selected.Glom().ToArray<double>());
        Assert.Throws<ShapeMismatchException>(() => a[Sp.Ones(5, DType.Bool)]);
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void GatherByIndicesWrapsNegativesAndRejectsOutOfRange(int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        Expr a = Grid();
        NDArray rows = a[Sp.FromArray(new long[] { 9, 0, -1, 3 })].Glom();
        Assert.Equal(new Shape(4, 7), rows.Shape);
        Assert.Equal(new double[] { 900, 0, 900, 300 }, Enumerable.Range(0, 4).Select(i => rows.Item<double>(i, 0)));
        var e = Assert.Throws<SpartanException>(() => a[Sp.FromArray(new long[] { 2, 12 })].Glom());
        Assert.Contains("12", e.Message);
        Assert.Contains("ViewTests.cs", e.ExprTrace);
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void AssignIsFunctionalAndBroadcasts(int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        Expr a = Grid();
        double[] before = a.Glom().ToArray<double>();
        NDArray r = a.Assign(-1.0, Sp.Slice(1, 9, 3), Sp.Slice(null, null, 2)).Glom();
        for (int i = 0; i < 10; i++)
        {
            for (int j = 0; j < 7; j++)
            {
                bool hit = i >= 1 && i < 9 && (i - 1) % 3 == 0 && j % 2 == 0;
                Assert.Equal(hit ? -1.0 : 100 * i + j, r.Item<double>(i, j));
            }
        }

        Assert.Equal(before, a.Glom().ToArray<double>());
        NDArray row = a.Assign(Sp.Arange(7), 4).Glom();
        Assert.Equal(Enumerable.Range(0, 7).Select(j => (double)j), Enumerable.Range(0, 7).Select(j => row.Item<double>(4, j)));
        Assert.Throws<ShapeMismatchException>(() => a.Assign(Sp.Ones(3), 4));
    }

    [Fact]
    public void BadIndicesThrowAtTheCall()
    {
        using var ctx = SpartanContext.StartLocal(1);
        Expr a = Grid();
        Assert.Throws<ArgumentOutOfRangeException>(() => a[10]);
        Assert.Throws<ArgumentOutOfRangeException>(() => a[.., -8]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.Slice(0, 5, 0));
        Assert.Throws<ArgumentException>(() => a[1, 2, 3]);
        Assert.Throws<ShapeMismatchException>(() => a.Reshape((3, 3)));
        Assert.Throws<ArgumentException>(() => a.Transpose(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Transpose(0, 2));
    }

    [Fact]
    public void ASliceReadsOnlyTheSlicedRegions()
    {
        using var ctx = SpartanContext.StartLocal(2);
        // 8 row tiles of 1000 x 100 doubles, alternating between the two workers.
        DistArray big = Sp.Rand((8000, 100), seed: 1, tileHint: (1000, 100)).Evaluate();
        long fetchedBefore = Fetched(ctx);
        NDArray part = big[2500..2600, 10..20].Glom();
        Assert.Equal(new Shape(100, 10), part.Shape);
        // The slice lies inside tile 2; copying it needs at most the 100 x 10 region, never whole tiles.
        Assert.True(Fetched(ctx) - fetchedBefore <= 100 * 10 * 8, $"fetched {Fetched(ctx) - fetchedBefore} bytes");
        double s = big[2500..2600, 10..20].Sum().Glom().ToScalar<double>();
        Assert.Equal(part.ToArray<double>().Sum(), s, 9);
    }

    private static long Fetched(SpartanContext ctx) =>
        Enumerable.Range(0, ctx.NumWorkers).Sum(w => ((Spartan.Runtime.LocalWorker)ctx.Master.Workers[w]).BytesFetched);

    private static double[,] Rows(int r0, int r1, int rs, int c0, int c1, int cs)
    {
        var rows = new List<int>();
        for (int i = r0; rs > 0 ? i < r1 : i > r1; i += rs)
        {
            rows.Add(i);
        }

        var cols = new List<int>();
        for (int j = c0; cs > 0 ? j < c1 : j > c1; j += cs)
        {
            cols.Add(j);
        }

        var r = new double[rows.Count, cols.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            for (int j = 0; j < cols.Count; j++)
            {
                r[i, j] = 100 * rows[i] + cols[j];
            }
        }

        return r;
    }
}
