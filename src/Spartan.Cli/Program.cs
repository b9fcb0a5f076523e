using Spartan;
using Spartan.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("spartan");
    config.PropagateExceptions();
    config.AddCommand<DemoCommand>("demo")
        .WithDescription("Run a built-in demo on the embedded workers (default: a short tour) and print results and timings.")
        .WithExample("demo", "--workers", "3");
});

try
{
    return await app.RunAsync(args);
}
catch (Exception e) when (e is CommandParseException or CommandRuntimeException or ArgumentException or SpartanException or IOException or InvalidDataException)
{
    // Every command fails with one line on bad input.
    AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
    return 1;
}
