using Spartan.Cluster;
using Spartan.Cluster.Client;
using Spartan.Cluster.Contracts;
using Spartan.Cluster.Wire;

namespace Spartan;

/// <summary>Cluster mode: connects the driver (this program) to worker processes that run as Orleans silos, on
/// one or many machines (docs/cluster.md). The returned context is used exactly like an embedded one.</summary>
public static class SpartanCluster
{
    /// <summary>Connects to the cluster at <see cref="SpartanOptions.Cluster"/> ("host:port", as
    /// <c>spartan cluster start</c> prints it), or through the membership table <see cref="SpartanOptions.Membership"/>
    /// ("redis://host:port"), with <see cref="SpartanOptions.Secret"/> and the TLS certificate
    /// (<see cref="SpartanOptions.TlsCertificate"/>) if the cluster uses TLS, and makes a context over its
    /// workers current on this async flow. <see cref="SpartanOptions.Workers"/> limits how many workers are used, and
    /// <see cref="SpartanOptions.AssignMode"/> <see cref="AssignMode.ByNode"/> uses one worker per machine. Disposing the
    /// context frees this driver's tiles on every worker and disconnects. A worker that dies (its silo declared dead
    /// by membership, or unreachable) is dropped from the context, and evaluations rebuild its tiles from lineage on
    /// the others.</summary>
    /// <exception cref="SpartanException">Nothing answers at the address, the cluster refuses the secret, or it has too
    /// few workers.</exception>
    public static SpartanContext Connect(SpartanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var access = ClusterAccess.From(options);
        (ClusterConnection connection, RemoteWorker[] workers, ClusterConnection[] routes) = Task.Run(() => ConnectAsync(access, options)).GetAwaiter().GetResult();
        MembershipWatch? watch = null;
        SpartanContext context = SpartanContext.Start(workers, options, () => Task.Run(async () =>
        {
            if (watch is not null)
            {
                await watch.DisposeAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(workers.Where(w => !w.IsLost).Select(w => w.DetachAsync(TimeSpan.FromSeconds(5)))).ConfigureAwait(false);
            await Task.WhenAll(routes.Select(r => r.DisposeAsync().AsTask())).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }).GetAwaiter().GetResult());

        // A worker the master declares lost (a call failed) fails its other pending calls too; a worker that
        // membership declares dead is lost for the master as well.
        context.Master.WorkerLost += id => workers[id].MarkLost();
        watch = new MembershipWatch(connection, workers, TimeSpan.FromSeconds(Math.Clamp(options.HeartbeatIntervalSeconds, 0.2, 10)), id =>
        {
            workers[id].MarkLost();
            context.Master.MarkLost(id);
        });
        return context;
    }

    /// <summary>Lists the workers of the cluster at <see cref="SpartanOptions.Cluster"/> with their process figures,
    /// without attaching to them (what <c>spartan status</c> prints).</summary>
    /// <exception cref="SpartanException">Nothing answers at the address, or the cluster refuses the secret.</exception>
    public static async Task<IReadOnlyList<ClusterWorkerInfo>> StatusAsync(SpartanOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var access = ClusterAccess.From(options);
        await using ClusterConnection connection = await ClusterConnection.ConnectAsync(access, options.LogLevel, ConnectTimeout(options), ct).ConfigureAwait(false);
        List<WorkerSilo> silos = await connection.WorkersAsync().ConfigureAwait(false);
        var result = new ClusterWorkerInfo[silos.Count];
        await Task.WhenAll(silos.Select(async (s, i) =>
        {
            var remote = new RemoteWorker(connection.Grains.GetGrain<IWorkerGrain>(s.Key), s.Key, Guid.Empty, i, 0, s.Host, shipper: null, options.Secret, access.Tls);
            WorkerReport? r = await Task.Run(remote.TryReport, ct).ConfigureAwait(false);
            result[i] = new ClusterWorkerInfo(i, r?.Host ?? s.Host, s.Endpoint, r is not null, s.LastHeartbeat,
                r?.Tiles ?? 0, r?.Bytes ?? 0, r?.TasksRun ?? 0, r?.CpuPercent ?? 0, r?.MemoryBytes ?? 0, r?.Sessions ?? 0)
            {
                DataEndpoint = r?.DataEndpoint,
                DataPlaneReads = r?.DataPlaneReads ?? 0,
                DataPlaneBytes = r?.DataPlaneBytes ?? 0,
            };
        })).ConfigureAwait(false);
        return result;
    }

    private static TimeSpan ConnectTimeout(SpartanOptions options) => TimeSpan.FromSeconds(Math.Clamp(options.FailureTimeoutSeconds, 5, 60));

    private static async Task<(ClusterConnection, RemoteWorker[], ClusterConnection[])> ConnectAsync(ClusterAccess access, SpartanOptions options)
    {
        ClusterConnection connection = await ClusterConnection.ConnectAsync(access, options.LogLevel, ConnectTimeout(options)).ConfigureAwait(false);
        string address = access.Name;
        ClusterConnection[] routes = [];
        try
        {
            List<WorkerSilo> silos = await connection.WorkersAsync().ConfigureAwait(false);
            if (options.AssignMode == AssignMode.ByNode)
            {
                silos = silos.GroupBy(s => s.Host, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
            }

            if (silos.Count == 0)
            {
                throw new SpartanException($"the cluster at {address} has no workers; start some with `spartan worker {(access.Membership is null ? "--join " + access.Address : "--membership " + access.Membership.Value)}`");
            }

            if (options.Workers is int want)
            {
                if (want <= 0 || want > silos.Count)
                {
                    throw new SpartanException($"{want} workers were asked for, but the cluster at {address} has {silos.Count}{(options.AssignMode == AssignMode.ByNode ? " machines" : "")}");
                }

                silos = silos.Take(want).ToList();
            }

            // Through a Redis table the client spreads its calls over every worker's gateway, so a call to a healthy
            // worker may travel through the gateway of one that dies; its response is then lost and the call waits
            // for its response timeout (hours for a batch). So each worker's calls go through a client of its own,
            // connected to that worker's gateway only: a worker's death breaks only its own calls. (With the primary
            // silo, every call goes through the primary's gateway, which no worker's death affects.)
            if (access.Membership is not null)
            {
                Task<ClusterConnection>[] opening = silos.Select(s => ClusterConnection.ConnectAsync(access, options.LogLevel, ConnectTimeout(options), via: s.Gateway)).ToArray();
                try
                {
                    routes = await Task.WhenAll(opening).ConfigureAwait(false);
                }
                catch
                {
                    await Task.WhenAll(opening.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.DisposeAsync().AsTask())).ConfigureAwait(false);
                    throw;
                }
            }

            IGrainFactory Route(int i) => routes.Length == 0 ? connection.Grains : routes[i].Grains;
            var session = Guid.NewGuid();
            string[] keys = silos.Select(s => s.Key).ToArray();
            var shipper = new ModuleShipper();
            int[] incarnations = await Task.WhenAll(silos.Select((s, i) =>
                Route(i).GetGrain<IWorkerGrain>(s.Key).Attach(session, i, keys, WireCodec.Version))).ConfigureAwait(false);
            var workers = new RemoteWorker[silos.Count];
            for (int i = 0; i < workers.Length; i++)
            {
                workers[i] = new RemoteWorker(Route(i).GetGrain<IWorkerGrain>(keys[i]), keys[i], session, i, incarnations[i], silos[i].Host, shipper, options.Secret, access.Tls);
            }

            return (connection, workers, routes);
        }
        catch
        {
            await Task.WhenAll(routes.Select(r => r.DisposeAsync().AsTask())).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>One worker of a cluster, as <see cref="SpartanCluster.StatusAsync"/> reports it.</summary>
/// <param name="Id">Its index in the listing.</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="Address">Its silo endpoint (ip:port).</param>
/// <param name="Alive">Whether it answered the status request.</param>
/// <param name="LastHeartbeat">When it last wrote its heartbeat to cluster membership.</param>
/// <param name="Tiles">Tiles held, over every driver session.</param>
/// <param name="Bytes">Bytes of tile data held.</param>
/// <param name="TasksRun">Tasks run since the worker started.</param>
/// <param name="CpuPercent">CPU use since its previous report, in percent of one core.</param>
/// <param name="MemoryBytes">The worker process's working set.</param>
/// <param name="Sessions">Driver sessions attached to it.</param>
public sealed record ClusterWorkerInfo(int Id, string Host, string Address, bool Alive, DateTimeOffset LastHeartbeat, int Tiles, long Bytes, long TasksRun, double CpuPercent, long MemoryBytes, int Sessions)
{
    /// <summary>The "ip:port" of the worker's data plane (tile region reads over TCP), or null when it did not answer.</summary>
    public string? DataEndpoint { get; init; }

    /// <summary>Region reads the worker served over its data plane since it started.</summary>
    public long DataPlaneReads { get; init; }

    /// <summary>Tile data bytes the worker sent over its data plane since it started.</summary>
    public long DataPlaneBytes { get; init; }
}
