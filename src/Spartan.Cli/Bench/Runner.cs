using System.Diagnostics;

namespace Spartan.Cli.Bench;

/// <summary>Warm-up runs, then timed runs; every run builds its expression anew and its result is dropped (untimed)
/// before the next one, with a full GC in between, as bench_peers.py's <c>timed</c>.</summary>
internal static class Runner
{
    /// <summary>Returns the seconds of each timed run and the last run's result (for the check).</summary>
    public static (double[] Times, T Last) Measure<T>(int warmup, int reps, Func<T> run, Action<T> drop)
    {
        for (int i = 0; i < warmup; i++)
        {
            drop(run());
        }

        var times = new double[reps];
        T last = default!;
        LastProfile = new RunProfile();
        for (int i = 0; i < reps; i++)
        {
            Quiesce();
            long alloc0 = GC.GetTotalAllocatedBytes(precise: false);
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            TimeSpan pause0 = GC.GetTotalPauseDuration();
            long t0 = Stopwatch.GetTimestamp();
            T r = run();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            LastProfile.Add(GC.GetTotalAllocatedBytes(precise: false) - alloc0, GC.CollectionCount(0) - g0,
                GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2, (GC.GetTotalPauseDuration() - pause0).TotalSeconds);
            if (i < reps - 1)
            {
                drop(r);
            }
            else
            {
                last = r;
            }
        }

        Quiesce();
        return (times, last);
    }

    /// <summary>What the GC saw during the timed runs of the last <see cref="Measure{T}"/> (for --profile).</summary>
    public static RunProfile LastProfile { get; private set; } = new();

    /// <summary>No-op drop for results that are plain values.</summary>
    public static void Keep<T>(T value)
    {
    }

    /// <summary>Drops a distributed result now.</summary>
    public static void Drop(DistArray a) => a.Dispose();

    public static void Quiesce()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

/// <summary>Allocation and GC activity inside the timed runs (averages per run).</summary>
internal sealed class RunProfile
{
    private int _runs;
    private long _alloc;
    private int _gen0;
    private int _gen1;
    private int _gen2;
    private double _pause;

    public void Add(long alloc, int gen0, int gen1, int gen2, double pauseSeconds)
    {
        _runs++;
        _alloc += alloc;
        _gen0 += gen0;
        _gen1 += gen1;
        _gen2 += gen2;
        _pause += pauseSeconds;
    }

    public System.Text.Json.Nodes.JsonObject ToJson(long? tasks = null)
    {
        int n = Math.Max(1, _runs);
        var o = new System.Text.Json.Nodes.JsonObject
        {
            ["alloc_bytes_per_run"] = _alloc / n,
            ["gen0_per_run"] = (double)_gen0 / n,
            ["gen1_per_run"] = (double)_gen1 / n,
            ["gen2_per_run"] = (double)_gen2 / n,
            ["gc_pause_s_per_run"] = Math.Round(_pause / n, 6),
        };
        if (tasks is long t && t > 0)
        {
            o["alloc_bytes_per_task"] = _alloc / n / t;
        }

        return o;
    }
}
