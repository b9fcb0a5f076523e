using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Spartan.Cluster.Tests;

/// <summary>
/// A real redis-server for one test class: its own temp directory, a free 127.0.0.1 port, no persistence
/// (<c>--save "" --appendonly no</c>). A Redis that apt started as a service is never used. When redis-server is not
/// installed the fixture fails with how to install it: the membership tests must not pass by skipping.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private RedisServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(TimeSpan timeout)
    {
        string exe = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not installed (not on PATH); the Redis membership tests need it: apt-get install -y redis-server (.ci/run installs it)");
        string dir = Path.Combine(Path.GetTempPath(), "spartan-redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        int port = FreePort();
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (string a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir })
        {
            psi.ArgumentList.Add(a);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"redis-server exited before it was ready: {string.Join(" | ", output.TakeLast(5))}"));
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var server = new RedisServer(p, dir, port);
        try
        {
            await ready.Task.WaitAsync(timeout);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin").Append("/usr/local/bin")
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
