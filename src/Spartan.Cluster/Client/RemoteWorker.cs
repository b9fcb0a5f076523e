using Spartan.Cluster.Contracts;
using Spartan.Cluster.Wire;
using Spartan.Runtime;

namespace Spartan.Cluster.Client;

/// <summary>
/// An <see cref="IWorker"/> over a worker grain: the driver's view of a worker process, and a worker's view of its
/// peers. Every call encodes its records with <see cref="WireCodec"/>; before running user kernels it makes sure the
/// worker has their assemblies.
/// </summary>
internal sealed class RemoteWorker : IWorker
{
    private static readonly TimeSpan s_statusTimeout = TimeSpan.FromSeconds(5);
    private readonly IWorkerGrain _grain;
    private readonly string _key;
    private readonly Guid _session;
    private readonly ModuleShipper? _shipper;
    private string _host;
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.UtcNow;

    public RemoteWorker(IWorkerGrain grain, string key, Guid session, int id, int incarnation, string host, ModuleShipper? shipper)
    {
        _grain = grain;
        _key = key;
        _session = session;
        Id = id;
        Incarnation = incarnation;
        _host = host;
        _shipper = shipper;
    }

    public int Id { get; }

    public int Incarnation { get; }

    /// <summary>The worker's silo address (its grain key).</summary>
    public string Address => _key;

    public Task CreateAsync(TileId id, StoredTile tile, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tile);
        ct.ThrowIfCancellationRequested();
        return Call(_grain.Create(_session, WireCodec.EncodeCreate(id, tile)));
    }

    public async Task DestroyAsync(IReadOnlyList<TileId> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        try
        {
            await _grain.Destroy(_session, WireCodec.EncodeIds(ids)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Destroys are fire-and-forget (Master.DrainReleases): a worker that cannot free tiles only leaks them
            // until it restarts, and that must not surface as an unobserved task exception.
        }
    }

    public async Task<TileLease> GetRegionAsync(TileId id, TileExtent region, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        byte[] data = await Call(_grain.GetRegion(_session, WireCodec.EncodeRegionRequest(id, region))).ConfigureAwait(false);
        return new TileLease(WireCodec.DecodeArray(data));
    }

    public Task UpdateAsync(TileId id, TileExtent region, NDArray data, ReduceOp reducer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ct.ThrowIfCancellationRequested();
        return Call(_grain.Update(_session, WireCodec.EncodeUpdate(id, region, data, reducer)));
    }

    public async Task<TileResult[]> RunAsync(IReadOnlyList<TileTask> batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ct.ThrowIfCancellationRequested();
        byte[] payload = WireCodec.EncodeBatch(batch);
        if (_shipper is not null)
        {
            await _shipper.EnsureAsync(_grain, _key, batch).ConfigureAwait(false);
        }

        return WireCodec.DecodeResults(await Call(_grain.Run(_session, payload)).ConfigureAwait(false));
    }

    public async Task<NDArray> TileOpAsync(TileTask task, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ct.ThrowIfCancellationRequested();
        byte[] payload = WireCodec.EncodeTask(task);
        if (_shipper is not null)
        {
            await _shipper.EnsureAsync(_grain, _key, [task]).ConfigureAwait(false);
        }

        return WireCodec.DecodeArray(await Call(_grain.TileOp(_session, payload)).ConfigureAwait(false));
    }

    public WorkerStatus Status()
    {
        WorkerReport? r = TryReport();
        return r is null
            ? new WorkerStatus(Id, _host, false, _lastHeartbeat, 0, 0, 0)
            : new WorkerStatus(Id, r.Host, true, _lastHeartbeat, r.Tiles, r.Bytes, r.TasksRun);
    }

    /// <summary>The worker's report, or null when it does not answer within a few seconds.</summary>
    public WorkerReport? TryReport()
    {
        try
        {
            WorkerReport r = _grain.Report().WaitAsync(s_statusTimeout).GetAwaiter().GetResult();
            _lastHeartbeat = DateTimeOffset.UtcNow;
            _host = r.Host;
            return r;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    public async Task DetachAsync(TimeSpan timeout)
    {
        try
        {
            await _grain.Detach(_session).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A worker that is gone has nothing left to free.
        }
    }

    private async Task Call(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (Wrap(e) is { } wrapped)
        {
            throw wrapped;
        }
    }

    private async Task<T> Call<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (Wrap(e) is { } wrapped)
        {
            throw wrapped;
        }
    }

    /// <summary>Failures of the transport become a <see cref="SpartanException"/> naming the worker; failures of the
    /// work itself (a kernel's exception, already a SpartanException) pass through unchanged.</summary>
    private Exception? Wrap(Exception e) => e switch
    {
        SpartanException or OperationCanceledException or ArgumentException or InvalidOperationException or IOException or KeyNotFoundException => null,
        Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException or TimeoutException or Orleans.Runtime.OrleansException =>
            new SpartanException($"worker {Id} at {_key} ({_host}) failed: {e.Message}", e),
        _ => null,
    };
}
