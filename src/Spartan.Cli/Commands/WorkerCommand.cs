using System.ComponentModel;
using Spartan.Cluster;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan worker --join HOST:PORT` (or `--membership redis://HOST:PORT`): one worker process (an Orleans
/// silo) that joins a cluster.</summary>
internal sealed class WorkerCommand : AsyncCommand<WorkerCommand.Settings>
{
    public sealed class Settings : ClusterAccessSettings
    {
        [CommandOption("--join <ADDRESS>")]
        [Description("The cluster to join: the HOST:PORT that `spartan cluster start` printed.")]
        public string? Join { get; init; }

        [CommandOption("--primary")]
        [Description("Run the primary silo that holds the development membership table instead of a worker.")]
        public bool Primary { get; init; }

        [CommandOption("--port <PORT>")]
        [Description("Silo port (the gateway uses PORT+1); default: a free pair.")]
        public int? Port { get; init; }

        [CommandOption("--data-port <PORT>")]
        [Description("TCP port of the worker's data plane (tile reads between workers); default: one the OS picks.")]
        public int? DataPort { get; init; }

        [CommandOption("--host <HOST>")]
        [Description("The address other machines reach this worker at (default: the one that routes to the cluster).")]
        public string? Host { get; init; }

        [CommandOption("--watch-stdin")]
        [Description("Stop when standard input closes (used by `spartan cluster start`).")]
        public bool WatchStdin { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Port is <= 0 or >= 65535
                    ? Spectre.Console.ValidationResult.Error($"--port must be from 1 to 65534, got {Port}")
                    : DataPort is <= 0 or > 65535
                        ? Spectre.Console.ValidationResult.Error($"--data-port must be from 1 to 65535, got {DataPort}")
                        : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SpartanOptions options = SpartanConfiguration.Load(context.Remaining.Raw);
        using var signal = new ShutdownSignal(cancellationToken);
        if (settings.WatchStdin)
        {
            signal.WatchStandardInput();
        }

        settings.Apply(options);
        string? join = settings.Join ?? options.Cluster;
        if (!settings.Primary && join is null && !ClusterAccessSettings.HasStore(options))
        {
            // Checked here rather than in Validate: --membership may come from SPARTAN_MEMBERSHIP or the ini file.
            throw new ArgumentException("--join HOST:PORT (the address `spartan cluster start` printed) or --membership redis://HOST:PORT is required");
        }

        var host = new WorkerHostOptions
        {
            Join = join,
            Primary = settings.Primary,
            Port = settings.Port,
            DataPort = settings.DataPort,
            AdvertisedHost = settings.Host,
            Configuration = options,
        };
        await WorkerHost.RunAsync(host, line =>
        {
            // One plain line on stdout: scripts and tests wait for it.
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }, signal.Token);
        Console.Out.WriteLine(settings.Primary ? "primary stopped" : "worker stopped");
        return 0;
    }
}
