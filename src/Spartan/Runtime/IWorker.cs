namespace Spartan.Runtime;

/// <summary>
/// A worker owns tiles and runs kernels on them: the original's BlobCtx. The master talks to workers only through
/// this interface, so an in-process <see cref="LocalWorker"/> and a remote (Orleans) worker are interchangeable.
/// Every member carries data only, never delegates.
/// </summary>
public interface IWorker
{
    /// <summary>The worker's index in its context (0..W-1).</summary>
    int Id { get; }

    /// <summary>The worker's incarnation; it changes when the worker is restarted.</summary>
    int Incarnation { get; }

    /// <summary>Stores a tile (create).</summary>
    Task CreateAsync(TileId id, StoredTile tile, CancellationToken ct = default);

    /// <summary>Drops tiles; unknown ids are ignored (destroy).</summary>
    Task DestroyAsync(IReadOnlyList<TileId> ids, CancellationToken ct = default);

    /// <summary>Reads a region of a stored tile (get).</summary>
    Task<TileLease> GetRegionAsync(TileId id, TileExtent region, CancellationToken ct = default);

    /// <summary>Combines <paramref name="data"/> into a region of a stored tile with <paramref name="reducer"/>
    /// (update). <see cref="ReduceOp.Replace"/> overwrites.</summary>
    Task UpdateAsync(TileId id, TileExtent region, NDArray data, ReduceOp reducer, CancellationToken ct = default);

    /// <summary>Runs a batch of tasks and stores their outputs (run kernel on tiles).</summary>
    Task<TileResult[]> RunAsync(IReadOnlyList<TileTask> batch, CancellationToken ct = default);

    /// <summary>Runs a kernel on the given inputs and returns its output to the caller instead of storing it (tile-op).</summary>
    Task<NDArray> TileOpAsync(TileTask task, CancellationToken ct = default);

    /// <summary>What the worker holds and how it is doing.</summary>
    WorkerStatus Status();
}

/// <summary>A worker's state, as the original's WorkerStatus.</summary>
/// <param name="Id">The worker index.</param>
/// <param name="Host">The host it runs on.</param>
/// <param name="Alive">Whether it answers.</param>
/// <param name="LastHeartbeat">When it last answered.</param>
/// <param name="Tiles">Tiles held.</param>
/// <param name="Bytes">Bytes held.</param>
/// <param name="TasksRun">Tasks run since start.</param>
public sealed record WorkerStatus(int Id, string Host, bool Alive, DateTimeOffset LastHeartbeat, int Tiles, long Bytes, long TasksRun);

/// <summary>The state of a whole context.</summary>
/// <param name="Workers">One entry per worker.</param>
/// <param name="RunningOperations">Evaluations in progress.</param>
public sealed record ClusterStatus(IReadOnlyList<WorkerStatus> Workers, int RunningOperations);
