using System.Diagnostics;

namespace Spartan.Examples;

/// <summary>
/// Logistic regression by full-batch gradient descent: w ← w − lr · Xᵀ(σ(Xw) − y) / n. The gradient is written as
/// <c>X.T.Dot(sigmoid(X.Dot(w)) - y)</c>; the optimizer's RowDotFusion turns it into one pass over X per step. The
/// objective is the mean log-loss after the step (one more fused pass; skipped with <c>computeLoss: false</c>).
/// </summary>
public sealed class LogisticRegression : IApp
{
    /// <inheritdoc/>
    public string Name => "logreg";

    /// <inheritdoc/>
    public string Description => "logistic regression, gradient descent; X.T·(σ(X·w) − y) fused into one pass over X per step";

    /// <inheritdoc/>
    public string ObjectiveName => "log-loss";

    /// <inheritdoc/>
    public AppResult Run(AppOptions options, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (DistArray x, DistArray y) = Generate(options.Size, options.Dimensions, options.Seed);
        using (x)
        using (y)
        {
            return Fit(x, y, options.Iterations, options.LearningRate, computeLoss: true, progress);
        }
    }

    /// <inheritdoc/>
    public Expr MainExpression(AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (DistArray x, DistArray y) = Generate(options.Size, options.Dimensions, options.Seed);
        Expr w = Sp.Zeros(options.Dimensions);
        return w - (options.LearningRate / options.Size * x.T.Dot(Sigmoid(x.Dot(w)) - y));
    }

    /// <summary>X ~ N(0, 1) (n x d), w* ~ N(0, 1)/√d, y = 1 where u &lt; σ(X·w*) for uniform u.</summary>
    public static (DistArray X, DistArray Y) Generate(long n, int d, int seed)
    {
        DistArray x = Sp.Randn((n, d), seed: seed).Evaluate();
        Expr wStar = Sp.Randn(d, seed: seed + 1) / Math.Sqrt(d);
        DistArray y = (Sp.Rand(n, seed: seed + 2) < Sigmoid(x.Dot(wStar))).AsType(DType.Float64).Evaluate();
        return (x, y);
    }

    /// <summary>σ(z) = 1 / (1 + e^−z), elementwise.</summary>
    public static Expr Sigmoid(Expr z) => 1.0 / (1.0 + Sp.Exp(-z));

    /// <summary>Runs <paramref name="iterations"/> gradient steps from w = 0.</summary>
    /// <exception cref="ArgumentException">The data is empty, or x and y do not match.</exception>
    public static AppResult Fit(Expr x, Expr y, int iterations, double learningRate, bool computeLoss = true, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Ndim != 2 || x.Shape[0] == 0 || x.Shape[1] == 0)
        {
            throw new ArgumentException($"logistic regression needs non-empty 2-d data, got shape {x.Shape}", nameof(x));
        }

        if (y.Ndim != 1 || y.Shape[0] != x.Shape[0])
        {
            throw new ArgumentException($"labels {y.Shape} do not match data {x.Shape}", nameof(y));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        long n = x.Shape[0];
        var sw = Stopwatch.StartNew();
        using DistArray xs = x.Evaluate();
        using DistArray ys = y.Evaluate();
        DistArray w = Sp.Zeros(x.Shape[1]).Evaluate();
        var history = new List<IterationInfo>();
        try
        {
            for (int it = 1; it <= iterations; it++)
            {
                Expr gradient = xs.T.Dot(Sigmoid(xs.Dot(w)) - ys);
                DistArray next = (w - (learningRate / n * gradient)).Evaluate();
                w.Dispose();
                w = next;
                double objective = computeLoss ? LogLoss(xs, ys, w) : double.NaN;
                var info = new IterationInfo(it, objective);
                history.Add(info);
                progress?.Report(info);
            }

            NDArray weights = w.Glom();
            sw.Stop();
            return new AppResult("logreg", "log-loss", history, weights, sw.Elapsed,
                $"{x.Shape[1]} weights from {n} rows; log-loss {history[^1].Objective:G6} after {iterations} steps");
        }
        finally
        {
            w.Dispose();
        }
    }

    /// <summary>The mean log-loss, computed stably: log(1 + e^−|z|) + max(z, 0) − y z with z = X·w.</summary>
    public static double LogLoss(Expr x, Expr y, Expr w)
    {
        ArgumentNullException.ThrowIfNull(x);
        Expr z = Sp.Dot(x, w);
        return (Sp.Log(1.0 + Sp.Exp(-Sp.Abs(z))) + Sp.Maximum(z, 0.0) - (y * z)).Mean().Glom().ToScalar<double>();
    }
}
