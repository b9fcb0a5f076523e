using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Spartan.Cluster;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan cluster start --workers N`: the primary (membership) silo in this process plus N worker
/// processes on this machine. Prints `cluster address: HOST:PORT` once every worker has joined; Ctrl+C stops the
/// workers (by closing their standard input), then the primary. With `--membership redis://HOST:PORT` there is no
/// primary: only the N workers start, registered in Redis, and it prints `cluster membership: redis://...`.</summary>
internal sealed class ClusterStartCommand : AsyncCommand<ClusterStartCommand.Settings>
{
    private static readonly TimeSpan s_joinTimeout = TimeSpan.FromSeconds(90);

    public sealed class Settings : ClusterAccessSettings
    {
        [CommandOption("--workers <N>")]
        [Description("Number of worker processes (default: SpartanOptions.Workers, else one per core).")]
        public int? Workers { get; init; }

        [CommandOption("--port <PORT>")]
        [Description("The cluster's port (the primary silo; clients use PORT+1); default: a free pair.")]
        public int? Port { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Workers is <= 0 ? Spectre.Console.ValidationResult.Error($"--workers must be at least 1, got {Workers}")
            : Port is <= 0 or >= 65535 ? Spectre.Console.ValidationResult.Error($"--port must be from 1 to 65534, got {Port}")
            : Spectre.Console.ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SpartanOptions options = settings.Apply(SpartanConfiguration.Load(context.Remaining.Raw));
        int n = settings.Workers ?? options.Workers ?? Environment.ProcessorCount;
        using var signal = new ShutdownSignal(cancellationToken);

        // With a membership table (Redis) there is no primary: the workers register in the table, and clients find them
        // there. Otherwise the primary silo runs in this process and holds the development table.
        Task primary = Task.CompletedTask;
        string address;
        if (ClusterAccessSettings.HasStore(options))
        {
            if (settings.Port is not null)
            {
                throw new ArgumentException($"--port is not used with --membership '{options.Membership}': there is no primary silo; workers pick free ports");
            }

            address = options.Membership!;
        }
        else
        {
            var primaryReady = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var primaryOptions = new WorkerHostOptions
            {
                Primary = true,
                Port = settings.Port,
                AdvertisedHost = "127.0.0.1",
                Configuration = options,
            };
            primary = WorkerHost.RunAsync(primaryOptions, line => primaryReady.TrySetResult(line), signal.Token);
            if (await Task.WhenAny(primaryReady.Task, primary) == primary)
            {
                await primary; // rethrows the startup failure
                throw new SpartanException("the primary silo stopped before it was ready");
            }

            // "primary ready: 127.0.0.1:PORT (...)"
            address = (await primaryReady.Task)["primary ready: ".Length..].Split(' ')[0];
        }

        var workers = new List<WorkerProcess>();
        try
        {
            for (int i = 0; i < n; i++)
            {
                workers.Add(WorkerProcess.Start(i, address, options));
            }

            foreach (WorkerProcess w in workers)
            {
                await w.Ready.WaitAsync(s_joinTimeout, signal.Token).ConfigureAwait(false);
            }

            // With Redis, the "address" is the membership table: drivers connect with --membership.
            Console.Out.WriteLine(ClusterAccessSettings.HasStore(options) ? $"cluster membership: {address}" : $"cluster address: {address}");
            Console.Out.WriteLine($"workers: {n} (pids {string.Join(", ", workers.Select(w => w.Pid))}); press Ctrl+C to stop");
            Console.Out.Flush();
            await Task.Delay(Timeout.Infinite, signal.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (TimeoutException)
        {
            WorkerProcess? late = workers.FirstOrDefault(w => !w.Ready.IsCompleted);
            throw new SpartanException($"worker {late?.Index} did not report 'worker ready' within {s_joinTimeout.TotalSeconds:F0} s");
        }
        finally
        {
            Console.Out.WriteLine("stopping workers");
            await Task.WhenAll(workers.Select(w => w.StopAsync(TimeSpan.FromSeconds(20)))).ConfigureAwait(false);
            signal.Stop();
            await primary.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Console.Out.WriteLine("cluster stopped");
        }

        return 0;
    }

    /// <summary>A child `spartan worker` process; its stderr is forwarded with a prefix.</summary>
    private sealed class WorkerProcess
    {
        private readonly Process _process;
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private WorkerProcess(int index, Process process)
        {
            Index = index;
            _process = process;
        }

        public int Index { get; }

        public int Pid => _process.Id;

        public Task Ready => _ready.Task;

        public static WorkerProcess Start(int index, string address, SpartanOptions options)
        {
            var psi = new ProcessStartInfo
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            string self = Environment.ProcessPath ?? throw new SpartanException("cannot find this program's path to start workers");
            psi.FileName = self;
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
            }

            bool store = ClusterAccessSettings.HasStore(options);
            foreach (string a in new[] { "worker", store ? "--membership" : "--join", address, "--watch-stdin", $"--log-level={options.LogLevel}" })
            {
                psi.ArgumentList.Add(a);
            }

            // The secret and the TLS settings go by environment, not argv, so `ps` does not show them.
            foreach ((string name, string? value) in new[]
            {
                ("SPARTAN_SECRET", options.Secret),
                ("SPARTAN_TLS_CERTIFICATE", options.TlsCertificate is null ? null : Path.GetFullPath(options.TlsCertificate)),
                ("SPARTAN_TLS_CERTIFICATE_PASSWORD", options.TlsCertificatePassword),
                ("SPARTAN_TLS_THUMBPRINT", options.TlsThumbprint),
            })
            {
                if (value is not null)
                {
                    psi.Environment[name] = value;
                }
            }

            Process p = Process.Start(psi) ?? throw new SpartanException($"could not start worker {index}");
            var w = new WorkerProcess(index, p);
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    w._ready.TrySetException(new SpartanException($"worker {index} exited before it was ready"));
                    return;
                }

                if (e.Data.StartsWith("worker ready:", StringComparison.Ordinal))
                {
                    w._ready.TrySetResult();
                }

                Console.Out.WriteLine($"[worker {index.ToString(CultureInfo.InvariantCulture)}] {e.Data}");
            };
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    Console.Error.WriteLine($"[worker {index.ToString(CultureInfo.InvariantCulture)}] {e.Data}");
                }
            };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return w;
        }

        public async Task StopAsync(TimeSpan grace)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.StandardInput.Close();
                    using var cts = new CancellationTokenSource(grace);
                    await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
            {
                _process.Kill(entireProcessTree: true);
            }
            finally
            {
                _process.Dispose();
            }
        }
    }
}
