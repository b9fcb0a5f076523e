using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W8: <c>(A.T[::2, 100..r1] + 1).Sum()</c>, a strided view of the transpose, to a double in hand.</summary>
internal sealed class W8StridedView : Workload
{
    public override string Id => "W8";

    public override string Title => "(A.T[::2,100:5000]+1).sum()";

    public override double Target => 2;

    public override bool IsReference(string system, string variant) => system is "numpy" or "dask-threads";

    public override void Run(BenchEnv env)
    {
        long m = env.Quick ? 2000 : 10_000;
        int r0 = 100, r1 = (int)Math.Min(5000, m);
        var size = new JsonObject { ["shape"] = new JsonArray(m, m), ["dtype"] = "float64", ["bytes"] = 8 * m * m };
        env.Log($"W8 m={m}: generating A");
        using DistArray a = env.Input(Id, "A", size, () => Sp.Rand((m, m), seed: 2));
        env.Log($"W8 m={m}: timing");
        (double[] times, double r) = Runner.Measure(env.Options.Warmup, env.Options.Reps,
            () => (a.T[Sp.Slice(null, null, 2), r0..r1] + 1).Sum().Glom().ToScalar<double>(), Runner.Keep);

        // A.T[::2, r0:r1][i, j] = A[r0 + j, 2i]: the even columns of rows r0..r1, each plus one.
        var s = new Checks.Neumaier();
        Checks.ForRowBlocks(a, r0, r1, (_, rows, block) =>
        {
            for (int i = 0; i < rows; i++)
            {
                for (long j = 0; j < m; j += 2)
                {
                    s.Add(block[i * m + j] + 1.0);
                }
            }
        });
        bool ok = Checks.Close(r, s.Value, 1e-12);
        long rows = r1 - r0;
        JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, rows * m * 8, null, null);
        ok = env.AddChecksum(rec, Id, () => Checks.ScalarChecksum(r), ok);
        rec["ok"] = ok;
        rec["logical_bytes"] = rows * ((m + 1) / 2) * 8;
        rec["workers"] = env.Context.NumWorkers;
        rec["nchunks"] = a.Tiles.Count;
        env.Emit(rec);
    }
}
