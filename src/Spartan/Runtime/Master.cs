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
    private readonly int[] _lost;
    private readonly object _membership = new();
    private volatile int[] _live;
    private TaskCompletionSource _nextLoss = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Master(IReadOnlyList<IWorker> workers)
    {
        Workers = workers;
        _lost = new int[workers.Count];
        _live = Enumerable.Range(0, workers.Count).ToArray();
    }

    /// <summary>Every worker the context started with, live or lost, indexed by worker id.</summary>
    public IReadOnlyList<IWorker> Workers { get; }

    /// <summary>The number of workers the context started with. Tiling depends on it (not on the live count), so a
    /// recovery never re-tiles and reductions keep their order of operations.</summary>
    public int WorkerCount => Workers.Count;

    /// <summary>The ids of the workers still live, ascending.</summary>
    public IReadOnlyList<int> LiveWorkers => _live;

    /// <summary>Completes when the next worker is declared lost.</summary>
    public Task NextLoss
    {
        get
        {
            lock (_membership)
            {
                return _nextLoss.Task;
            }
        }
    }

    /// <summary>Raised once per worker when it is declared lost.</summary>
    public event Action<int>? WorkerLost;

    public bool IsLive(int worker) => worker >= 0 && worker < _lost.Length && Volatile.Read(ref _lost[worker]) == 0;

    /// <summary>Whether <paramref name="id"/> still names a stored tile: its worker is live, in the same incarnation.</summary>
    public bool IsLive(TileId id) => IsLive(id.Worker) && Workers[id.Worker].Incarnation == id.Incarnation;

    /// <summary>Declares worker <paramref name="worker"/> lost: placement skips it from now on, and every tile it held
    /// counts as lost. Returns whether it was live until now.</summary>
    public bool MarkLost(int worker)
    {
        if (worker < 0 || worker >= _lost.Length)
        {
            return false;
        }

        TaskCompletionSource signal;
        lock (_membership)
        {
            if (_lost[worker] != 0)
            {
                return false;
            }

            Volatile.Write(ref _lost[worker], 1);
            _live = _live.Where(w => w != worker).ToArray();
            signal = _nextLoss;
            _nextLoss = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        WorkerLost?.Invoke(worker);
        signal.TrySetResult();
        return true;
    }

    /// <summary>Throws a <see cref="SpartanException"/> naming the lost workers when none is left.</summary>
    public void ThrowIfNoneLive()
    {
        if (_live.Length == 0)
        {
            string lost = string.Join(", ", Enumerable.Range(0, _lost.Length).Select(w => $"worker {w}"));
            throw new SpartanException($"every worker of this context is lost ({lost}); nothing is left to run on");
        }
    }

    /// <summary>The worker a tile goes to: <paramref name="preferred"/> while it is live, else live worker
    /// <paramref name="index"/> mod W_live.</summary>
    public int Place(int preferred, int index)
    {
        if (IsLive(preferred))
        {
            return preferred;
        }

        int[] live = _live;
        if (live.Length == 0)
        {
            ThrowIfNoneLive();
        }

        return live[index % live.Length];
    }

    public int RunningOperations => Volatile.Read(ref _running);

    public long NewArrayId() => Interlocked.Increment(ref _nextArrayId);

    /// <summary>The id tile <paramref name="index"/> of array <paramref name="arrayId"/> gets: on live worker
    /// index mod W_live (worker index mod W while every worker is live).</summary>
    public TileId TileIdFor(long arrayId, int index)
    {
        int[] live = _live;
        if (live.Length == 0)
        {
            ThrowIfNoneLive();
        }

        IWorker w = Workers[live[index % live.Length]];
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
                ThrowIfLost(t.Outputs[0]);
                foreach (TileInput input in t.Inputs)
                {
                    foreach (TilePiece p in input.Pieces)
                    {
                        ThrowIfLost(p.Tile);
                    }
                }

                (batches[t.Outputs[0].Worker] ??= []).Add(t);
            }

            var running = new List<(int Worker, Task Run)>(Workers.Count);
            for (int w = 0; w < batches.Length; w++)
            {
                if (batches[w] is { } b)
                {
                    running.Add((w, Guard(w, Workers[w].RunAsync(b, ct))));
                }
            }

            try
            {
                await Task.WhenAll(running.Select(r => r.Run)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not WorkerLostException)
            {
                // A lost worker anywhere in the stage is what the evaluator must hear about (it retries), even when
                // another worker's batch failed first because it could not read from the lost one.
                foreach ((int _, Task run) in running)
                {
                    if (run.IsFaulted && WorkerLostException.Find(run.Exception) is { } lost)
                    {
                        throw lost;
                    }
                }

                throw;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>Reads a region of one stored tile.</summary>
    public Task<TileLease> ReadAsync(TileId id, TileExtent region, CancellationToken ct)
    {
        ThrowIfLost(id);
        return Guard(id.Worker, Workers[id.Worker].GetRegionAsync(id, region, ct));
    }

    /// <summary>Stores a tile made by the driver (FromArray) on its worker.</summary>
    public Task StoreAsync(TileId id, StoredTile tile, CancellationToken ct)
    {
        ThrowIfLost(id);
        return Guard(id.Worker, Workers[id.Worker].CreateAsync(id, tile, ct));
    }

    /// <summary>Throws <see cref="WorkerLostException"/> when <paramref name="id"/>'s worker is lost.</summary>
    public void ThrowIfLost(TileId id)
    {
        if (!IsLive(id))
        {
            throw new WorkerLostException(id.Worker, $"tile {id} is lost: worker {id.Worker} incarnation {id.Incarnation} is no longer live");
        }
    }

    /// <summary>Marks the lost worker when <paramref name="call"/> (made to worker <paramref name="worker"/>) fails
    /// because a worker is lost: the one the exception names, else <paramref name="worker"/> itself.</summary>
    private async Task Guard(int worker, Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (WorkerLostException.Find(e) is { } lost)
        {
            throw Lost(lost, worker);
        }
    }

    private async Task<T> Guard<T>(int worker, Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (WorkerLostException.Find(e) is { } lost)
        {
            throw Lost(lost, worker);
        }
    }

    /// <summary>Marks the worker <paramref name="lost"/> names (or the callee when it names none) and returns the
    /// exception with the worker's id filled in.</summary>
    private WorkerLostException Lost(WorkerLostException lost, int callee)
    {
        int id = lost.WorkerId >= 0 ? lost.WorkerId : callee;
        MarkLost(id);
        return lost.WorkerId >= 0 ? lost : new WorkerLostException(id, lost.Message, lost);
    }

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
                if (id.Worker < perWorker.Length && IsLive(id.Worker))
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

    public ClusterStatus Status() => new(
        Workers.Select(w => IsLive(w.Id) ? w.Status() : new WorkerStatus(w.Id, "lost", false, DateTimeOffset.MinValue, 0, 0, 0)).ToList(),
        RunningOperations);
}
