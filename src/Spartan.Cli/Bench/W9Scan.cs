using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W9: <c>Sp.CumSum(a).Evaluate()</c> of a float64 uniform vector.</summary>
internal sealed class W9Scan : Workload
{
    public override string Id => "W9";

    public override string Title => "cumsum";

    public override double Target => 2;

    public override bool IsReference(string system, string variant) => system is "numpy" or "dask-threads";

    public override string? Missing() => HasBuiltin("CumSum") ? null : MissingText("Sp.CumSum", "distributed scan");

    public override void Run(BenchEnv env)
    {
        long n = env.Quick ? 2_000_000 : 100_000_000;
        var size = new JsonObject { ["n"] = n, ["dtype"] = "float64", ["bytes"] = 8 * n };
        env.Log($"W9 n={n}: generating a");
        using DistArray a = env.Input(Id, "a", size, () => Sp.Rand(n, seed: 9));
        env.Log($"W9 n={n}: timing");
        (double[] times, DistArray r) = Runner.Measure(env.Options.Warmup, env.Options.Reps,
            () => Sp.CumSum(a).Evaluate(), Runner.Drop);
        using (r)
        {
            bool ok = r.Shape == a.Shape;
            double carry = 0;
            Checks.ForBlocks([a, r], (_, x) =>
            {
                double[] xa = x[0], xr = x[1];
                for (int i = 0; i < xr.Length; i++)
                {
                    carry += xa[i];
                    ok &= Checks.Close(xr[i], carry, 1e-9, 1e-9);
                }
            });
            JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, 16 * n, n, null);
            ok = env.AddChecksum(rec, Id, () => Checks.ArrayChecksum(r), ok);
            rec["ok"] = ok;
            rec["workers"] = env.Context.NumWorkers;
            rec["nchunks"] = a.Tiles.Count;
            env.Emit(rec);
        }
    }
}
