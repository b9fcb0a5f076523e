using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W4: one Lloyd step of k-means: nearest centre per row, then the new centres, as a local k×d array.
/// The distances, argmin and per-centre sums run in one pass over X (<see cref="Sp.NearestCenterSums"/>).</summary>
internal sealed class W4KMeans : Workload
{
    private const int D = 16, K = 8;

    public override string Id => "W4";

    public override string Title => "k-means step";

    public override double Target => 5;

    public override bool IsReference(string system, string variant) => system == "numpy" && variant == "vectorized (GEMM distances + one-hot GEMM)";

    public override void Run(BenchEnv env)
    {
        long n = env.Quick ? 100_000 : 1_000_000;
        var size = new JsonObject { ["shape"] = new JsonArray(n, D), ["k"] = K, ["dtype"] = "float64", ["bytes"] = 8 * n * D };
        env.Log($"W4 n={n}: generating X (k={K} clusters around N(0, 5²) centres) and C");
        using DistArray x = env.Input(Id, "X", size, () =>
        {
            NDArray centres = (Sp.Randn((K, D), seed: 4) * 5.0).Glom();
            Expr labels = Sp.RandInt(n, 0, K, seed: 41);
            Expr oneHot = labels.Reshape(n, 1).Eq(Sp.Arange(K)).AsType(DType.Float64);
            return Sp.Randn((n, D), seed: 42) + Sp.Dot(oneHot, Sp.FromArray(centres));
        });
        using DistArray c = env.Input(Id, "C", size, () => x[..K]);
        env.Log($"W4 n={n}: timing");
        (double[] times, NDArray result) = Runner.Measure(env.Options.Warmup, env.Options.Reps, () => Step(x, c), Runner.Keep);

        bool ok = result.Shape == new Shape(K, D) && Close(result, Reference(x.Glom(), c.Glom()));
        JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, 8 * n * D, (4.0 * K + 3) * n * D, null);
        ok = env.AddChecksum(rec, Id, () => Checks.ArrayChecksum(Sp.FromArray(result)), ok);
        rec["ok"] = ok;
        rec["workers"] = env.Context.NumWorkers;
        rec["nchunks"] = x.Tiles.Count;
        env.Emit(rec);
    }

    private static NDArray Step(Expr x, Expr c)
    {
        double[] s = Sp.NearestCenterSums(x, c).Glom().ToArray<double>();
        var centres = new double[K * D];
        for (int j = 0; j < K; j++)
        {
            double count = Math.Max(s[j * (D + 1) + D], 1);
            for (int l = 0; l < D; l++)
            {
                centres[j * D + l] = s[j * (D + 1) + l] / count;
            }
        }

        return NDArray.From(centres, new Shape(K, D));
    }

    // A serial Lloyd step: squared distances, lowest index on ties, sums / max(count, 1).
    private static NDArray Reference(NDArray xa, NDArray ca)
    {
        double[] x = xa.ToArray<double>(), c = ca.ToArray<double>();
        long n = xa.Shape[0];
        var sums = new double[K * D];
        var counts = new double[K];
        for (long i = 0; i < n; i++)
        {
            int best = 0;
            double bestD = double.PositiveInfinity;
            for (int j = 0; j < K; j++)
            {
                double dist = 0;
                for (int l = 0; l < D; l++)
                {
                    double t = x[i * D + l] - c[j * D + l];
                    dist += t * t;
                }

                if (dist < bestD)
                {
                    bestD = dist;
                    best = j;
                }
            }

            counts[best]++;
            for (int l = 0; l < D; l++)
            {
                sums[best * D + l] += x[i * D + l];
            }
        }

        for (int j = 0; j < K; j++)
        {
            for (int l = 0; l < D; l++)
            {
                sums[j * D + l] /= Math.Max(counts[j], 1);
            }
        }

        return NDArray.From(sums, new Shape(K, D));
    }

    private static bool Close(NDArray a, NDArray b) =>
        a.ToArray<double>().Zip(b.ToArray<double>()).All(p => Checks.Close(p.First, p.Second, 1e-9, 1e-12));
}
