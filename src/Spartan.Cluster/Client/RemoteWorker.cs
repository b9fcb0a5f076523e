using System.Text.RegularExpressions;
using Spartan.Cluster.Contracts;
using Spartan.Cluster.DataPlane;
using Spartan.Cluster.Wire;
using Spartan.Runtime;

namespace Spartan.Cluster.Client;

/// <summary>
/// An <see cref="IWorker"/> over a worker grain: the driver's view of a worker process, and a worker's view of its
/// peers. Every call encodes its records with <see cref="WireCodec"/>; before running user kernels it makes sure the
/// worker has their assemblies. A call to a worker that is dead fails with <see cref="WorkerLostException"/>: at
/// once when Orleans says the silo is unavailable, and within a membership poll when the driver's
/// <see cref="MembershipWatch"/> sees the silo declared dead while the call is pending (Orleans would otherwise let
/// it hang until its response timeout).
/// <para>Region reads (<see cref="GetRegionAsync"/>) bypass Orleans: they go over the worker's data plane, a pooled
/// TCP connection authenticated with the cluster secret (<see cref="DataPlaneClient"/>), whose endpoint the worker
/// grain tells once. A data plane socket that fails is retried once on a fresh connection, then the worker is lost.</para>
/// </summary>
internal sealed partial class RemoteWorker : IWorker, IDisposable
{
    private readonly string? _secret;
    private readonly Security.ClusterTls? _tls;
    private readonly object _dataGate = new();
    private DataPlaneClient? _data;
    private bool _dataKnown;
    private readonly CancellationTokenSource _lost = new();
    private static readonly TimeSpan s_statusTimeout = TimeSpan.FromSeconds(5);
    private readonly IWorkerGrain _grain;
    private readonly string _key;
    private readonly Guid _session;
    private readonly ModuleShipper? _shipper;
    private string _host;
    private DateTimeOffset _lastHeartbeat = DateTimeOffset.UtcNow;

    public RemoteWorker(IWorkerGrain grain, string key, Guid session, int id, int incarnation, string host, ModuleShipper? shipper, string? secret = null, Security.ClusterTls? tls = null)
    {
        _secret = secret;
        _tls = tls;
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

    /// <summary>Whether the worker was declared lost.</summary>
    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>Declares the worker lost: pending and later calls fail with <see cref="WorkerLostException"/>.</summary>
    public void MarkLost()
    {
        try
        {
            _lost.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        CloseDataPlane();
    }

    /// <summary>Closes the pooled data plane connections.</summary>
    public void Dispose() => CloseDataPlane();

    private void CloseDataPlane()
    {
        lock (_dataGate)
        {
            _data?.Dispose();
            _data = null;
        }
    }

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
        DataPlaneClient? client = await DataPlaneAsync().ConfigureAwait(false);
        if (client is null)
        {
            byte[] data = await Call(_grain.GetRegion(_session, WireCodec.EncodeRegionRequest(id, region))).ConfigureAwait(false);
            return new TileLease(WireCodec.DecodeArray(data));
        }

        for (int attempt = 0; ; attempt++)
        {
            ThrowIfLost();
            try
            {
                // The socket calls are synchronous (straight into the result's buffer); they run off the caller's thread
                // so that a worker declared lost releases the caller at once.
                NDArray a = await Task.Run(() => client.Read(_session, id, region, fresh: attempt > 0), CancellationToken.None)
                    .WaitAsync(_lost.Token).ConfigureAwait(false);
                return new TileLease(a);
            }
            catch (DataPlaneBrokenException e)
            {
                if (attempt > 0 || IsLost)
                {
                    throw Lost(e);
                }
            }
            catch (ObjectDisposedException e) when (IsLost)
            {
                throw Lost(e);
            }
            catch (OperationCanceledException) when (IsLost)
            {
                throw Lost(null);
            }
        }
    }

    /// <summary>The client of the worker's data plane, learned from its grain once; null when it has none.</summary>
    private async Task<DataPlaneClient?> DataPlaneAsync()
    {
        lock (_dataGate)
        {
            if (_dataKnown)
            {
                return _data;
            }
        }

        string? endpoint = await Call(_grain.DataEndpoint()).ConfigureAwait(false);
        lock (_dataGate)
        {
            if (!_dataKnown && !IsLost)
            {
                _data = endpoint is null ? null : new DataPlaneClient(endpoint, _secret, _tls);
                _dataKnown = true;
            }

            return _data;
        }
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
        ThrowIfLost();
        try
        {
            await call.WaitAsync(_lost.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (Wrap(e) is { } wrapped)
        {
            throw wrapped;
        }
    }

    private async Task<T> Call<T>(Task<T> call)
    {
        ThrowIfLost();
        try
        {
            return await call.WaitAsync(_lost.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (Wrap(e) is { } wrapped)
        {
            throw wrapped;
        }
    }

    private void ThrowIfLost()
    {
        if (IsLost)
        {
            throw Lost(null);
        }
    }

    private WorkerLostException Lost(Exception? cause) =>
        new(Id, $"worker {Id} at {_key} ({_host}) is lost: {(cause is null ? "it was declared lost (membership no longer lists its silo, or another call to it failed)" : cause.Message)}", cause);

    /// <summary>Failures of the transport become a <see cref="SpartanException"/> naming the worker, and a
    /// <see cref="WorkerLostException"/> when the worker (or a peer it read from) is dead; failures of the work itself
    /// (a kernel's exception, already a SpartanException) pass through unchanged.</summary>
    private Exception? Wrap(Exception e)
    {
        if (e is OperationCanceledException && IsLost)
        {
            return Lost(null);
        }

        if (PeerLost(e) is { } peer)
        {
            return peer;
        }

        return e switch
        {
            SpartanException or OperationCanceledException or ArgumentException or InvalidOperationException or IOException or KeyNotFoundException => null,
            Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException => Lost(e),
            TimeoutException when IsLost => Lost(e),
            TimeoutException or Orleans.Runtime.OrleansException =>
                new SpartanException($"worker {Id} at {_key} ({_host}) failed: {e.Message}", e),
            _ => null,
        };
    }

    /// <summary>A <see cref="WorkerLostException"/> raised inside the worker process (it could not read from a dead
    /// peer) arrives as itself, or, when Orleans could not rebuild the type, as a fallback exception that keeps its
    /// type name and message; either way the lost worker's index is recovered.</summary>
    private static WorkerLostException? PeerLost(Exception e)
    {
        if (WorkerLostException.Find(e) is { } found)
        {
            return found.WorkerId >= 0 ? found : null;
        }

        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x.ToString().Contains(nameof(WorkerLostException), StringComparison.Ordinal) && LostWorker().Match(x.Message) is { Success: true } m)
            {
                return new WorkerLostException(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), x.Message, e);
            }
        }

        return null;
    }

    [GeneratedRegex(@"worker (\d+) .*lost", RegexOptions.CultureInvariant)]
    private static partial Regex LostWorker();
}
