namespace Spartan.Examples;

/// <summary>One application: generates its data in the current Spartan context and runs to a result.</summary>
public interface IApp
{
    /// <summary>The name used on the command line (<c>spartan run NAME</c>).</summary>
    string Name { get; }

    /// <summary>A one-line description.</summary>
    string Description { get; }

    /// <summary>What the per-iteration objective measures ("inertia", "log-loss", ...).</summary>
    string ObjectiveName { get; }

    /// <summary>Runs the application on generated data. Progress (iteration, objective) is reported after each step.</summary>
    /// <param name="options">The problem size and parameters.</param>
    /// <param name="progress">Receives each iteration's objective; may be null.</param>
    /// <returns>The result with the objective of every iteration.</returns>
    /// <exception cref="ArgumentException">A parameter is invalid (k &lt;= 0, size &lt;= 0, ...).</exception>
    AppResult Run(AppOptions options, IProgress<IterationInfo>? progress = null);

    /// <summary>The application's main expression, one step on data generated for <paramref name="options"/>, not
    /// evaluated (<c>spartan explain</c> prints its plan). Its inputs are evaluated arrays that live as long as it.</summary>
    /// <exception cref="ArgumentException">A parameter is invalid.</exception>
    Expr MainExpression(AppOptions options);
}

/// <summary>The parameters every application reads (each uses the ones it needs).</summary>
public sealed record AppOptions
{
    /// <summary>Rows of the data (for CG: the order of the system).</summary>
    public long Size { get; init; } = 100_000;

    /// <summary>Features per row.</summary>
    public int Dimensions { get; init; } = 16;

    /// <summary>Iterations (Lloyd steps, gradient steps, CG steps).</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Clusters (k-means).</summary>
    public int K { get; init; } = 8;

    /// <summary>The ridge penalty.</summary>
    public double Lambda { get; init; } = 1.0;

    /// <summary>The gradient-descent step (logistic regression).</summary>
    public double LearningRate { get; init; } = 0.5;

    /// <summary>The data seed.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Checks the values the applications share.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, dimension, iteration count or k is not positive.</exception>
    public void Validate()
    {
        if (Size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Size), $"size must be positive, got {Size}");
        }

        if (Dimensions <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Dimensions), $"dimensions must be positive, got {Dimensions}");
        }

        if (Iterations <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Iterations), $"iterations must be positive, got {Iterations}");
        }

        if (K <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(K), $"k must be positive, got {K}");
        }
    }
}

/// <summary>One step's progress.</summary>
/// <param name="Iteration">The step, from 1.</param>
/// <param name="Objective">The objective after (k-means: at the start of) the step.</param>
public sealed record IterationInfo(int Iteration, double Objective);

/// <summary>What an application produced.</summary>
/// <param name="App">The application's name.</param>
/// <param name="ObjectiveName">What the objective measures.</param>
/// <param name="History">The objective of every iteration, in order.</param>
/// <param name="Solution">The answer: centres (k x d), weights (d), or the solution vector.</param>
/// <param name="Elapsed">Wall time of the run (data generation excluded).</param>
/// <param name="Summary">A one-line summary.</param>
public sealed record AppResult(string App, string ObjectiveName, IReadOnlyList<IterationInfo> History, NDArray Solution, TimeSpan Elapsed, string Summary);

/// <summary>The registry of applications.</summary>
public static class Apps
{
    /// <summary>Every application, in listing order.</summary>
    public static IReadOnlyList<IApp> All { get; } =
        [new KMeans(), new LogisticRegression(), new LinearRegression(ridge: false), new LinearRegression(ridge: true), new ConjugateGradient(), new PageRank()];

    /// <summary>The application named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IApp? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
