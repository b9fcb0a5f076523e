using System.Collections.Concurrent;

namespace Spartan.Runtime;

/// <summary>
/// Schedules tile tasks on workers, through <see cref="IWorker"/> only. Tasks go to a worker in one batch per
/// stage, so the per-task cost is a few small objects, not a message each. Tile g of every array lives on worker
/// g mod W, so same-grid elementwise work moves nothing.
/// </summary>
internal sealed class Master
{
    private readonly ConcurrentQueue<TileId[]> _releases = new();
    private long _nextArrayId;
    private int _draining;
    private int _running;

    public Master(IReadOnlyList<IWorker> workers)
    {
        Workers = workers;
    }

    public IReadOnlyList<IWorker> Workers { get; }

    public int WorkerCount => Workers.Count;

    public int RunningOperations => Volatile.Read(ref _running);

    public long NewArrayId() => Interlocked.Increment(ref _nextArrayId);

    /// <summary>The id tile <paramref name="index"/> of array <paramref name="arrayId"/> gets: on worker index mod W.</summary>
    public TileId TileIdFor(long arrayId, int index)
    {
        IWorker w = Workers[index % Workers.Count];
        return new TileId(arrayId, index, w.Id, w.Incarnation);
    }

    public TileId[] TileIdsFor(long arrayId, int count)
    {
        var ids = new TileId[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = TileIdFor(arrayId, i);
        }

        return ids;
    }

    /// <summary>Runs tasks, each on the worker of its first output, one batch per worker, and waits for all.</summary>
    public async Task RunAsync(IReadOnlyList<TileTask> tasks, CancellationToken ct)
    {
        DrainReleases();
        if (tasks.Count == 0)
        {
            return;
        }

        Interlocked.Increment(ref _running);
        try
        {
            var batches = new List<TileTask>?[Workers.Count];
            foreach (TileTask t in tasks)
            {
                (batches[t.Outputs[0].Worker] ??= []).Add(t);
            }

            var running = new List<Task>(Workers.Count);
            for (int w = 0; w < batches.Length; w++)
            {
                if (batches[w] is { } b)
                {
                    running.Add(Workers[w].RunAsync(b, ct));
                }
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>Reads a region of one stored tile.</summary>
    public Task<TileLease> ReadAsync(TileId id, TileExtent region, CancellationToken ct) => Workers[id.Worker].GetRegionAsync(id, region, ct);

    /// <summary>Stores a tile made by the driver (FromArray) on its worker.</summary>
    public Task StoreAsync(TileId id, StoredTile tile, CancellationToken ct) => Workers[id.Worker].CreateAsync(id, tile, ct);

    /// <summary>Queues tiles for destruction; safe from finalizers (no blocking, no allocation beyond the queue node).</summary>
    public void QueueRelease(TileId[] tiles)
    {
        _releases.Enqueue(tiles);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static m => ((Master)m!).DrainReleases(), this);
        }
    }

    /// <summary>Destroys every queued tile on its worker now.</summary>
    public void DrainReleases()
    {
        Volatile.Write(ref _draining, 0);
        if (_releases.IsEmpty)
        {
            return;
        }

        var perWorker = new List<TileId>?[Workers.Count];
        while (_releases.TryDequeue(out TileId[]? ids))
        {
            foreach (TileId id in ids)
            {
                if (id.Worker < perWorker.Length)
                {
                    (perWorker[id.Worker] ??= []).Add(id);
                }
            }
        }

        for (int w = 0; w < perWorker.Length; w++)
        {
            if (perWorker[w] is { } list)
            {
                // Local destroys complete synchronously; a remote worker's failure to destroy only leaks until it restarts.
                _ = Workers[w].DestroyAsync(list);
            }
        }
    }

    public ClusterStatus Status() => new(Workers.Select(w => w.Status()).ToList(), RunningOperations);
}
