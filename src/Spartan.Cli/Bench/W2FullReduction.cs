using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W2: <c>A.Sum()</c> of a float64 uniform (m, m) matrix, to a double in hand.</summary>
internal sealed class W2FullReduction : Workload
{
    public override string Id => "W2";

    public override string Title => "sum(A)";

    public override double Target => 1.5;

    public override bool IsReference(string system, string variant) =>
        (system == "numpy" && variant == "sum()") ||
        (system == "dask-threads" && variant.StartsWith("sum() chunks=", StringComparison.Ordinal) && variant.EndsWith(" compute", StringComparison.Ordinal));

    public override void Run(BenchEnv env)
    {
        long m = env.Quick ? 2000 : 10_000;
        var size = new JsonObject { ["shape"] = new JsonArray(m, m), ["dtype"] = "float64", ["bytes"] = 8 * m * m };
        env.Log($"W2 m={m}: generating A");
        using DistArray a = env.Input(Id, "A", size, () => Sp.Rand((m, m), seed: 2));
        env.Log($"W2 m={m}: timing");
        (double[] times, double r) = Runner.Measure(env.Options.Warmup, env.Options.Reps,
            () => a.Sum().Glom().ToScalar<double>(), Runner.Keep);
        var s = new Checks.Neumaier();
        Checks.ForRowBlocks(a, 0, m, (_, _, block) =>
        {
            foreach (double v in block)
            {
                s.Add(v);
            }
        });
        bool ok = Checks.Close(r, s.Value, 1e-12);
        JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, 8 * m * m, (double)(m * m), null);
        ok = env.AddChecksum(rec, Id, () => Checks.ScalarChecksum(r), ok);
        rec["ok"] = ok;
        rec["workers"] = env.Context.NumWorkers;
        rec["nchunks"] = a.Tiles.Count;
        env.Emit(rec);
    }
}
