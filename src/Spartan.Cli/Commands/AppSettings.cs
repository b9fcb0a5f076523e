using System.ComponentModel;
using Spartan.Examples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>What `spartan run` and `spartan explain` both take: the application, its data size and shape, the
/// workers.</summary>
internal class AppSettings : CommandSettings
{
    [CommandArgument(0, "<APP>")]
    [Description("The application (`spartan apps` lists them): kmeans, logreg, linreg, ridge, cg, pagerank.")]
    public string App { get; init; } = "";

    [CommandOption("--size <N>")]
    [Description("Rows of the data (cg: the order of the system). Default 100000 (cg: 1000).")]
    public long? Size { get; init; }

    [CommandOption("--workers <N>")]
    [Description("Number of in-process workers (default: one per core).")]
    public int? Workers { get; init; }

    [CommandOption("-k|--clusters <K>")]
    [Description("Clusters for kmeans (default 8); `--k K` works too.")]
    public int K { get; init; } = 8;

    [CommandOption("--dims <D>")]
    [Description("Features per row (default 16).")]
    public int Dimensions { get; init; } = 16;

    /// <summary>The data size: <see cref="Size"/>, or the application's default.</summary>
    public long SizeFor(IApp app) => Size ?? (app.Name == "cg" ? 1000 : 100_000);

    public override ValidationResult Validate()
    {
        if (Apps.Find(App) is null)
        {
            return ValidationResult.Error($"unknown app '{App}'; available: {string.Join(", ", Apps.All.Select(a => a.Name))}");
        }

        return (Workers, Size, K, Dimensions) switch
        {
            ( <= 0, _, _, _) => ValidationResult.Error($"--workers must be at least 1, got {Workers}"),
            (_, <= 0, _, _) => ValidationResult.Error($"--size must be positive, got {Size}"),
            (_, _, <= 0, _) => ValidationResult.Error($"--k must be positive, got {K}"),
            (_, _, _, <= 0) => ValidationResult.Error($"--dims must be positive, got {Dimensions}"),
            _ => ValidationResult.Success(),
        };
    }
}
