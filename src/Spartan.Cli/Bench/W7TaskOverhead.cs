using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W7: <c>(x + 1).Evaluate()</c> with x in tiles of exactly 10 elements: one task per tile, so the time is
/// the per-task cost of the master and workers.</summary>
internal sealed class W7TaskOverhead : Workload
{
    public const int TileElems = 10;

    public override string Id => "W7";

    public override string Title => "per-task cost";

    public override double Target => 5;

    public override bool PerTask => true;

    public override bool IsReference(string system, string variant) => system == "dask-threads" && variant == "x+1 persist";

    public override void Run(BenchEnv env)
    {
        long n = env.Quick ? 10_000 : 100_000;
        long chunks = n / TileElems;
        var size = new JsonObject { ["elements"] = n, ["chunks"] = chunks, ["chunk_elems"] = TileElems };
        var data = new double[n];
        for (long i = 0; i < n; i++)
        {
            data[i] = i;
        }

        // Inputs have no .npy file (make_inputs.py W7 lists none): always generated.
        using DistArray x = Sp.FromArray(data, tileHint: TileElems).Evaluate();
        env.Log($"W7 N={n}: {x.Tiles.Count} tiles; timing");
        (double[] times, DistArray r) = Runner.Measure(env.Options.Warmup, env.Options.Reps,
            () => (x + 1).Evaluate(), Runner.Drop);
        using (r)
        {
            int tasks = r.Tiles.Count;
            double sum = r.Sum().Glom().ToScalar<double>();
            double want = n * (n + 1.0) / 2.0;
            bool ok = x.Tiles.Count == chunks && tasks == chunks && r.Tiles.All(t => t.Extent.Size == TileElems) && sum == want;
            JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, null, null, null);
            ok = env.AddChecksum(rec, Id, () => Checks.ArrayChecksum(r), ok);
            rec["ok"] = ok;
            rec["workers"] = env.Context.NumWorkers;
            rec["nchunks"] = x.Tiles.Count;
            rec["tasks"] = tasks;
            rec["us_per_task"] = Stats.Median(times) / tasks * 1e6;
            env.Emit(rec);
        }
    }
}
