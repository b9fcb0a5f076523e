using System.Collections.Concurrent;
using System.Diagnostics;
using Spartan.Cluster.Client;
using Spartan.Cluster.Contracts;
using Spartan.Runtime;

namespace Spartan.Cluster.Worker;

/// <summary>
/// The state of the worker in this silo, outside the grain so that a grain deactivation never loses tiles: one
/// <see cref="LocalWorker"/> per driver session. A session's LocalWorker reads tiles that other workers hold through
/// <see cref="RemoteWorker"/> peers, grain to grain, never through the driver.
/// </summary>
internal sealed class WorkerRuntime
{
    private readonly ConcurrentDictionary<Guid, LocalWorker> _sessions = new();
    private readonly IGrainFactory _grains;
    private readonly object _cpuGate = new();
    private TimeSpan _lastCpu;
    private long _lastCpuStamp = Stopwatch.GetTimestamp();

    public WorkerRuntime(IGrainFactory grains, ILocalSiloDetails silo)
    {
        _grains = grains;
        Incarnation = silo.SiloAddress.Generation;
        ShippedModules.Register();
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
                remotes[i] = new RemoteWorker(_grains.GetGrain<IWorkerGrain>(peers[i]), peers[i], session, i, 0, "peer", shipper: null);
            }
        }

        if (_sessions.TryRemove(session, out LocalWorker? old))
        {
            old.Clear();
        }

        _sessions[session] = worker;
        return Incarnation;
    }

    public void Detach(Guid session)
    {
        if (_sessions.TryRemove(session, out LocalWorker? w))
        {
            w.Clear();
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

        return new WorkerReport(Environment.MachineName, Environment.ProcessId, tiles, bytes, tasks, Math.Round(cpu, 1), Environment.WorkingSet, _sessions.Count);
    }
}
