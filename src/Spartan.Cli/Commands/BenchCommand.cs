using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json.Nodes;
using Spartan.Cli.Bench;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>`spartan bench`: the W1–W10 workloads of ../shared/peers/README.md, optionally side by side with the
/// peers (NumPy, numexpr, Dask, SciPy) run in the same invocation, right before each of our measurements.</summary>
internal sealed class BenchCommand : Command<BenchCommand.Settings>
{
    private static readonly Workload[] All =
    [
        new W1FusedElementwise(), new W2FullReduction(), new W3MatrixProduct(), new W4KMeans(), new W5LogReg(),
        new W6PageRank(), new W7TaskOverhead(), new W8StridedView(), new W9Scan(), new W10Stencil(),
    ];

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[WORKLOAD]")]
        [Description("Workloads to run (W1 … W10; default: all). Also accepts a comma list.")]
        public string[] Workloads { get; init; } = [];

        [CommandOption("--json")]
        [Description("One JSON object per stdout line, in bench_peers.py's schema; progress goes to stderr.")]
        public bool Json { get; init; }

        [CommandOption("--peers")]
        [Description("Run the peer harness (bench_peers.py) for each workload right before our measurement and print the ratio.")]
        public bool Peers { get; init; }

        [CommandOption("--peers-distributed")]
        [Description("Let the harness also run W7's dask.distributed LocalCluster part (~2 min, not a reference).")]
        public bool PeersDistributed { get; init; }

        [CommandOption("--quick")]
        [Description("The README's small sizes (a smoke test).")]
        public bool Quick { get; init; }

        [CommandOption("--reps <N>")]
        [Description("Timed runs per measurement (default 5); the median is reported.")]
        public int Reps { get; init; } = 5;

        [CommandOption("--warmup <N>")]
        [Description("Untimed warm-up runs before the timed ones (default 1).")]
        public int Warmup { get; init; } = 1;

        [CommandOption("--workers <N>")]
        [Description("Embedded workers (default 2).")]
        public int Workers { get; init; } = 2;

        [CommandOption("--inputs <DIR>")]
        [Description("Use the peer's exact inputs written by make_inputs.py (DIR/Wn/*.npy, expected.json) and compare checksums.")]
        public string? Inputs { get; init; }

        [CommandOption("--profile")]
        [Description("Add a \"profile\" object (allocated bytes, GC counts and pause per timed run) to each measurement.")]
        public bool Profile { get; init; }

        [CommandOption("--plot <PATH>")]
        [Description("Write a PNG bar chart of the ratios (needs --peers).")]
        public string? Plot { get; init; }

        public override ValidationResult Validate()
        {
            if (Reps < 1)
            {
                return ValidationResult.Error($"--reps must be at least 1, got {Reps}");
            }

            if (Warmup < 0)
            {
                return ValidationResult.Error($"--warmup must be >= 0, got {Warmup}");
            }

            if (Workers < 1)
            {
                return ValidationResult.Error($"--workers must be at least 1, got {Workers}");
            }

            if (Inputs is not null && !Directory.Exists(Inputs))
            {
                return ValidationResult.Error($"--inputs {Inputs}: no such directory (write it with make_inputs.py W1 ... --out DIR)");
            }

            if (Plot is not null && !Peers)
            {
                return ValidationResult.Error("--plot needs --peers (it charts the same-run ratios)");
            }

            foreach (string w in Selected())
            {
                if (!All.Any(x => x.Id == w))
                {
                    return ValidationResult.Error($"unknown workload '{w}'; available: {string.Join(", ", All.Select(x => x.Id))}");
                }
            }

            return ValidationResult.Success();
        }

        public List<string> Selected() =>
            Workloads.SelectMany(w => w.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(w => w.ToUpperInvariant()).Distinct().ToList();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        List<string> ids = settings.Selected();
        Workload[] selected = ids.Count == 0 ? All : ids.Select(id => All.First(w => w.Id == id)).ToArray();
        var json = new JsonLines(Console.Out);
        Action<string> human = settings.Json ? _ => { } : line => Console.Out.WriteLine(line);

        PeerHarness? harness = settings.Peers ? PeerHarness.Locate(settings.PeersDistributed) : null;
        var options = new BenchOptions(settings.Quick, settings.Reps, settings.Warmup, settings.Workers, settings.Json,
            settings.Inputs is null ? null : Path.GetFullPath(settings.Inputs), settings.Profile);

        using SpartanContext ctx = SpartanContext.StartLocal(settings.Workers);
        var env = new BenchEnv(options, ctx, json, human);
        JsonObject meta = Meta(settings, ctx, harness);
        if (settings.Json)
        {
            json.Write(meta);
        }
        else
        {
            human($"spartan bench — {meta["date_utc"]}, .NET {meta["dotnet"]}, {ctx.NumWorkers} workers on {Environment.ProcessorCount} cpus, reps {settings.Reps}, warmup {settings.Warmup}{(settings.Quick ? ", quick" : "")}");
        }

        bool failed = false;
        var plot = new List<RatioPlot.Entry>();
        foreach (Workload w in selected)
        {
            long t0 = Stopwatch.GetTimestamp();
            if (w.Missing() is string missing)
            {
                Error(env, w, missing);
                failed = true;
                Done(env, w, t0);
                continue;
            }

            // The peers first, never at the same time as our measurement.
            List<JsonObject> peerLines = [];
            if (harness is not null)
            {
                env.Log($"{w.Id}: running the peer harness");
                peerLines = harness.Run(w.Id, settings.Reps, settings.Warmup, settings.Quick,
                    line =>
                    {
                        if (settings.Json)
                        {
                            json.WriteRaw(line);
                        }
                    });
                if (!settings.Json)
                {
                    HumanPeers(human, w, peerLines);
                }

                Runner.Quiesce();
            }

            int before = env.Measurements.Count;
            try
            {
                w.Run(env);
            }
            catch (Exception e) when (e is SpartanException or InvalidOperationException or NotSupportedException or ArgumentException or IOException or OutOfMemoryException)
            {
                Error(env, w, $"{e.GetType().Name}: {e.Message}");
                failed = true;
            }

            List<Measurement> mine = env.Measurements.Skip(before).ToList();
            failed |= mine.Any(m => m.Ok == false);
            if (harness is not null)
            {
                double? triad = peerLines.Where(l => l["probe"] is not null).Select(l => l["triad_best_gbps_2t"]?.GetValue<double>()).LastOrDefault();
                foreach (Measurement m in mine)
                {
                    if (Compare(env, w, m, peerLines, triad) is { } entry && m.Main)
                    {
                        plot.Add(entry);
                    }
                }
            }

            Done(env, w, t0);
        }

        if (settings.Plot is string plotPath && plot.Count > 0)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(plotPath));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            RatioPlot.Save(plotPath, plot, $"spartan bench --peers, {env.Variant}, {meta["date_utc"]}{(settings.Quick ? " (quick sizes)" : "")}");
            env.Log($"wrote {plotPath}");
        }

        return failed ? 1 : 0;
    }

    private static RatioPlot.Entry? Compare(BenchEnv env, Workload w, Measurement m, List<JsonObject> peerLines, double? triad)
    {
        JsonObject? best = null;
        double bestValue = double.PositiveInfinity;
        foreach (JsonObject l in peerLines)
        {
            if (l["workload"]?.GetValue<string>() != w.Id || l["median_s"] is null || l["size"] is not JsonNode size || !w.SameSize(size, m.Size))
            {
                continue;
            }

            if (!w.IsReference(l["system"]!.GetValue<string>(), l["variant"]!.GetValue<string>()))
            {
                continue;
            }

            double v = w.PerTask ? l["us_per_task"]?.GetValue<double>() ?? double.PositiveInfinity : l["median_s"]!.GetValue<double>();
            if (v < bestValue)
            {
                bestValue = v;
                best = l;
            }
        }

        if (best is null)
        {
            env.Log($"{w.Id}: no reference peer line of size {JsonLines.Format(m.Size)} in the harness output");
            return null;
        }

        double ours = w.PerTask ? m.UsPerTask!.Value : m.MedianS;
        double ratio = bestValue / ours;
        string peerSystem = best["system"]!.GetValue<string>(), peerVariant = best["variant"]!.GetValue<string>();
        var rec = new JsonObject
        {
            ["compare"] = w.Id,
            ["size"] = m.Size.DeepClone(),
            ["spartan_variant"] = m.Variant,
            ["spartan_s"] = m.MedianS,
            ["peer_system"] = peerSystem,
            ["peer_variant"] = peerVariant,
            ["peer_s"] = best["median_s"]!.GetValue<double>(),
            ["ratio"] = Math.Round(ratio, 3),
            ["target"] = w.Target,
        };
        if (w.PerTask)
        {
            rec["spartan_us_per_task"] = m.UsPerTask;
            rec["peer_us_per_task"] = bestValue;
        }

        if (triad is double t && m.Gbps is double g)
        {
            rec["stream_triad_gbps"] = t;
            rec["spartan_pct_stream"] = Math.Round(100 * g / t, 1);
            if (best["gbps"] is JsonNode pg)
            {
                rec["peer_pct_stream"] = Math.Round(100 * pg.GetValue<double>() / t, 1);
            }
        }

        rec["met"] = ratio >= w.Target;
        if (env.Options.Json)
        {
            env.Json.Write(rec);
        }
        else
        {
            string peer = $"{peerSystem}({peerVariant.Replace(" preallocated", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)})";
            string us = w.PerTask ? $" ({m.UsPerTask:F2} vs {bestValue:F1} us/task)" : "";
            string pct = rec["spartan_pct_stream"] is JsonNode p ? $"  [{p}% of STREAM triad {triad:F1} GB/s]" : "";
            env.Human($"{w.Id} spartan {Fmt.Seconds(m.MedianS)} {peer} {Fmt.Seconds(best["median_s"]!.GetValue<double>())} ratio {ratio:F2}x{us} target >={w.Target}x {(ratio >= w.Target ? "MET" : "not met")}{pct}");
        }

        return new RatioPlot.Entry(w.Id, peerSystem, ratio, w.Target);
    }

    private static void HumanPeers(Action<string> human, Workload w, List<JsonObject> lines)
    {
        foreach (JsonObject l in lines)
        {
            if (l["probe"] is not null)
            {
                human($"{w.Id} probe: STREAM triad {l["triad_best_gbps_2t"]} GB/s (2 threads)");
            }
            else if (l["median_s"] is JsonNode med)
            {
                string us = l["us_per_task"] is JsonNode u ? $"  {u.GetValue<double>():F1} us/task" : "";
                string gb = l["gbps"] is JsonNode g ? $"  {g.GetValue<double>():F1} GB/s" : "";
                string refMark = w.IsReference(l["system"]!.GetValue<string>(), l["variant"]!.GetValue<string>()) ? " *" : "";
                human($"{l["workload"]} {l["system"]} {l["variant"]} {JsonLines.Format(l["size"]!)}  median {Fmt.Seconds(med.GetValue<double>())}{gb}{us}{refMark}");
            }
        }
    }

    private static void Error(BenchEnv env, Workload w, string message)
    {
        if (env.Options.Json)
        {
            env.Json.Write(JsonLines.Error(w.Id, env.Variant, message));
        }
        else
        {
            env.Human($"{w.Id} spartan {env.Variant}: error: {message}");
        }

        env.Log($"{w.Id}: {message}");
    }

    private static void Done(BenchEnv env, Workload w, long t0)
    {
        double wall = Math.Round(Stopwatch.GetElapsedTime(t0).TotalSeconds, 1);
        if (env.Options.Json)
        {
            env.Json.Write(new JsonObject { ["done"] = w.Id, ["wall_s"] = wall });
        }
    }

    private static JsonObject Meta(Settings s, SpartanContext ctx, PeerHarness? harness) => new()
    {
        ["meta"] = true,
        ["system"] = "spartan",
        ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
        ["cpus"] = Environment.ProcessorCount,
        ["workers"] = ctx.NumWorkers,
        ["reps"] = s.Reps,
        ["warmup"] = s.Warmup,
        ["quick"] = s.Quick,
        ["vector512"] = Vector512.IsHardwareAccelerated,
        ["vector256"] = Vector256.IsHardwareAccelerated,
        ["server_gc"] = System.Runtime.GCSettings.IsServerGC,
        ["madvise_hugepage"] = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("SPARTAN_MADVISE_HUGEPAGE") != "0",
        ["peers"] = harness?.Script,
        ["inputs"] = s.Inputs is null ? "generated" : Path.GetFullPath(s.Inputs),
    };
}
