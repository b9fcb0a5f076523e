using Orleans.Concurrency;
using Spartan.Cluster.Contracts;
using Spartan.Cluster.Placement;
using Spartan.Cluster.Wire;
using Spartan.Runtime;

namespace Spartan.Cluster.Worker;

/// <summary>
/// The worker grain of one silo. It is reentrant: all its state is the thread-safe <see cref="WorkerRuntime"/>, and a
/// worker busy running a batch must still serve region reads to its peers (whose kernels wait on them) and status
/// requests. Decoding, kernels and reads run off the grain turn: kernels on the <see cref="KernelPool"/> (inside
/// <see cref="LocalWorker"/>), decoding and reads on the .NET thread pool. Reads must not use the KernelPool: two
/// workers whose kernel threads all wait on each other's reads would deadlock.
/// </summary>
[SiloPinnedPlacement]
[Reentrant]
internal sealed class WorkerGrain(WorkerRuntime runtime) : Grain, IWorkerGrain
{
    public Task<int> Attach(Guid session, int workerId, string[] peers, int wireVersion)
    {
        if (wireVersion != WireCodec.Version)
        {
            throw new SpartanException($"the driver speaks cluster wire version {wireVersion}, this worker {WireCodec.Version}: run the same Spartan version on both");
        }

        return Task.FromResult(runtime.Attach(session, workerId, peers));
    }

    public Task Detach(Guid session)
    {
        runtime.Detach(session);
        return Task.CompletedTask;
    }

    public Task<bool> NeedsModule(Guid mvid) => Task.FromResult(ShippedModules.Needs(mvid));

    public Task LoadModule(Guid mvid, string name, byte[] assembly) => Task.Run(() => ShippedModules.Load(mvid, name, assembly));

    public Task Create(Guid session, byte[] payload) => Task.Run(() =>
    {
        (TileId id, StoredTile tile) = WireCodec.DecodeCreate(payload);
        return runtime.Session(session).CreateAsync(id, tile);
    });

    public Task Destroy(Guid session, byte[] payload) => Task.Run(() => runtime.Session(session).DestroyAsync(WireCodec.DecodeIds(payload)));

    public Task<byte[]> GetRegion(Guid session, byte[] payload) => Task.Run(async () =>
    {
        (TileId id, TileExtent region) = WireCodec.DecodeRegionRequest(payload);
        using TileLease lease = await runtime.Session(session).GetRegionAsync(id, region);
        return WireCodec.EncodeArray(lease.Data);
    });

    public Task Update(Guid session, byte[] payload) => Task.Run(() =>
    {
        (TileId id, TileExtent region, NDArray data, ReduceOp reducer) = WireCodec.DecodeUpdate(payload);
        return runtime.Session(session).UpdateAsync(id, region, data, reducer);
    });

    public Task<byte[]> Run(Guid session, byte[] payload) => Task.Run(async () =>
    {
        TileTask[] batch = WireCodec.DecodeBatch(payload);
        TileResult[] results = await runtime.Session(session).RunAsync(batch);
        return WireCodec.EncodeResults(results);
    });

    public Task<byte[]> TileOp(Guid session, byte[] payload) => Task.Run(async () =>
    {
        TileTask task = WireCodec.DecodeTask(payload);
        NDArray output = await runtime.Session(session).TileOpAsync(task);
        return WireCodec.EncodeArray(output);
    });

    public Task<string?> DataEndpoint() => Task.FromResult<string?>(runtime.DataPlane.Endpoint);

    public Task<WorkerReport> Report() => Task.FromResult(runtime.Report());
}
