using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan demo`: a short tour of the embedded engine, with timings.</summary>
internal sealed class DemoCommand : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : ClusterAccessSettings
    {
        [CommandArgument(0, "[NAME]")]
        [Description("The demo to run: tour (default).")]
        public string Name { get; init; } = "tour";

        [CommandOption("--workers <N>")]
        [Description("Number of in-process workers (default: one per core).")]
        public int? Workers { get; init; }

        [CommandOption("--cluster <ADDRESS>")]
        [Description("Run on the cluster at HOST:PORT (`spartan cluster start` prints it) instead of embedded workers.")]
        public string? Cluster { get; init; }

        [CommandOption("--size <N>")]
        [Description("Rows of the demo matrix (default 2000000).")]
        public long Size { get; init; } = 2_000_000;

        public override ValidationResult Validate()
        {
            if (Workers is <= 0)
            {
                return ValidationResult.Error($"--workers must be at least 1, got {Workers}");
            }

            if (Size <= 0)
            {
                return ValidationResult.Error($"--size must be positive, got {Size}");
            }

            return Name == "tour" ? ValidationResult.Success() : ValidationResult.Error($"unknown demo '{Name}'; available: tour");
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SpartanOptions options = SpartanConfiguration.Load(context.Remaining.Raw);
        options.Cluster = settings.Cluster ?? options.Cluster;
        settings.Apply(options);
        options.Workers = settings.Workers ?? options.Workers;
        bool onCluster = options.Cluster is not null || ClusterAccessSettings.HasStore(options);
        using SpartanContext ctx = onCluster ? SpartanCluster.Connect(options) : SpartanContext.StartLocal(options.Workers);
        long n = settings.Size;
        string mode = !onCluster ? "embedded" : $"cluster {Markup.Escape(options.Cluster ?? options.Membership!)}";
        AnsiConsole.MarkupLine($"[bold]Spartan for .NET[/] — {mode}, [green]{ctx.NumWorkers}[/] workers on {Environment.ProcessorCount} cores");

        var table = new Table().AddColumns("step", "expression", "result", "time");
        table.Columns[3].RightAligned();
        Expr x = Sp.Rand((n, 8), seed: 42);
        Expr w = Sp.Randn(8, seed: 7);
        DistArray? xs = null;

        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
            .StartAsync(async p =>
            {
                ProgressTask task = p.AddTask("running the tour", maxValue: 6);
                xs = await Step(table, task, "create", $"Sp.Rand(({n}, 8), seed: 42)", () => x.EvaluateAsync(cancellationToken), r => $"{r.Shape}, {r.Tiles.Count} tiles");
                await Step(table, task, "fused map+reduce", "((x - 0.5) * 2).Square().Sum()", () => Task.FromResult(Sp.Square((xs - 0.5) * 2).Sum().Glom().ToScalar<double>()), v => $"{v:F3}  (expect ≈ {n * 8 / 3.0:F0})");
                await Step(table, task, "column means", "x.Mean(axis: 0)", () => Task.FromResult(xs.Mean(axis: 0).Glom()), v => Fmt(v));
                await Step(table, task, "broadcast", "(x * w).Sum(axis: 1).Max()", () => Task.FromResult((xs * w).Sum(axis: 1).Max().Glom().ToScalar<double>()), v => $"{v:F4}");
                await Step(table, task, "argmax", "x.Sum(axis: 1).ArgMax()", () => Task.FromResult(xs.Sum(axis: 1).ArgMax().Glom().ToScalar<long>()), v => $"row {v}");
                await Step(table, task, "user kernel", "Sp.Map(x, t => clip(t))", () => Task.FromResult(Sp.Map(xs, Clip).Max().Glom().ToScalar<double>()), v => $"max after clip {v:F2}");
            });

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("[grey]The plan of the fused reduction:[/]");
        AnsiConsole.WriteLine(Sp.Square((xs! - 0.5) * 2).Sum().Explain());
        return 0;
    }

    // A user kernel: runs on each tile where it lives; here it clamps values to 0.9.
    private static NDArray Clip(NDArray tile)
    {
        Span<double> s = tile.AsSpan<double>();
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = Math.Min(s[i], 0.9);
        }

        return tile;
    }

    private static string Fmt(NDArray a) => string.Join(", ", a.ToArray<double>().Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));

    private static async Task<T> Step<T>(Table table, ProgressTask task, string step, string code, Func<Task<T>> run, Func<T, string> show)
    {
        task.Description = step;
        var sw = Stopwatch.StartNew();
        T result = await run();
        sw.Stop();
        table.AddRow(Markup.Escape(step), $"[blue]{Markup.Escape(code)}[/]", Markup.Escape(show(result)), $"{sw.Elapsed.TotalMilliseconds:F1} ms");
        task.Increment(1);
        return result;
    }
}
