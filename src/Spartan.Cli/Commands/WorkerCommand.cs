using System.ComponentModel;
using Spartan.Cluster;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan worker --join HOST:PORT`: one worker process (an Orleans silo) that joins a cluster.</summary>
internal sealed class WorkerCommand : AsyncCommand<WorkerCommand.Settings>
{
    public sealed class Settings : CommandSettings
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

        [CommandOption("--secret <SECRET>")]
        [Description("The cluster's shared secret (also SPARTAN_SECRET or the ini file).")]
        public string? Secret { get; init; }

        [CommandOption("--watch-stdin")]
        [Description("Stop when standard input closes (used by `spartan cluster start`).")]
        public bool WatchStdin { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            !Primary && string.IsNullOrWhiteSpace(Join)
                ? Spectre.Console.ValidationResult.Error("--join HOST:PORT is required (the address `spartan cluster start` printed)")
                : Port is <= 0 or >= 65535
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

        var host = new WorkerHostOptions
        {
            Join = settings.Join ?? options.Cluster,
            Primary = settings.Primary,
            Port = settings.Port,
            DataPort = settings.DataPort,
            AdvertisedHost = settings.Host,
            Secret = settings.Secret ?? options.Secret,
            LogLevel = options.LogLevel,
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
