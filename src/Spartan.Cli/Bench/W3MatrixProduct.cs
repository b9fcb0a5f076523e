using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W3: <c>Sp.Dot(A, B).Evaluate()</c> of two float64 uniform (n, n) matrices.</summary>
internal sealed class W3MatrixProduct : Workload
{
    public override string Id => "W3";

    public override string Title => "A@B";

    public override double Target => 0.8;

    public override bool IsReference(string system, string variant) => system == "numpy" && variant == "A@B blas_threads=2";

    public override void Run(BenchEnv env)
    {
        long n = env.Quick ? 1024 : 4096;
        var size = new JsonObject { ["n"] = n, ["dtype"] = "float64", ["bytes_per_matrix"] = 8 * n * n };
        env.Log($"W3 n={n}: generating A, B");
        using DistArray a = env.Input(Id, "A", size, () => Sp.Rand((n, n), seed: 3));
        using DistArray b = env.Input(Id, "B", size, () => Sp.Rand((n, n), seed: 4));
        env.Log($"W3 n={n}: timing");
        (double[] times, DistArray c) = Runner.Measure(env.Options.Warmup, env.Options.Reps, () => Sp.Dot(a, b).Evaluate(), Runner.Drop);
        using (c)
        {
            // 1000 sampled elements against a serial dot product of the row and column.
            NDArray an = a.Glom(), bn = b.Glom(), cn = c.Glom();
            double[] av = an.ToArray<double>(), bv = bn.ToArray<double>(), cv = cn.ToArray<double>();
            var rng = new Random(3);
            bool ok = c.Shape == new Shape(n, n);
            for (int s = 0; s < 1000; s++)
            {
                long i = rng.NextInt64(n), j = rng.NextInt64(n);
                double x = 0;
                for (long l = 0; l < n; l++)
                {
                    x += av[i * n + l] * bv[l * n + j];
                }

                ok &= Checks.Close(cv[i * n + j], x, 1e-10);
            }

            JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, null, 2.0 * n * n * n, null);
            ok = env.AddChecksum(rec, Id, () => Checks.ArrayChecksum(c), ok);
            rec["ok"] = ok;
            rec["workers"] = env.Context.NumWorkers;
            rec["nchunks"] = a.Tiles.Count;
            env.Emit(rec);
        }
    }
}
