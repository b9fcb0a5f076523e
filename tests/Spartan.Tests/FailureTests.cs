using Spartan.Runtime;

namespace Spartan.Tests;

/// <summary>Worker failures (embedded): a worker that dies between or during evaluations does not fail the program;
/// lost tiles are rebuilt from lineage on the survivors and every answer is bit-identical to an undisturbed run on
/// the same number of workers (hence the same tiling and order of float operations).</summary>
[Collection(nameof(FailureTests))]
public class FailureTests
{
    private const int Workers = 3;

    // Set by a test before it evaluates; read by the kernel below on whatever kernel thread runs it.
    private static LocalWorker? s_victim;
    private static int s_armed;

    [Fact]
    public void AWorkerKilledBetweenEvaluationsIsRebuiltFromLineage()
    {
        NDArray[] expected = Undisturbed();
        using (Start(out LocalWorker[] locals))
        {
            DistArray x = Source().Evaluate();
            NDArray before = x.Glom();
            locals[1].Kill();
            NDArray[] actual = Workload(x);
            AssertSame(expected, actual);
            AssertSame([before], [x.Glom()]);
        }
    }

    [Fact]
    public void AWorkerKilledOnItsNthBatchDoesNotChangeTheAnswer()
    {
        NDArray[] expected = Undisturbed();
        for (int n = 1; n <= 7; n += 3)
        {
            using SpartanContext ctx = Start(out LocalWorker[] locals, (i, w) => i == 2 ? new KillOnNthRun(w, n) : w);
            NDArray[] actual = Workload(Source());
            AssertSame(expected, actual, $"worker 2 killed on its batch {n}");
            Assert.False(ctx.Status().Workers[2].Alive, "worker 2 is reported lost");
            Assert.Equal([0, 1], ctx.Master.LiveWorkers);
        }
    }

    [Fact]
    public void AWorkerKilledInsideAKernelDoesNotChangeTheAnswer()
    {
        NDArray[] expected = Undisturbed();
        using SpartanContext ctx = Start(out LocalWorker[] locals);
        s_victim = locals[0];
        Volatile.Write(ref s_armed, 1);
        try
        {
            NDArray[] actual = Workload(Source());
            AssertSame(expected, actual, "worker 0 killed from inside a Map kernel");
            Assert.Equal(0, Volatile.Read(ref s_armed));
            Assert.True(locals[0].IsDead);
        }
        finally
        {
            Volatile.Write(ref s_armed, 0);
            s_victim = null;
        }
    }

    [Fact]
    public void TwoWorkersLostStillGiveTheSameAnswerOnTheLastOne()
    {
        NDArray[] expected = Undisturbed();
        using SpartanContext ctx = Start(out LocalWorker[] locals, (i, w) => i == 0 ? new KillOnNthRun(w, 2) : i == 1 ? new KillOnNthRun(w, 5) : w);
        AssertSame(expected, Workload(Source()), "workers 0 and 1 killed");
        Assert.Equal([2], ctx.Master.LiveWorkers);
    }

    [Fact]
    public void LosingEveryWorkerFailsWithAMessageNamingTheLostWorker()
    {
        using SpartanContext ctx = Start(out LocalWorker[] locals);
        DistArray x = Source().Evaluate();
        foreach (LocalWorker w in locals)
        {
            w.Kill();
        }

        SpartanException e = Assert.ThrowsAny<SpartanException>(() => (x * 2).Glom());
        Assert.Contains("lost", e.Message, StringComparison.Ordinal);
        Assert.Contains("worker", e.Message, StringComparison.Ordinal);
        Assert.Empty(ctx.Master.LiveWorkers);
    }

    [Fact]
    public async Task ADeadWorkerFailsEveryCallWithWorkerLostAndRejectsLateWrites()
    {
        var w = new LocalWorker(0, _ => throw new InvalidOperationException("no peers"), incarnation: 4);
        var extent = TileExtent.Whole(new Shape(2));
        var tile = new StoredTile(extent, NDArray.Empty(new Shape(2), DType.Float64));
        await w.CreateAsync(new TileId(1, 0, 0, 4), tile);
        // A write addressed to an older incarnation is refused even while the worker lives.
        await Assert.ThrowsAsync<InvalidOperationException>(() => w.CreateAsync(new TileId(2, 0, 0, 3), tile));
        w.Kill();
        Assert.Equal(0, w.Status().Tiles);
        Assert.False(w.Status().Alive);
        WorkerLostException lost = await Assert.ThrowsAsync<WorkerLostException>(() => w.CreateAsync(new TileId(3, 0, 0, 4), tile));
        Assert.Equal(0, lost.WorkerId);
        await Assert.ThrowsAsync<WorkerLostException>(() => w.GetRegionAsync(new TileId(1, 0, 0, 4), extent));
        await Assert.ThrowsAsync<WorkerLostException>(() => w.RunAsync([]));
    }

    private static Expr Source() => Sp.Rand((600, 50), seed: 21);

    /// <summary>Elementwise, reductions, a user kernel and an iterative r = f(r).Evaluate() loop, each gathered.</summary>
    private static NDArray[] Workload(Expr x)
    {
        Expr y = Sp.Randn((600, 50), seed: 22);
        var results = new List<NDArray>
        {
            (Sp.Square((x * 2) - y) + (Sp.Sqrt(x) / (Sp.Abs(y) + 1))).Glom(),
            x.Sum().Glom(),
            x.Sum(axis: 0).Glom(),
            (x - y).Mean(axis: 1).Glom(),
            y.ArgMax().Glom(),
            y.Std().Glom(),
            Sp.Map(x, Kernel).Sum(axis: 1).Glom(),
        };
        DistArray r = (x + 0).Evaluate();
        for (int i = 0; i < 4; i++)
        {
            r = ((r * 0.5) + Sp.Map(r, Kernel) - y.Mean()).Evaluate();
        }

        results.Add(r.Glom());
        results.Add(r.Sum().Glom());
        return [.. results];
    }

    private static NDArray Kernel(NDArray t)
    {
        if (Interlocked.Exchange(ref s_armed, 0) == 1)
        {
            s_victim?.Kill();
        }

        var o = NDArray.Empty(t.Shape, DType.Float64);
        Span<double> dst = o.AsSpan<double>();
        ReadOnlySpan<double> src = t.AsSpan<double>();
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = (src[i] * src[i]) + 0.25;
        }

        return o;
    }

    private static NDArray[] Undisturbed()
    {
        using SpartanContext ctx = Start(out _);
        return Workload(Source());
    }

    private static SpartanContext Start(out LocalWorker[] locals, Func<int, IWorker, IWorker>? decorate = null)
    {
        var workers = new LocalWorker[Workers];
        for (int i = 0; i < Workers; i++)
        {
            workers[i] = new LocalWorker(i, id => workers[id]);
        }

        locals = workers;
        IWorker[] exposed = workers.Select((w, i) => decorate?.Invoke(i, w) ?? w).ToArray();
        return SpartanContext.Start(exposed, new SpartanOptions { Workers = Workers, MinTileElements = 500 });
    }

    private static void AssertSame(NDArray[] expected, NDArray[] actual, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].Shape == actual[i].Shape && expected[i].DType == actual[i].DType, $"{what}: result {i} is {actual[i].DType}{actual[i].Shape}, expected {expected[i].DType}{expected[i].Shape}");
            Assert.True(expected[i].AsBytes().SequenceEqual(actual[i].AsBytes()), $"{what}: result {i} differs from the undisturbed run");
        }
    }

    /// <summary>Forwards to a local worker, and kills it when its <c>n</c>th batch arrives (the batch then fails with
    /// <see cref="WorkerLostException"/>, as a dead remote worker's would).</summary>
    private sealed class KillOnNthRun(IWorker inner, int n) : IWorker
    {
        private int _runs;

        public int Id => inner.Id;

        public int Incarnation => inner.Incarnation;

        public Task CreateAsync(TileId id, StoredTile tile, CancellationToken ct = default) => inner.CreateAsync(id, tile, ct);

        public Task DestroyAsync(IReadOnlyList<TileId> ids, CancellationToken ct = default) => inner.DestroyAsync(ids, ct);

        public Task<TileLease> GetRegionAsync(TileId id, TileExtent region, CancellationToken ct = default) => inner.GetRegionAsync(id, region, ct);

        public Task UpdateAsync(TileId id, TileExtent region, NDArray data, ReduceOp reducer, CancellationToken ct = default) => inner.UpdateAsync(id, region, data, reducer, ct);

        public Task<TileResult[]> RunAsync(IReadOnlyList<TileTask> batch, CancellationToken ct = default)
        {
            if (Interlocked.Increment(ref _runs) == n)
            {
                ((LocalWorker)inner).Kill();
            }

            return inner.RunAsync(batch, ct);
        }

        public Task<NDArray> TileOpAsync(TileTask task, CancellationToken ct = default) => inner.TileOpAsync(task, ct);

        public WorkerStatus Status() => inner.Status();
    }
}
