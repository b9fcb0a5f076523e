namespace Spartan.Tests;

/// <summary>Evaluate() caching, Glom, ToDot, Explain, Optimized, and optimizer-off parity.</summary>
public class EvaluationTests
{
    // Kernels count their invocations in static fields: captured values are snapshots, so a captured counter
    // would never change. One field per test, since tests of different classes run in parallel.
    private static int s_cacheCalls;
    private static int s_concurrentCalls;
    private static int s_downstreamCalls;

    [Theory, InlineData(1), InlineData(3)]
    public void EvaluateTwiceReturnsTheSameArrayWithoutRecomputing(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Volatile.Write(ref s_cacheCalls, 0);
        Expr m = Sp.Map(Sp.Ones((10, 7), tileHint: (3, 5)), t =>
        {
            Interlocked.Increment(ref s_cacheCalls);
            return t;
        });
        Assert.Equal(0, Volatile.Read(ref s_cacheCalls));
        DistArray first = m.Evaluate();
        int tiles = first.Tiles.Count;
        Assert.Equal(8, tiles);
        Assert.Equal(tiles, Volatile.Read(ref s_cacheCalls));

        DistArray second = m.Evaluate();
        Assert.Same(first, second);
        Assert.Same(first, first.Evaluate());
        Oracle.AssertValues(m.Glom(), Ref.Make(DType.Float64, [10, 7], _ => 1));
        Oracle.AssertValues(first.Glom(), Ref.Make(DType.Float64, [10, 7], _ => 1));
        Assert.Equal(tiles, Volatile.Read(ref s_cacheCalls));

        // Disposing the result frees its tiles; the expression then recomputes once.
        first.Dispose();
        Assert.True(first.IsDisposed);
        DistArray third = m.Evaluate();
        Assert.NotSame(first, third);
        Assert.Equal(2 * tiles, Volatile.Read(ref s_cacheCalls));
    }

    [Fact]
    public async Task ConcurrentEvaluationsComputeOnce()
    {
        using SpartanContext ctx = Oracle.Start(3);
        Volatile.Write(ref s_concurrentCalls, 0);
        Expr m = Sp.Map(Sp.Ones(7, tileHint: 1), t =>
        {
            Interlocked.Increment(ref s_concurrentCalls);
            return t;
        });
        DistArray[] all = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => m.EvaluateAsync())));
        Assert.All(all, d => Assert.Same(all[0], d));
        Assert.Equal(7, Volatile.Read(ref s_concurrentCalls));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void ExpressionsBuiltOnAnEvaluatedOneReuseIt(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        Volatile.Write(ref s_downstreamCalls, 0);
        Ref a = Ref.Random(DType.Float64, [10, 7], 1);
        Expr m = Sp.Map(a.ToExpr(tileHint: (3, 5)), t =>
        {
            Interlocked.Increment(ref s_downstreamCalls);
            return t;
        });
        m.Evaluate();
        Assert.Equal(8, Volatile.Read(ref s_downstreamCalls));
        Oracle.AssertEq((m * 2).Sum(axis: 0), a.Reduce(0, false, DType.Float64, v => 2 * Oracle.ExactSum(v), v => 2 * Oracle.SumTolerance(v)));
        Oracle.AssertEq(m + m, a.Map(DType.Float64, v => v + v));
        Assert.Equal(8, Volatile.Read(ref s_downstreamCalls));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void DistArrayDescribesItsTiles(int workers)
    {
        using SpartanContext ctx = Oracle.Start(workers);
        DistArray d = Sp.Zeros((10, 7), DType.Int32, tileHint: (3, 5)).Evaluate();
        Assert.Equal(new Shape(10, 7), d.Shape);
        Assert.Equal(DType.Int32, d.DType);
        Assert.Equal(8, d.Tiles.Count);
        Assert.Equal(70L * 4, d.Tiles.Sum(t => t.Bytes));
        Assert.All(d.Tiles, t => Assert.False(t.Sparse));
        Assert.Equal(Math.Min(workers, 8), d.Tiles.Select(t => t.Worker).Distinct().Count());
        Assert.Equal(2, d.Ndim);
        Assert.Equal(70, d.Size);
    }

    [Fact]
    public void ToDotAndExplainDescribeThePlan()
    {
        using SpartanContext ctx = Oracle.Start(3);
        Expr x = Sp.Rand((10, 7), seed: 1, tileHint: (3, 5));
        Expr y = Sp.Ones(7);
        Expr e = ((x * 2) + y).Sum(axis: 0);

        string dot = e.ToDot();
        Assert.StartsWith("digraph", dot.TrimStart(), StringComparison.Ordinal);
        foreach (string label in new[] { "rand(seed=1)", "ones", "multiply", "add", "sum" })
        {
            Assert.Contains(label, dot, StringComparison.Ordinal);
        }

        string plan = e.Explain();
        foreach (string stage in new[] { "CollapseCached", "MapFusion", "ReduceFusion", "Lowering" })
        {
            Assert.Contains(stage, plan, StringComparison.Ordinal);
        }

        Expr optimized = e.Optimized();
        Assert.Equal(e.Shape, optimized.Shape);
        Assert.Equal(e.DType, optimized.DType);
        Oracle.AssertValues(optimized.Glom(), ExpectedColumnSums(x.Glom().ToArray<double>()));
        Oracle.AssertEq(e, ExpectedColumnSums(x.Glom().ToArray<double>()));
    }

    [Theory, InlineData(1), InlineData(3)]
    public void UnoptimizedPlansGiveTheSameResults(int workers)
    {
        // The same expressions with every optimizer stage off: fusion must not change values.
        foreach (bool optimize in new[] { true, false })
        {
            using SpartanContext ctx = Oracle.Start(workers, optimize);
            Ref a = Ref.Random(DType.Float64, [4, 3, 5], 3), b = Ref.Random(DType.Float64, [3, 1], 4);
            Expr x = a.ToExpr(tileHint: (3, 2, 4)), y = b.ToExpr(tileHint: (2, 1));
            Ref f = Ref.Zip(a, b, DType.Float64, (p, q) => Math.Exp(-Math.Abs(p * q)) + ElementwiseTests.FloorModF(p, q));
            Expr fe = Sp.Exp(-Sp.Abs(x * y)) + (x % y);
            string what = optimize ? "optimized" : "unoptimized";
            Oracle.AssertEq(fe, f, what: what);
            Oracle.AssertEq(fe.Sum(axis: 1), f.Reduce(1, false, DType.Float64, Oracle.ExactSum, Oracle.SumTolerance), what: what);
            Oracle.AssertEq(fe.ArgMax(axis: -1), f.Reduce(-1, false, DType.Int64, v => Array.IndexOf(v, v.Max())), what: what);
            Oracle.AssertEq(Sp.Map(fe, t => t).Max(), Ref.Of(DType.Float64, [], [f.Floats!.Max()]), what: what);
        }
    }

    private static Ref ExpectedColumnSums(double[] x)
    {
        var cols = new double[7];
        for (int j = 0; j < 7; j++)
        {
            cols[j] = Oracle.ExactSum(Enumerable.Range(0, 10).Select(i => (x[(i * 7) + j] * 2) + 1));
        }

        return Ref.Of(DType.Float64, [7], cols, cols.Select(c => 1e-12 * Math.Abs(c) * 3).ToArray());
    }
}
