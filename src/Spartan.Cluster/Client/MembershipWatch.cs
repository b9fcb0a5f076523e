namespace Spartan.Cluster.Client;

/// <summary>
/// The driver's view of cluster membership. Orleans fails a pending call to a dead silo only at the call's response
/// timeout (hours for a batch), so the driver polls membership itself, once per heartbeat interval, and declares
/// every attached worker whose silo is no longer active lost: its pending calls fail at once with
/// <see cref="WorkerLostException"/> and the master stops placing tiles on it.
/// </summary>
internal sealed class MembershipWatch : IAsyncDisposable
{
    private static readonly TimeSpan s_pollTimeout = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MembershipWatch(ClusterConnection connection, IReadOnlyList<RemoteWorker> workers, TimeSpan interval, Action<int> lost)
    {
        _loop = Task.Run(() => Loop(connection, workers, interval, lost, _stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static async Task Loop(ClusterConnection connection, IReadOnlyList<RemoteWorker> workers, TimeSpan interval, Action<int> lost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            HashSet<string> active;
            try
            {
                List<WorkerSilo> silos = await connection.WorkersAsync().WaitAsync(s_pollTimeout, stop).ConfigureAwait(false);
                active = silos.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Membership did not answer this time (the silo that served it may be the one that died): ask again.
                continue;
            }

            for (int i = 0; i < workers.Count; i++)
            {
                if (!workers[i].IsLost && !active.Contains(workers[i].Address))
                {
                    lost(i);
                }
            }
        }
    }
}
