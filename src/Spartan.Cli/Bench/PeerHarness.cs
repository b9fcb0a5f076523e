using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>Runs ../shared/peers/bench_peers.py (Debian's /usr/bin/python3, without the OPENBLAS_* variables that
/// force a slower kernel) for one workload and collects its JSON lines.</summary>
internal sealed class PeerHarness
{
    public const string Python = "/usr/bin/python3";

    private PeerHarness(string script) => Script = script;

    public string Script { get; }

    /// <summary>Whether to let the harness run dask.distributed's LocalCluster part of W7 (~2 min, no reference line).</summary>
    public bool Distributed { get; init; }

    /// <summary>Finds the harness ($SPARTAN_PEERS, else ../shared/peers/bench_peers.py from the repository root) and
    /// checks that numpy imports; throws with one line saying to run install.sh otherwise.</summary>
    public static PeerHarness Locate(bool distributed)
    {
        string? path = Environment.GetEnvironmentVariable("SPARTAN_PEERS");
        if (string.IsNullOrEmpty(path))
        {
            string? root = RepoRoot();
            path = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "peers", "bench_peers.py"));
        }

        if (path is null || !File.Exists(path))
        {
            throw new PeerHarnessException($"peer harness not found ({path ?? "no repository root above the current directory and $SPARTAN_PEERS unset"}); set $SPARTAN_PEERS to bench_peers.py and run its install.sh as root");
        }

        if (!File.Exists(Python))
        {
            throw new PeerHarnessException($"{Python} does not exist; run {Path.Combine(Path.GetDirectoryName(path)!, "install.sh")} as root");
        }

        var psi = Start(["-c", "import numpy, numexpr, dask.array, scipy"]);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            string last = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {p.ExitCode}";
            throw new PeerHarnessException($"the peers do not import in {Python} ({last.Trim()}); run {Path.Combine(Path.GetDirectoryName(path)!, "install.sh")} as root");
        }

        return new PeerHarness(path) { Distributed = distributed };
    }

    /// <summary>Runs <c>bench_peers.py --only id --reps reps --warmup warmup [--quick]</c>; every stdout line goes to
    /// <paramref name="onLine"/> as it arrives (stderr is forwarded); returns the parsed JSON lines.</summary>
    public List<JsonObject> Run(string id, int reps, int warmup, bool quick, Action<string> onLine)
    {
        var args = new List<string>();
        if (Distributed)
        {
            args.Add(Script);
        }
        else
        {
            // README: blocking dask.distributed before run_path skips W7's LocalCluster part (no reference line).
            args.AddRange(["-c", "import sys, runpy; sys.modules['dask.distributed'] = None; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')", Script]);
        }

        args.AddRange(["--only", id, "--reps", reps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--warmup", warmup.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (quick)
        {
            args.Add("--quick");
        }

        ProcessStartInfo psi = Start(args);
        psi.WorkingDirectory = Path.GetDirectoryName(Script)!;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var lines = new List<JsonObject>();
        using Process p = new() { StartInfo = psi };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"[peers] {e.Data}");
            }
        };
        p.Start();
        p.BeginErrorReadLine();
        while (p.StandardOutput.ReadLine() is { } line)
        {
            onLine(line);
            try
            {
                if (JsonNode.Parse(line) is JsonObject o)
                {
                    lines.Add(o);
                }
            }
            catch (JsonException)
            {
                // Consumers skip non-JSON lines.
            }
        }

        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new PeerHarnessException($"bench_peers.py --only {id} failed with exit code {p.ExitCode}");
        }

        return lines;
    }

    private static ProcessStartInfo Start(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Python) { UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("OPENBLAS_CORETYPE");
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        return psi;
    }

    private static string? RepoRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Spartan.slnx")))
                {
                    return d.FullName;
                }
            }
        }

        return null;
    }
}

/// <summary>The peer harness is missing or broken (one line, non-zero exit).</summary>
internal sealed class PeerHarnessException(string message) : IOException(message);
