using System.Collections.Concurrent;
using System.Diagnostics;
using Spartan.Cluster.Client;
using Spartan.Cluster.Contracts;
using Spartan.Cluster.DataPlane;
using Spartan.Runtime;

namespace Spartan.Cluster.Worker;

/// <summary>
/// The state of the worker in this silo, outside the grain so that a grain deactivation never loses tiles: one
/// <see cref="LocalWorker"/> per driver session. A session's LocalWorker reads tiles that other workers hold through
/// <see cref="RemoteWorker"/> peers, over the peers' data planes, never through the driver. The runtime owns this
/// process's <see cref="DataPlaneServer"/>, which serves region reads of every session's tiles.
/// </summary>
internal sealed class WorkerRuntime : IDisposable
{
    private readonly DataPlaneSettings _settings;
    private readonly ConcurrentDictionary<Guid, LocalWorker> _sessions = new();
    private readonly ConcurrentDictionary<Guid, IWorker[]> _peers = new();
    private readonly IGrainFactory _grains;
    private readonly object _cpuGate = new();
    private TimeSpan _lastCpu;
    private long _lastCpuStamp = Stopwatch.GetTimestamp();

    public WorkerRuntime(IGrainFactory grains, ILocalSiloDetails silo, DataPlaneSettings settings)
    {
        _grains = grains;
        _settings = settings;
        Incarnation = silo.SiloAddress.Generation;
        ShippedModules.Register();
        DataPlane = new DataPlaneServer(settings.Advertised, settings.Port, settings.Secret, Session, settings.Tls);
    }

    /// <summary>This process's data plane server.</summary>
    public DataPlaneServer DataPlane { get; }

    public void Dispose()
    {
        DataPlane.Dispose();
        foreach (Guid session in _sessions.Keys)
        {
            Detach(session);
        }
    }

    /// <summary>This silo's generation: a restarted worker has a new one, so its old tiles' ids are told apart.</summary>
    public int Incarnation { get; }

    public int Attach(Guid session, int workerId, string[] peers)
    {
        if (workerId < 0 || workerId >= peers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(workerId), workerId, $"worker index {workerId} is outside the session's {peers.Length} workers");
        }

        var remotes = new IWorker[peers.Length];
        LocalWorker? self = null;
        var worker = new LocalWorker(workerId, i => i == workerId ? self! : remotes[i], Incarnation);
        self = worker;
        for (int i = 0; i < peers.Length; i++)
        {
            if (i != workerId)
            {
                // Peers only serve region reads; their incarnation is not needed for that.
                remotes[i] = new RemoteWorker(_grains.GetGrain<IWorkerGrain>(peers[i]), peers[i], session, i, 0, "peer", shipper: null, _settings.Secret, _settings.Tls);
            }
        }

        if (_sessions.TryRemove(session, out LocalWorker? old))
        {
            old.Clear();
        }

        if (_peers.TryRemove(session, out IWorker[]? oldPeers))
        {
            Release(oldPeers);
        }

        _peers[session] = remotes;

        _sessions[session] = worker;
        return Incarnation;
    }

    public void Detach(Guid session)
    {
        if (_sessions.TryRemove(session, out LocalWorker? w))
        {
            w.Clear();
        }

        if (_peers.TryRemove(session, out IWorker[]? peers))
        {
            Release(peers);
        }
    }

    private static void Release(IWorker[] peers)
    {
        foreach (IWorker p in peers)
        {
            (p as RemoteWorker)?.Dispose();
        }
    }

    public LocalWorker Session(Guid session) =>
        _sessions.TryGetValue(session, out LocalWorker? w)
            ? w
            : throw new SpartanException($"this worker is not attached to session {session}: it restarted or the driver disconnected");

    public WorkerReport Report()
    {
        int tiles = 0;
        long bytes = 0, tasks = 0;
        foreach (LocalWorker w in _sessions.Values)
        {
            WorkerStatus s = w.Status();
            tiles += s.Tiles;
            bytes += s.Bytes;
            tasks += s.TasksRun;
        }

        double cpu;
        lock (_cpuGate)
        {
            TimeSpan now = Process.GetCurrentProcess().TotalProcessorTime;
            long stamp = Stopwatch.GetTimestamp();
            double wall = Stopwatch.GetElapsedTime(_lastCpuStamp, stamp).TotalSeconds;
            cpu = wall > 0 ? 100 * (now - _lastCpu).TotalSeconds / wall : 0;
            _lastCpu = now;
            _lastCpuStamp = stamp;
        }

        return new WorkerReport(Environment.MachineName, Environment.ProcessId, tiles, bytes, tasks, Math.Round(cpu, 1), Environment.WorkingSet, _sessions.Count,
            DataPlane.Endpoint, DataPlane.Reads, DataPlane.Bytes);
    }
}

/// <summary>Where this worker process's data plane listens and the secret its clients must prove.</summary>
/// <param name="Advertised">The address peers reach this process at (the silo's advertised address).</param>
/// <param name="Port">The port to listen on; 0 lets the OS pick one.</param>
/// <param name="Secret">The cluster secret, or null.</param>
/// <param name="Tls">The cluster certificate when TLS is configured: the data plane then runs over TLS too.</param>
internal sealed record DataPlaneSettings(System.Net.IPAddress Advertised, int Port, string? Secret, Spartan.Cluster.Security.ClusterTls? Tls = null);
