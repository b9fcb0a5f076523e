namespace Spartan.Cluster.Tests;

/// <summary>
/// A production-shaped cluster: a real redis-server holds the membership table and three `spartan worker
/// --membership redis://...` processes join through it. There is no primary silo, so any worker can die without
/// taking membership down. Each process is `dotnet spartan.dll`; readiness is its printed line, every wait has a
/// timeout that names what it waited for.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public const int Workers = 3;
    private static readonly TimeSpan s_ready = TimeSpan.FromSeconds(90);
    private readonly List<ClusterFixture.ChildProcess> _workers = [];
    private RedisServer? _redis;

    public string Secret { get; } = "redis-tests-" + Guid.NewGuid().ToString("N");

    public string Membership => _redis?.Url ?? throw new InvalidOperationException("Redis is not started");

    public SpartanOptions Options() => new() { Membership = Membership, Secret = Secret };

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ClusterFixture.CliPath), $"the spartan CLI is not built at {ClusterFixture.CliPath}");
        _redis = await RedisServer.StartAsync(TimeSpan.FromSeconds(30));
        try
        {
            for (int i = 0; i < Workers; i++)
            {
                _workers.Add(StartWorker(i));
            }

            foreach (ClusterFixture.ChildProcess w in _workers)
            {
                await w.WaitForLine("worker ready:", s_ready);
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILLs worker process <paramref name="index"/> and waits until it has exited.</summary>
    public void KillWorker(int index) => _workers[index].KillNow();

    /// <summary>Starts a new worker process in place of <paramref name="index"/> (on a new port) and waits until it
    /// has joined through Redis.</summary>
    public async Task RestartWorker(int index)
    {
        _workers[index].Kill();
        _workers[index] = StartWorker(index);
        await _workers[index].WaitForLine("worker ready:", s_ready);
    }

    public Task DisposeAsync()
    {
        foreach (ClusterFixture.ChildProcess w in _workers)
        {
            w.Kill();
        }

        _workers.Clear();
        _redis?.Dispose();
        _redis = null;
        return Task.CompletedTask;
    }

    private ClusterFixture.ChildProcess StartWorker(int index)
    {
        var env = new Dictionary<string, string> { ["SPARTAN_SECRET"] = Secret };
        var child = new ClusterFixture.ChildProcess($"redis worker {index}", new System.Diagnostics.Process { StartInfo = ClusterFixture.StartInfo(env, ["worker", "--membership", Membership]) });
        child.Start();
        return child;
    }
}
