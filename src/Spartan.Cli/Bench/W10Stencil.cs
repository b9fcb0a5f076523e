using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W10: a 3x3 convolution of a float64 uniform (m, m) image with K = [[1,2,1],[2,4,2],[1,2,1]]/16 and
/// scipy.ndimage's 'reflect' boundary, evaluated as (m, m). Tiles exchange one-row halos; nothing is re-tiled.</summary>
internal sealed class W10Stencil : Workload
{
    private static readonly double[,] s_kernel = { { 1 / 16.0, 2 / 16.0, 1 / 16.0 }, { 2 / 16.0, 4 / 16.0, 2 / 16.0 }, { 1 / 16.0, 2 / 16.0, 1 / 16.0 } };

    public override string Id => "W10";

    public override string Title => "3x3 convolution";

    public override double Target => 2;

    public override bool IsReference(string system, string variant) =>
        (system == "scipy.ndimage" && variant.StartsWith("convolve", StringComparison.Ordinal)) ||
        (system == "dask-threads" && variant.StartsWith("map_overlap(ndi.convolve)", StringComparison.Ordinal));

    public override void Run(BenchEnv env)
    {
        long m = env.Quick ? 1024 : 8192;
        var size = new JsonObject { ["shape"] = new JsonArray(m, m), ["dtype"] = "float64", ["bytes"] = 8 * m * m, ["kernel"] = "3x3", ["mode"] = "reflect" };
        env.Log($"W10 m={m}: generating img");
        using DistArray img = env.Input(Id, "img", size, () => Sp.Rand((m, m), seed: 10));
        env.Log($"W10 m={m}: timing");
        (double[] times, DistArray r) = Runner.Measure(env.Options.Warmup, env.Options.Reps,
            () => Sp.Stencil(img, s_kernel, pad: PadMode.Reflect).Evaluate(), Runner.Drop);
        using (r)
        {
            // 2000 sampled outputs (the four corners first) against the formula, with rho(-1) = 0 and rho(m) = m - 1.
            double[] a = img.Glom().ToArray<double>(), o = r.Glom().ToArray<double>();
            var rng = new Random(10);
            bool ok = r.Shape == img.Shape;
            for (int t = 0; t < 2000; t++)
            {
                long i = t < 4 ? t / 2 * (m - 1) : rng.NextInt64(m), j = t < 4 ? t % 2 * (m - 1) : rng.NextInt64(m);
                double s = 0;
                for (int da = -1; da <= 1; da++)
                {
                    for (int db = -1; db <= 1; db++)
                    {
                        s += s_kernel[da + 1, db + 1] * a[Math.Clamp(i + da, 0, m - 1) * m + Math.Clamp(j + db, 0, m - 1)];
                    }
                }

                ok &= Checks.Close(o[i * m + j], s, 1e-12, 1e-15);
            }

            JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, 16 * m * m, 17.0 * m * m, null);
            ok = env.AddChecksum(rec, Id, () => Checks.ArrayChecksum(r), ok);
            rec["ok"] = ok;
            rec["workers"] = env.Context.NumWorkers;
            rec["nchunks"] = img.Tiles.Count;
            env.Emit(rec);
        }
    }
}
