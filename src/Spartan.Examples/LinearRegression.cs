using System.Diagnostics;

namespace Spartan.Examples;

/// <summary>
/// Linear (or ridge) regression by the normal equations: XᵀX and Xᵀy are computed on the workers with
/// <see cref="Sp.Dot"/> (per-tile partials of the transposed products, X never transposed), then the small d x d system
/// (XᵀX + λI) w = Xᵀy is solved on the driver with <see cref="Cholesky"/>. The objective (one "iteration") is the
/// mean squared residual, plus λ‖w‖²/n for ridge.
/// </summary>
public sealed class LinearRegression : IApp
{
    private readonly bool _ridge;

    /// <summary>Creates the plain (<paramref name="ridge"/> false) or ridge application.</summary>
    public LinearRegression(bool ridge) => _ridge = ridge;

    /// <inheritdoc/>
    public string Name => _ridge ? "ridge" : "linreg";

    /// <inheritdoc/>
    public string Description => _ridge
        ? "ridge regression, normal equations (XᵀX + λI) w = Xᵀy with a local Cholesky solve"
        : "linear regression, normal equations XᵀX w = Xᵀy with a local Cholesky solve";

    /// <inheritdoc/>
    public string ObjectiveName => _ridge ? "penalised MSE" : "MSE";

    /// <inheritdoc/>
    public AppResult Run(AppOptions options, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (_ridge && !(options.Lambda >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"lambda must be non-negative, got {options.Lambda}");
        }

        (DistArray x, DistArray y) = Generate(options.Size, options.Dimensions, options.Seed);
        using (x)
        using (y)
        {
            return Fit(x, y, _ridge ? options.Lambda : 0, progress);
        }
    }

    /// <inheritdoc/>
    public Expr MainExpression(AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (DistArray x, _) = Generate(options.Size, options.Dimensions, options.Seed);
        Expr gram = x.T.Dot(x);
        return _ridge ? gram + (options.Lambda * Sp.Eye(options.Dimensions)) : gram;
    }

    /// <summary>X ~ N(0, 1) (n x d), y = X·w* + 0.1 N(0, 1) with w*_j = 1 + j/d.</summary>
    public static (DistArray X, DistArray Y) Generate(long n, int d, int seed)
    {
        DistArray x = Sp.Randn((n, d), seed: seed).Evaluate();
        Expr wStar = 1.0 + (Sp.Arange(d).AsType(DType.Float64) / d);
        DistArray y = (x.Dot(wStar) + (0.1 * Sp.Randn(n, seed: seed + 1))).Evaluate();
        return (x, y);
    }

    /// <summary>Fits w minimising ‖Xw − y‖² + λ‖w‖².</summary>
    /// <exception cref="ArgumentException">The data is empty, x and y do not match, or XᵀX + λI is singular.</exception>
    public static AppResult Fit(Expr x, Expr y, double lambda, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Ndim != 2 || x.Shape[0] == 0 || x.Shape[1] == 0)
        {
            throw new ArgumentException($"regression needs non-empty 2-d data, got shape {x.Shape}", nameof(x));
        }

        if (y.Ndim != 1 || y.Shape[0] != x.Shape[0])
        {
            throw new ArgumentException($"targets {y.Shape} do not match data {x.Shape}", nameof(y));
        }

        int d = (int)x.Shape[1];
        long n = x.Shape[0];
        var sw = Stopwatch.StartNew();
        using DistArray xs = x.AsType(DType.Float64).Evaluate();
        using DistArray ys = y.AsType(DType.Float64).Evaluate();
        double[] a = xs.T.Dot(xs).Glom().ToArray<double>();
        double[] b = xs.T.Dot(ys).Glom().ToArray<double>();
        for (int j = 0; j < d; j++)
        {
            a[(j * d) + j] += lambda;
        }

        double[] w = Cholesky.Solve(a, b, d);
        Expr we = Sp.FromArray(w);
        double mse = Sp.Square(xs.Dot(we) - ys).Mean().Glom().ToScalar<double>();
        double objective = mse + (lambda * w.Sum(v => v * v) / n);
        var info = new IterationInfo(1, objective);
        progress?.Report(info);
        sw.Stop();
        return new AppResult(lambda > 0 ? "ridge" : "linreg", lambda > 0 ? "penalised MSE" : "MSE", [info], NDArray.From(w), sw.Elapsed,
            $"{d} weights from {n} rows (λ = {lambda:G4}); objective {objective:G6}");
    }
}
