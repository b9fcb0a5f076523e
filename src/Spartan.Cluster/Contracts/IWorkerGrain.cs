using Orleans.Concurrency;

namespace Spartan.Cluster.Contracts;

/// <summary>
/// The worker grain: one per worker silo, keyed by that silo's address (<c>SiloAddress.ToParsableString()</c>) and
/// pinned to it. Payloads are the hand-written wire format (<see cref="Wire.WireCodec"/>) as byte arrays, so Orleans
/// copies them as one block and never sees our types. Every driver connection is a session with its own worker
/// index and tile store on the worker.
/// </summary>
internal interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Joins a driver session as worker <paramref name="workerId"/>; <paramref name="peers"/> are the grain
    /// keys of every worker of the session, by index. Returns the worker's incarnation.</summary>
    Task<int> Attach(Guid session, int workerId, string[] peers, int wireVersion);

    /// <summary>Leaves a session and frees its tiles.</summary>
    Task Detach(Guid session);

    /// <summary>Whether the worker lacks the module with this version id (so the driver must send it).</summary>
    [AlwaysInterleave]
    Task<bool> NeedsModule(Guid mvid);

    /// <summary>Loads a user assembly (its bytes) in a collectible load context.</summary>
    [ResponseTimeout("00:05:00")]
    Task LoadModule(Guid mvid, string name, byte[] assembly);

    /// <summary>Stores a tile: <see cref="Wire.WireCodec.EncodeCreate"/>.</summary>
    [ResponseTimeout("00:10:00")]
    Task Create(Guid session, byte[] payload);

    /// <summary>Drops tiles: <see cref="Wire.WireCodec.EncodeIds"/>.</summary>
    [AlwaysInterleave]
    Task Destroy(Guid session, byte[] payload);

    /// <summary>Reads a region: <see cref="Wire.WireCodec.EncodeRegionRequest"/> in, an encoded array out.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:10:00")]
    Task<byte[]> GetRegion(Guid session, byte[] payload);

    /// <summary>Updates a region of a tile: <see cref="Wire.WireCodec.EncodeUpdate"/>.</summary>
    [ResponseTimeout("00:10:00")]
    Task Update(Guid session, byte[] payload);

    /// <summary>Runs a batch of tasks: <see cref="Wire.WireCodec.EncodeBatch"/> in, encoded results out.</summary>
    [ResponseTimeout("06:00:00")]
    Task<byte[]> Run(Guid session, byte[] payload);

    /// <summary>Runs one task and returns its output: an encoded task in, an encoded array out.</summary>
    [ResponseTimeout("06:00:00")]
    Task<byte[]> TileOp(Guid session, byte[] payload);

    /// <summary>The "ip:port" of the worker process's data plane (region reads over TCP, docs/cluster.md), or null
    /// when it has none.</summary>
    [AlwaysInterleave]
    Task<string?> DataEndpoint();

    /// <summary>What the worker holds and how its process is doing.</summary>
    [AlwaysInterleave]
    Task<WorkerReport> Report();
}

/// <summary>A worker's report (the original's WorkerStatus plus process figures).</summary>
/// <param name="Host">Machine name.</param>
/// <param name="ProcessId">The worker process id.</param>
/// <param name="Tiles">Tiles held, over every session.</param>
/// <param name="Bytes">Bytes held.</param>
/// <param name="TasksRun">Tasks run since start.</param>
/// <param name="CpuPercent">CPU use since the previous report, in percent of one core.</param>
/// <param name="MemoryBytes">The process working set.</param>
/// <param name="Sessions">Driver sessions attached.</param>
/// <param name="DataEndpoint">The data plane's "ip:port", or null.</param>
/// <param name="DataPlaneReads">Region reads served over the data plane since start.</param>
/// <param name="DataPlaneBytes">Data bytes sent over the data plane since start.</param>
[GenerateSerializer]
[Immutable]
internal sealed record WorkerReport(
    [property: Id(0)] string Host,
    [property: Id(1)] int ProcessId,
    [property: Id(2)] int Tiles,
    [property: Id(3)] long Bytes,
    [property: Id(4)] long TasksRun,
    [property: Id(5)] double CpuPercent,
    [property: Id(6)] long MemoryBytes,
    [property: Id(7)] int Sessions,
    [property: Id(8)] string? DataEndpoint,
    [property: Id(9)] long DataPlaneReads,
    [property: Id(10)] long DataPlaneBytes);
