using System.ComponentModel;
using Spartan.Examples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan explain APP`: the plan of an application's main expression (one step) on generated data: the
/// expression after each optimizer stage, the tiling and the predicted bytes moved; `--dot` prints the DAG instead.</summary>
internal sealed class ExplainCommand : Command<ExplainCommand.Settings>
{
    public sealed class Settings : AppSettings
    {
        [CommandOption("--dot")]
        [Description("Print the expression DAG in graphviz DOT instead of the plan.")]
        public bool Dot { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IApp app = Apps.Find(settings.App)!;
        var options = new AppOptions
        {
            Size = settings.SizeFor(app),
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
