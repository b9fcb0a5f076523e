using System.ComponentModel;
using Spartan.Examples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan explain APP`: the plan of an application's main expression (one step) on generated data: the
/// expression after each optimizer stage, the tiling and the predicted bytes moved; `--dot` prints the DAG instead.</summary>
internal sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<APP>")]
        [Description("The application (`spartan apps` lists them).")]
        public string App { get; init; } = "";

        [CommandOption("--size <N>")]
        [Description("Rows of the generated data (cg: the order of the system). Default 100000 (cg: 1000).")]
        public long? Size { get; init; }

        [CommandOption("--workers <N>")]
        [Description("Number of in-process workers (default: one per core); the tiling depends on it.")]
        public int? Workers { get; init; }

        [CommandOption("-k|--clusters <K>")]
        [Description("Clusters for kmeans (default 8).")]
        public int K { get; init; } = 8;

        [CommandOption("--dims <D>")]
        [Description("Features per row (default 16).")]
        public int Dimensions { get; init; } = 16;

        [CommandOption("--dot")]
        [Description("Print the expression DAG in graphviz DOT instead of the plan.")]
        public bool Dot { get; init; }

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

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IApp app = Apps.Find(settings.App)!;
        var options = new AppOptions
        {
            Size = settings.Size ?? (app.Name == "cg" ? 1000 : 100_000),
            K = settings.K,
            Dimensions = settings.Dimensions,
        };
        using SpartanContext ctx = SpartanContext.StartLocal(settings.Workers);
        Expr main = app.MainExpression(options);
        if (settings.Dot)
        {
            Console.Out.WriteLine(main.ToDot());
            return 0;
        }

        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(app.Name)}[/] — {Markup.Escape(app.Description)}; {ctx.NumWorkers} workers, size {options.Size}");
        Console.Out.WriteLine(main.Explain());
        return 0;
    }
}
