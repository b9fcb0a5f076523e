namespace Spartan.Cluster.Tests;

/// <summary>Cluster mode through a real Redis membership table (three worker processes, no primary silo): results
/// identical to the embedded engine, a worker SIGKILLed mid-evaluation changes nothing, and a restarted worker rejoins
/// and is used by drivers that connect after it.</summary>
public sealed class RedisMembershipTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(90);
    private static readonly Lazy<NDArray[]> s_embeddedMix = new(() => ResultAssert.Embedded(RedisClusterFixture.Workers, ResultAssert.Mix));

    [Fact]
    public void ResultsMatchEmbedded()
    {
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        Assert.Equal(RedisClusterFixture.Workers, ctx.NumWorkers);
        ResultAssert.Same(s_embeddedMix.Value, ResultAssert.Mix());
    }

    [Fact]
    public async Task AKilledWorkerChangesNoAnswerAndARestartedOneRejoins()
    {
        NDArray[] embedded;
        using (SpartanContext.StartLocal(RedisClusterFixture.Workers))
        {
            embedded = await Workload(kill: null);
        }

        using SpartanContext old = SpartanCluster.Connect(cluster.Options());
        Assert.Equal(RedisClusterFixture.Workers, old.NumWorkers);
        // Worker 0 registered first; with Redis it holds nothing special, so losing it leaves membership working.
        ResultAssert.Same(embedded, await Workload(kill: () => cluster.KillWorker(0)));

        // A new process takes its place through Redis; a driver that connects now uses all three workers.
        await cluster.RestartWorker(0);
        using (SpartanContext fresh = SpartanCluster.Connect(cluster.Options()))
        {
            Assert.Equal(RedisClusterFixture.Workers, fresh.NumWorkers);
            Assert.All(fresh.Status().Workers, w => Assert.True(w.Alive, $"worker {w.Id} is not alive"));
            ResultAssert.Same(s_embeddedMix.Value, ResultAssert.Mix());
        }

        // The driver connected before keeps working on the two workers it had left (it does not adopt the new one).
        Assert.Equal(499500L, Sp.Arange(1000).Sum().Glom().ToScalar<long>());
        Assert.Equal(RedisClusterFixture.Workers - 1, old.Status().Workers.Count(w => w.Alive));
    }

    [Fact]
    public void AnotherSecretFindsNoWorkerInTheTableAndIsRefusedFast()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        SpartanException e = Assert.Throws<SpartanException>(() => SpartanCluster.Connect(new SpartanOptions { Membership = cluster.Membership, Secret = "not-the-secret" }));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"refusing took {watch.Elapsed}");
        Assert.Contains("no worker is registered there under this client's secret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>An iterative r = f(r) loop with a user kernel, then reductions; <paramref name="kill"/> runs while
    /// the second step is being evaluated.</summary>
    private static async Task<NDArray[]> Workload(Action? kill)
    {
        Expr x = Sp.Rand((900, 100), seed: 41);
        DistArray r = await (x + 0).EvaluateAsync();
        for (int step = 0; step < 4; step++)
        {
            Task<DistArray> next = ((Kernels.Churn(r, 200) * 0.5) + x).EvaluateAsync();
            if (step == 1)
            {
                kill?.Invoke();
            }

            try
            {
                r = await next.WaitAsync(s_step);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"step {step} did not finish within {s_step.TotalSeconds:F0} s{(kill is null ? "" : " (a worker was killed at step 1)")}");
            }
        }

        return [r.Glom(), r.Sum(axis: 0).Glom(), (r - x).Sum().Glom()];
    }
}
