using Spartan.Examples;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan apps`: lists the applications that `spartan run` knows.</summary>
internal sealed class AppsCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("app", "objective", "description");
        foreach (IApp app in Apps.All)
        {
            table.AddRow(Markup.Escape(app.Name), Markup.Escape(app.ObjectiveName), Markup.Escape(app.Description));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
