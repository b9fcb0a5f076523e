using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Spartan.Cluster.Tests;

/// <summary>
/// A real cluster on 127.0.0.1: the primary (membership) silo and three worker processes, each `dotnet spartan.dll`,
/// started once for the test class and killed at the end. Readiness is the line each process prints; every wait
/// has a timeout that names what it waited for.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Workers = 3;
    private static readonly TimeSpan s_ready = TimeSpan.FromSeconds(90);
    private readonly List<ChildProcess> _processes = [];

    public string Address { get; private set; } = "";

    public string Secret { get; } = "cluster-tests-" + Guid.NewGuid().ToString("N");

    public static string CliPath =>
        Environment.GetEnvironmentVariable("SPARTAN_CLI")
        ?? typeof(ClusterFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SpartanCli").Value!;

    public SpartanOptions Options(string? secret = null) => new() { Cluster = Address, Secret = secret ?? Secret };

    /// <summary>SIGKILLs worker process <paramref name="index"/> (0..Workers-1; the primary is never killed) and waits
    /// until it has exited.</summary>
    public void KillWorker(int index) => _processes[1 + index].KillNow();

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(CliPath), $"the spartan CLI is not built at {CliPath}");
        int port = FreePortPair();
        Address = $"127.0.0.1:{port}";
        try
        {
            await StartPrimaryAndWorkers(Start, "", port, Workers);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        // Workers first, then the primary that holds membership.
        for (int i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Kill();
        }

        _processes.Clear();
        return Task.CompletedTask;
    }

    /// <summary>Runs the CLI to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCli(TimeSpan timeout, IDictionary<string, string>? env, params string[] args)
    {
        using var p = new Process { StartInfo = StartInfo(env, args) };
        p.Start();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"`spartan {string.Join(' ', args)}` did not exit within {timeout.TotalSeconds:F0} s");
        }

        return (p.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts the primary silo on <paramref name="port"/> and <paramref name="workers"/> workers that join
    /// it, each through <paramref name="start"/> (name, arguments), and waits for every ready line.</summary>
    internal static async Task StartPrimaryAndWorkers(Func<string, string[], ChildProcess> start, string label, int port, int workers)
    {
        ChildProcess primary = start($"{label}primary", ["worker", "--primary", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await primary.WaitForLine("primary ready:", s_ready);
        var joined = new List<ChildProcess>();
        for (int i = 0; i < workers; i++)
        {
            joined.Add(start($"{label}worker {i}", ["worker", "--join", $"127.0.0.1:{port}"]));
        }

        foreach (ChildProcess w in joined)
        {
            await w.WaitForLine("worker ready:", s_ready);
        }
    }

    private ChildProcess Start(string name, params string[] args)
    {
        var child = new ChildProcess(name, new Process { StartInfo = StartInfo(new Dictionary<string, string> { ["SPARTAN_SECRET"] = Secret }, args) });
        _processes.Add(child);
        child.Start();
        return child;
    }

    internal static ProcessStartInfo StartInfo(IDictionary<string, string>? env, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(CliPath);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // Isolate from the user's configuration.
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "spartan-cluster-tests-config");
        foreach (string k in psi.Environment.Keys.Where(k => k.StartsWith("SPARTAN_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(k);
        }

        foreach ((string k, string v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        return psi;
    }

    internal static int FreePortPair()
    {
        for (int attempt = 0; attempt < 64; attempt++)
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            try
            {
                using var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                next.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free pair of ports on 127.0.0.1");
    }

    /// <summary>A child process whose output lines are kept, so a wait can say what the process printed.</summary>
    internal sealed class ChildProcess(string name, Process process)
    {
        private readonly object _gate = new();
        private readonly List<string> _lines = [];
        private readonly List<(string Prefix, TaskCompletionSource Done)> _waits = [];
        private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Start()
        {
            process.OutputDataReceived += (_, e) => OnLine(e.Data, stdout: true);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data, stdout: false);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public async Task WaitForLine(string prefix, TimeSpan timeout)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    return;
                }

                _waits.Add((prefix, done));
            }

            Task first = await Task.WhenAny(done.Task, _exited.Task, Task.Delay(timeout));
            if (first != done.Task)
            {
                string output;
                lock (_gate)
                {
                    output = string.Join("\n", _lines.TakeLast(20));
                }

                throw new TimeoutException(first == _exited.Task
                    ? $"{name} exited before printing '{prefix}'; its output:\n{output}"
                    : $"{name} did not print '{prefix}' within {timeout.TotalSeconds:F0} s; its output:\n{output}");
            }
        }

        public void KillNow()
        {
            process.Kill(entireProcessTree: true);
            if (!process.WaitForExit(10_000))
            {
                throw new TimeoutException($"{name} did not exit within 10 s of SIGKILL");
            }
        }

        public void Kill()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        private void OnLine(string? line, bool stdout)
        {
            if (line is null)
            {
                if (stdout)
                {
                    _exited.TrySetResult();
                }

                return;
            }

            lock (_gate)
            {
                _lines.Add(line);
                foreach ((string prefix, TaskCompletionSource done) in _waits)
                {
                    if (stdout && line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        done.TrySetResult();
                    }
                }
            }
        }
    }
}
