using System.Diagnostics;

namespace Spartan.Examples;

/// <summary>
/// k-means by Lloyd steps. Each step is one pass over the data: <see cref="Sp.NearestCenterSums"/> assigns every row
/// to its nearest centre and sums the rows and counts per centre on the workers; the driver divides (a centre that
/// loses all its rows stays where it was). The objective is the inertia Σ‖x_i − c(x_i)‖² for the centres the step
/// started from, computed from the same sums: Σ‖x‖² − 2 Σ_j c_j·S_j + Σ_j n_j‖c_j‖².
/// </summary>
public sealed class KMeans : IApp
{
    /// <inheritdoc/>
    public string Name => "kmeans";

    /// <inheritdoc/>
    public string Description => "k-means (Lloyd steps) on Gaussian blobs; one fused pass over the data per step";

    /// <inheritdoc/>
    public string ObjectiveName => "inertia";

    /// <inheritdoc/>
    public AppResult Run(AppOptions options, IProgress<IterationInfo>? progress = null)
    {
        Check(options);
        using DistArray x = Generate(options.Size, options.Dimensions, options.K, options.Seed);
        NDArray init = x[..options.K].Glom();
        return Fit(x, init, options.Iterations, progress);
    }

    /// <inheritdoc/>
    public Expr MainExpression(AppOptions options)
    {
        Check(options);
        DistArray x = Generate(options.Size, options.Dimensions, options.K, options.Seed);
        return Sp.NearestCenterSums(x, Sp.FromArray(x[..options.K].Glom()));
    }

    private static void Check(AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.K > options.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"k ({options.K}) must not exceed the number of rows ({options.Size})");
        }
    }

    /// <summary>Blobs: k centres ~ N(0, 5²), each row a random centre plus N(0, 1) noise.</summary>
    public static DistArray Generate(long n, int d, int k, int seed)
    {
        NDArray centres = (Sp.Randn((k, d), seed: seed) * 5.0).Glom();
        Expr labels = Sp.RandInt(n, 0, k, seed: seed + 1);
        Expr onehot = labels.Reshape(n, 1).Eq(Sp.Arange(k)).AsType(DType.Float64);
        return (Sp.Randn((n, d), seed: seed + 2) + Sp.Dot(onehot, Sp.FromArray(centres))).Evaluate();
    }

    /// <summary>Runs <paramref name="iterations"/> Lloyd steps from <paramref name="initialCenters"/> (k x d).</summary>
    /// <exception cref="ArgumentException">The data is empty or not 2-d, or the centres do not match it.</exception>
    public static AppResult Fit(Expr x, NDArray initialCenters, int iterations, IProgress<IterationInfo>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(initialCenters);
        if (x.Ndim != 2 || x.Shape[0] == 0)
        {
            throw new ArgumentException($"k-means needs non-empty 2-d data, got shape {x.Shape}", nameof(x));
        }

        if (initialCenters.Shape.Rank != 2 || initialCenters.Shape[0] == 0 || initialCenters.Shape[1] != x.Shape[1])
        {
            throw new ArgumentException($"the initial centres {initialCenters.Shape} must be k x {x.Shape[1]} with k > 0", nameof(initialCenters));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        int k = (int)initialCenters.Shape[0], d = (int)initialCenters.Shape[1];
        var sw = Stopwatch.StartNew();
        using DistArray xs = x.Evaluate();
        double sumSq = Sp.Square(xs.AsType(DType.Float64)).Sum().Glom().ToScalar<double>();
        double[] c = Sp.FromArray(initialCenters).AsType(DType.Float64).Glom().ToArray<double>();
        var history = new List<IterationInfo>();
        for (int it = 1; it <= iterations; it++)
        {
            double[] s = Sp.NearestCenterSums(xs, Sp.FromArray(NDArray.From(c, new Shape(k, d)))).AsType(DType.Float64).Glom().ToArray<double>();
            double inertia = sumSq;
            var next = (double[])c.Clone();
            for (int j = 0; j < k; j++)
            {
                double count = s[(j * (d + 1)) + d];
                double dot = 0, norm = 0;
                for (int l = 0; l < d; l++)
                {
                    double cj = c[(j * d) + l];
                    dot += cj * s[(j * (d + 1)) + l];
                    norm += cj * cj;
                }

                inertia += (count * norm) - (2 * dot);
                if (count > 0)
                {
                    for (int l = 0; l < d; l++)
                    {
                        next[(j * d) + l] = s[(j * (d + 1)) + l] / count;
                    }
                }
            }

            c = next;
            var info = new IterationInfo(it, Math.Max(0, inertia));
            history.Add(info);
            progress?.Report(info);
        }

        sw.Stop();
        return new AppResult("kmeans", "inertia", history, NDArray.From(c, new Shape(k, d)), sw.Elapsed,
            $"{k} centres in {d} dimensions from {x.Shape[0]} rows; inertia {history[^1].Objective:G6} after {iterations} steps");
    }
}
