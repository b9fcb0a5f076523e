using System.Diagnostics;

namespace Spartan.Examples;

/// <summary>
/// Conjugate gradient for A x = b with A symmetric positive definite. The generated system is A = BᵀB/N + I (a
/// distributed transposed GEMM), b ~ N(0, 1). Each step is one matrix-vector product A·p (row-tiled A, only p moves),
/// two dot products and three vector updates; the objective is the residual norm ‖b − A x‖.
/// </summary>
public sealed class ConjugateGradient : IApp
{
    /// <inheritdoc/>
    public string Name => "cg";

    /// <inheritdoc/>
    public string Description => "conjugate gradient on an SPD system A = BᵀB/N + I (size = N)";

    /// <inheritdoc/>
    public string ObjectiveName => "residual norm";

    /// <inheritdoc/>
    public AppResult Run(AppOptions options, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Size > 20_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"cg builds a dense N x N system; size {options.Size} is too large (at most 20000)");
        }

        (DistArray a, DistArray b) = Generate(options.Size, options.Seed);
        using (a)
        using (b)
        {
            return Solve(a, b, options.Iterations, 1e-10, progress);
        }
    }

    /// <inheritdoc/>
    public Expr MainExpression(AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (DistArray a, DistArray b) = Generate(options.Size, options.Seed);
        return a.Dot(b);
    }

    /// <summary>A = BᵀB/N + I with B ~ N(0, 1) (N x N), and b ~ N(0, 1).</summary>
    public static (DistArray A, DistArray B) Generate(long n, int seed)
    {
        DistArray m = Sp.Randn((n, n), seed: seed).Evaluate();
        DistArray a = ((m.T.Dot(m) / n) + Sp.Eye(n)).Evaluate();
        m.Dispose();
        return (a, Sp.Randn(n, seed: seed + 1).Evaluate());
    }

    /// <summary>Runs at most <paramref name="iterations"/> CG steps from x = 0, stopping when ‖r‖ &lt;= tol·‖b‖.</summary>
    /// <exception cref="ArgumentException">A is not square, or b does not match it, or the system is empty.</exception>
    public static AppResult Solve(Expr a, Expr b, int iterations, double tolerance = 1e-10, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Ndim != 2 || a.Shape[0] != a.Shape[1] || a.Shape[0] == 0)
        {
            throw new ArgumentException($"CG needs a non-empty square matrix, got shape {a.Shape}", nameof(a));
        }

        if (b.Ndim != 1 || b.Shape[0] != a.Shape[0])
        {
            throw new ArgumentException($"the right-hand side {b.Shape} does not match the matrix {a.Shape}", nameof(b));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        var sw = Stopwatch.StartNew();
        using DistArray am = a.AsType(DType.Float64).Evaluate();
        DistArray x = Sp.Zeros(a.Shape[0]).Evaluate();
        DistArray r = b.AsType(DType.Float64).Evaluate();
        DistArray p = r;
        double rr = Scalar(r.Dot(r));
        double stop = tolerance * Math.Sqrt(rr);
        var history = new List<IterationInfo>();
        try
        {
            for (int it = 1; it <= iterations && Math.Sqrt(rr) > stop; it++)
            {
                using DistArray ap = am.Dot(p).Evaluate();
                double alpha = rr / Scalar(p.Dot(ap));
                Swap(ref x, (x + (alpha * p)).Evaluate(), keep: null);
                DistArray rNext = (r - (alpha * ap)).Evaluate();
                double rrNext = Scalar(rNext.Dot(rNext));
                DistArray pNext = (rNext + (rrNext / rr * p)).Evaluate();
                if (!ReferenceEquals(p, r))
                {
                    p.Dispose();
                }

                r.Dispose();
                r = rNext;
                p = pNext;
                rr = rrNext;
                var info = new IterationInfo(it, Math.Sqrt(rr));
                history.Add(info);
                progress?.Report(info);
            }

            NDArray solution = x.Glom();
            sw.Stop();
            string last = history.Count == 0 ? "b = 0" : $"residual {history[^1].Objective:G4}";
            return new AppResult("cg", "residual norm", history, solution, sw.Elapsed, $"N = {a.Shape[0]}; {history.Count} steps; {last}");
        }
        finally
        {
            x.Dispose();
            if (!ReferenceEquals(p, r))
            {
                p.Dispose();
            }

            r.Dispose();
        }
    }

    private static double Scalar(Expr e) => e.Glom().ToScalar<double>();

    private static void Swap(ref DistArray slot, DistArray next, DistArray? keep)
    {
        if (!ReferenceEquals(slot, keep))
        {
            slot.Dispose();
        }

        slot = next;
    }
}
