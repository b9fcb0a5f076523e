using System.ComponentModel;
using System.Globalization;
using ScottPlot;
using Spartan.Examples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan run APP`: runs one application on the embedded workers, printing each iteration's objective and a
/// summary, and optionally plotting the convergence to a PNG.</summary>
internal sealed class RunCommand : Command<RunCommand.Settings>
{
    public sealed class Settings : AppSettings
    {
        [CommandOption("--iters <N>")]
        [Description("Iterations (default 10; cg: 50).")]
        public int? Iterations { get; init; }

        [CommandOption("--lambda <L>")]
        [Description("The ridge penalty (default 1).")]
        public double Lambda { get; init; } = 1.0;

        [CommandOption("--seed <S>")]
        [Description("The data seed (default 42).")]
        public int Seed { get; init; } = 42;

        [CommandOption("--plot <PATH>")]
        [Description("Write a PNG of the objective per iteration.")]
        public string? Plot { get; init; }

        public override ValidationResult Validate() =>
            Iterations <= 0 ? ValidationResult.Error($"--iters must be positive, got {Iterations}") : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IApp app = Apps.Find(settings.App)!;
        bool cg = app.Name == "cg";
        var options = new AppOptions
        {
            Size = settings.SizeFor(app),
            Iterations = settings.Iterations ?? (cg ? 50 : 10),
            K = settings.K,
            Dimensions = settings.Dimensions,
            Lambda = settings.Lambda,
            Seed = settings.Seed,
        };
        options.Validate();
        using SpartanContext ctx = SpartanContext.StartLocal(settings.Workers);
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(app.Name)}[/] — {Markup.Escape(app.Description)}; {ctx.NumWorkers} workers");
        AppResult result = app.Run(options, new ConsoleProgress(app.ObjectiveName));
        AnsiConsole.MarkupLine($"[green]done[/] in {result.Elapsed.TotalSeconds:F3} s: {Markup.Escape(result.Summary)}");
        if (settings.Plot is { } path)
        {
            SavePlot(path, app, result);
            AnsiConsole.MarkupLine($"plot written to {Markup.Escape(path)}");
        }

        return 0;
    }

    private static void SavePlot(string path, IApp app, AppResult result)
    {
        var plt = new Plot();
        double[] xs = result.History.Select(h => (double)h.Iteration).ToArray();
        double[] ys = result.History.Select(h => h.Objective).ToArray();
        var line = plt.Add.Scatter(xs, ys);
        line.LineWidth = 2;
        line.MarkerSize = 6;
        plt.Title($"spartan run {app.Name}: {app.ObjectiveName} per iteration", size: 13);
        plt.XLabel("iteration");
        plt.YLabel(app.ObjectiveName);
        plt.SavePng(path, 760, 480);
    }

    /// <summary>Prints one line per iteration as it is reported (synchronously, so lines keep their order).</summary>
    private sealed class ConsoleProgress(string objective) : IProgress<IterationInfo>
    {
        public void Report(IterationInfo value) =>
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "  iteration {0,4}  {1} {2:G8}", value.Iteration, Markup.Escape(objective), value.Objective);
    }
}
