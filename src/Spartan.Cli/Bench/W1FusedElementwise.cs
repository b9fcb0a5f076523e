using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W1: <c>(a * b + c * 2.0 - 1.0).Evaluate()</c> over three float64 uniform vectors.</summary>
internal sealed class W1FusedElementwise : Workload
{
    public override string Id => "W1";

    public override string Title => "a*b+c*2-1";

    public override double Target => 1.25;

    public override bool IsReference(string system, string variant) =>
        system == "numexpr" && variant is "threads=1" or "threads=1, out= preallocated" or "threads=2" or "threads=2, out= preallocated";

    public override void Run(BenchEnv env)
    {
        // The peer also runs n = 2e7 at the default size: an extra line, the 1e8 line is the main one.
        long[] sizes = env.Quick ? [2_000_000] : env.Options.InputsDir is null ? [20_000_000, 100_000_000] : [100_000_000];
        foreach (long n in sizes)
        {
            RunOne(env, n, main: n == sizes[^1]);
        }
    }

    private void RunOne(BenchEnv env, long n, bool main)
    {
        var size = new JsonObject { ["n"] = n, ["dtype"] = "float64", ["bytes_per_array"] = 8 * n };
        env.Log($"W1 n={n}: generating inputs");
        using DistArray a = env.Input(Id, "a", size, () => Sp.Rand(n, seed: 100));
        using DistArray b = env.Input(Id, "b", size, () => Sp.Rand(n, seed: 101));
        using DistArray c = env.Input(Id, "c", size, () => Sp.Rand(n, seed: 102));
        env.Log($"W1 n={n}: timing");
        (double[] times, DistArray r) = Runner.Measure(env.Options.Warmup, env.Options.Reps,
            () => (a * b + c * 2.0 - 1.0).Evaluate(), Runner.Drop);
        using (r)
        {
            env.Log($"W1 n={n}: checking all elements");
            bool ok = r.Shape == a.Shape;
            Checks.ForBlocks([a, b, c, r], (_, x) =>
            {
                double[] xa = x[0], xb = x[1], xc = x[2], xr = x[3];
                for (int i = 0; i < xr.Length; i++)
                {
                    double want = xa[i] * xb[i] + xc[i] * 2.0 - 1.0;
                    ok &= Math.Abs(xr[i] - want) <= 4e-16 * (Math.Abs(xa[i] * xb[i]) + Math.Abs(xc[i] * 2.0) + 1.0);
                }
            });
            JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, 32 * n, 3.0 * n, null);
            ok = env.AddChecksum(rec, Id, () => Checks.ArrayChecksum(r), ok);
            rec["ok"] = ok;
            rec["workers"] = env.Context.NumWorkers;
            rec["nchunks"] = a.Tiles.Count;
            env.Emit(rec, main);
        }
    }
}
