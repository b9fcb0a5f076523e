using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>W5: 10 gradient-descent steps of logistic regression, w = w - 0.5 Xᵀ(σ(Xw) - y)/n, the final w in hand.
/// Each step is one fused pass over X (the optimizer's RowDotFusion).</summary>
internal sealed class W5LogReg : Workload
{
    private const int D = 32, Steps = 10;

    public override string Id => "W5";

    public override string Title => "logreg 10 steps";

    public override double Target => 1.5;

    public override bool IsReference(string system, string variant) => system == "numpy" && variant == "10 GD steps (X@w, X.T@(p-y))";

    public override void Run(BenchEnv env)
    {
        long n = env.Quick ? 100_000 : 1_000_000;
        var size = new JsonObject { ["shape"] = new JsonArray(n, D), ["steps"] = Steps, ["dtype"] = "float64", ["bytes"] = 8 * n * D };
        env.Log($"W5 n={n}: generating X, y");
        using DistArray x = env.Input(Id, "X", size, () => Sp.Randn((n, D), seed: 5));
        using DistArray y = env.Input(Id, "y", size, () =>
        {
            Expr wt = Sp.Randn(D, seed: 51) / Math.Sqrt(D);
            return (Sp.Rand(n, seed: 52) < 1.0 / (1.0 + Sp.Exp(-x.Dot(wt)))).AsType(DType.Float64);
        });
        env.Log($"W5 n={n}: timing");
        (double[] times, NDArray w) = Runner.Measure(env.Options.Warmup, env.Options.Reps, () => Train(x, y, n), Runner.Keep);

        bool ok = w.ToArray<double>().Zip(Reference(x.Glom(), y.Glom()), (a, b) => Checks.Close(a, b, 1e-9, 1e-12)).All(v => v);
        JsonObject rec = JsonLines.Measurement(Id, env.Variant, size, times, Steps * (8 * n * D + 8 * n), Steps * 4.0 * n * D, null);
        ok = env.AddChecksum(rec, Id, () => Checks.ArrayChecksum(Sp.FromArray(w)), ok);
        rec["ok"] = ok;
        rec["workers"] = env.Context.NumWorkers;
        rec["nchunks"] = x.Tiles.Count;
        env.Emit(rec);
    }

    private static NDArray Train(Expr x, Expr y, long n)
    {
        DistArray w = Sp.Zeros(D).Evaluate();
        for (int step = 0; step < Steps; step++)
        {
            DistArray next = (w - 0.5 * x.T.Dot(1.0 / (1.0 + Sp.Exp(-x.Dot(w))) - y) / n).Evaluate();
            w.Dispose();
            w = next;
        }

        NDArray result = w.Glom();
        w.Dispose();
        return result;
    }

    private static double[] Reference(NDArray xa, NDArray ya)
    {
        double[] x = xa.ToArray<double>(), y = ya.ToArray<double>();
        long n = y.Length;
        var w = new double[D];
        for (int step = 0; step < Steps; step++)
        {
            var g = new double[D];
            for (long i = 0; i < n; i++)
            {
                double z = 0;
                for (int l = 0; l < D; l++)
                {
                    z += x[i * D + l] * w[l];
                }

                double r = 1.0 / (1.0 + Math.Exp(-z)) - y[i];
                for (int l = 0; l < D; l++)
                {
                    g[l] += x[i * D + l] * r;
                }
            }

            for (int l = 0; l < D; l++)
            {
                w[l] -= 0.5 * g[l] / n;
            }
        }

        return w;
    }
}
