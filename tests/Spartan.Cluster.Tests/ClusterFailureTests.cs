using Spartan.Runtime;

namespace Spartan.Cluster.Tests;

/// <summary>A worker process SIGKILLed in the middle of an evaluation: the driver learns it from membership (or from
/// the broken connection), rebuilds the lost tiles from lineage on the two survivors, and gives exactly the answer of
/// the embedded engine with 3 workers. This class has its own cluster (xUnit makes one fixture per class), because
/// it kills one of its workers.</summary>
public sealed class ClusterFailureTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AWorkerKilledDuringAnEvaluationDoesNotChangeTheAnswer()
    {
        NDArray[] embedded;
        using (SpartanContext.StartLocal(ClusterFixture.Workers))
        {
            embedded = await Workload(kill: null);
        }

        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        Assert.Equal(ClusterFixture.Workers, ctx.NumWorkers);
        NDArray[] actual = await Workload(kill: () => cluster.KillWorker(1));
        Assert.Equal(embedded.Length, actual.Length);
        for (int i = 0; i < embedded.Length; i++)
        {
            Assert.True(embedded[i].Shape == actual[i].Shape && embedded[i].DType == actual[i].DType, $"result {i}: {actual[i].DType}{actual[i].Shape}, embedded {embedded[i].DType}{embedded[i].Shape}");
            Assert.True(embedded[i].ToArray<double>().AsSpan().SequenceEqual(actual[i].ToArray<double>()), $"result {i} differs from the embedded engine's");
        }

        ClusterStatus status = ctx.Status();
        Assert.Equal(ClusterFixture.Workers - 1, status.Workers.Count(w => w.Alive));
        // The master itself dropped the dead worker (it reports lost workers without asking them).
        Assert.Equal(1, status.Workers.Count(w => w.Host == "lost"));
    }

    /// <summary>An iterative r = f(r) loop with a user kernel, then reductions; <paramref name="kill"/> runs while
    /// the third step is being evaluated (its first batches are already on the workers).</summary>
    private static async Task<NDArray[]> Workload(Action? kill)
    {
        Expr x = Sp.Rand((1500, 120), seed: 31);
        DistArray r = await (x + 0).EvaluateAsync();
        for (int step = 0; step < 5; step++)
        {
            Task<DistArray> next = ((Kernels.Churn(r, 300) * 0.5) + x).EvaluateAsync();
            if (step == 2)
            {
                kill?.Invoke();
            }

            try
            {
                r = await next.WaitAsync(s_step);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"step {step} of the loop did not finish within {s_step.TotalSeconds:F0} s{(kill is null ? "" : " (a worker was killed at step 2)")}");
            }
        }

        return
        [
            r.Glom(),
            r.Sum(axis: 0).Glom(),
            (r - x).Sum().Glom(),
            x.Mean(axis: 1).Glom(),
        ];
    }
}
