using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan status --cluster HOST:PORT`: the workers of a cluster (exit 0 when it answers).</summary>
internal sealed class StatusCommand : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : ClusterAccessSettings
    {
        [CommandOption("--cluster <ADDRESS>")]
        [Description("The cluster: the HOST:PORT that `spartan cluster start` printed (also SPARTAN_CLUSTER).")]
        public string? Cluster { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SpartanOptions options = SpartanConfiguration.Load(context.Remaining.Raw);
        settings.Apply(options);
        options.Cluster = settings.Cluster ?? options.Cluster;
        if (options.Cluster is null && !ClusterAccessSettings.HasStore(options))
        {
            throw new ArgumentException("--cluster HOST:PORT or --membership redis://HOST:PORT is required");
        }

        IReadOnlyList<ClusterWorkerInfo> workers = await SpartanCluster.StatusAsync(options, cancellationToken);
        var table = new Table().AddColumns("id", "host", "address", "alive", "last heartbeat", "tiles", "bytes", "CPU", "memory", "data plane", "served");
        foreach (ClusterWorkerInfo w in workers)
        {
            table.AddRow(
                w.Id.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(w.Host),
                Markup.Escape(w.Address),
                w.Alive ? "[green]yes[/]" : "[red]no[/]",
                w.LastHeartbeat.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                w.Tiles.ToString(CultureInfo.InvariantCulture),
                Bytes(w.Bytes),
                $"{w.CpuPercent:F0}%",
                Bytes(w.MemoryBytes),
                Markup.Escape(w.DataEndpoint ?? "-"),
                $"{w.DataPlaneReads.ToString(CultureInfo.InvariantCulture)} reads, {Bytes(w.DataPlaneBytes)}");
        }

        AnsiConsole.MarkupLine($"cluster [bold]{Markup.Escape(options.Cluster ?? options.Membership!)}[/]: {workers.Count} worker(s)");
        AnsiConsole.Write(table);
        return 0;
    }

    private static string Bytes(long b) => b switch
    {
        >= 1L << 30 => $"{b / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{b / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{b / 1024.0:F1} KiB",
        _ => $"{b} B",
    };
}
