using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>One of W1–W10 (../shared/peers/README.md): how Spartan runs it, its reference peer lines and target.</summary>
internal abstract class Workload
{
    /// <summary>"W1" … "W10".</summary>
    public abstract string Id { get; }

    /// <summary>A short human title.</summary>
    public abstract string Title { get; }

    /// <summary>The ratio target (peer ÷ Spartan) from the README table.</summary>
    public abstract double Target { get; }

    /// <summary>Whether the ratio compares per-task cost (W7) rather than median seconds.</summary>
    public virtual bool PerTask => false;

    /// <summary>Whether a peer line (system, variant) is one of the README's reference lines for this workload.</summary>
    public abstract bool IsReference(string system, string variant);

    /// <summary>Whether a peer line's size is the size of this measurement (the ratio compares only those).</summary>
    public virtual bool SameSize(JsonNode peer, JsonObject mine) => JsonNode.DeepEquals(peer, mine);

    /// <summary>Null when the engine can express the workload; otherwise the error text naming the missing builtin.</summary>
    public virtual string? Missing() => null;

    /// <summary>Runs the workload: inputs (untimed), warm-up, timed runs, check; emits measurement lines.</summary>
    public abstract void Run(BenchEnv env);

    /// <summary>Describes the state of a builtin that the workload needs: absent from the public API, or present.</summary>
    protected static bool HasBuiltin(string name) => typeof(Sp).GetMethods().Any(m => m.Name == name);

    /// <summary>The error line text for a workload whose builtin is missing.</summary>
    protected static string MissingText(string builtin, string what) =>
        $"builtin {builtin} is not implemented in the engine yet ({what}); spartan bench does not emulate it with user kernels";
}

/// <summary>One Spartan measurement, as the command needs it for the compare line and the plot.</summary>
internal sealed record Measurement(string Workload, string Variant, JsonObject Size, double MedianS, double? UsPerTask, double? Gbps, bool? Ok, bool Main);

/// <summary>What a workload runs against: options, the context, the output, and the measurements it made.</summary>
internal sealed class BenchEnv
{
    public BenchEnv(BenchOptions options, SpartanContext context, JsonLines json, Action<string> human)
    {
        Options = options;
        Context = context;
        Json = json;
        Human = human;
    }

    public BenchOptions Options { get; }

    public SpartanContext Context { get; }

    public JsonLines Json { get; }

    public Action<string> Human { get; }

    public List<Measurement> Measurements { get; } = [];

    public string Variant => $"embedded {Context.NumWorkers} workers";

    public bool Quick => Options.Quick;

    /// <summary>Emits a measurement line (JSON or a human line) and records it.</summary>
    public void Emit(JsonObject rec, bool main = true)
    {
        if (Options.Profile)
        {
            JsonObject prof = Runner.LastProfile.ToJson(rec["tasks"]?.GetValue<int>());
            rec["profile"] = prof;
            Log($"{rec["workload"]} profile (timed runs, per run): {JsonLines.Format(prof)}");
        }

        double med = rec["median_s"]!.GetValue<double>();
        double? us = rec["us_per_task"]?.GetValue<double>();
        double? gbps = rec["gbps"]?.GetValue<double>();
        bool? ok = rec["ok"]?.GetValue<bool>();
        Measurements.Add(new Measurement(rec["workload"]!.GetValue<string>(), rec["variant"]!.GetValue<string>(),
            (JsonObject)rec["size"]!, med, us, gbps, ok, main));
        if (Options.Json)
        {
            Json.Write(rec);
        }
        else
        {
            string extra = gbps is double g ? $"  {g:F1} GB/s" : "";
            extra += rec["gflops"] is JsonNode gf ? $"  {gf.GetValue<double>():F2} GFLOP/s" : "";
            extra += us is double u ? $"  {u:F2} us/task ({rec["tasks"]} tasks)" : "";
            extra += rec["nchunks"] is JsonNode nc ? $"  {nc} tiles" : "";
            Human($"{rec["workload"]} spartan {rec["variant"]} {JsonLines.Format(rec["size"]!)}  median {Fmt.Seconds(med)} (min {Fmt.Seconds(rec["min_s"]!.GetValue<double>())}, {rec["runs"]} runs){extra}  ok={(ok is null ? "-" : ok.Value ? "yes" : "NO")}");
        }
    }

    /// <summary>Logs progress to stderr.</summary>
    public void Log(string message) => Console.Error.WriteLine($"[bench] {message}");

    /// <summary>The peer's exact input <paramref name="name"/> of workload <paramref name="id"/> (with --inputs), else
    /// the generated one; evaluated, untimed.</summary>
    public DistArray Input(string id, string name, JsonObject size, Func<Expr> generate)
    {
        if (Options.InputsDir is not string dir)
        {
            return generate().Evaluate();
        }

        Expected exp = Expected.Load(dir, id);
        if (!JsonNode.DeepEquals(exp.Size, size) || exp.Quick != Quick)
        {
            throw new ArgumentException($"--inputs {dir}: {id}/expected.json is for size {JsonLines.Format(exp.Size)} (quick={exp.Quick}), but this run uses {JsonLines.Format(size)} (quick={Quick}); run make_inputs.py {id}{(Quick ? " --quick" : "")}");
        }

        if (!exp.Inputs.TryGetValue(name, out string? file))
        {
            throw new ArgumentException($"--inputs {dir}: {id}/expected.json has no input '{name}'");
        }

        return Sp.FromNpy(Path.Combine(dir, id, file)).Evaluate();
    }

    /// <summary>Adds "inputs" and, with --inputs, "checksum" and the checksum verdict to a measurement line.</summary>
    public bool AddChecksum(JsonObject rec, string id, Func<JsonObject> checksum, bool ok)
    {
        if (Options.InputsDir is not string dir)
        {
            rec["inputs"] = "generated";
            return ok;
        }

        JsonObject mine = checksum();
        Expected exp = Expected.Load(dir, id);
        bool match = true;
        foreach ((string key, JsonNode? refNode) in exp.Checksum)
        {
            double r = refNode!.GetValue<double>();
            double x = mine[key]?.GetValue<double>() ?? double.NaN;
            match &= Math.Abs(x - r) <= 1e-9 * Math.Abs(r) + 1e-12;
        }

        rec["checksum"] = mine;
        rec["inputs"] = dir;
        return ok && match;
    }
}

/// <summary>Run options the workloads see.</summary>
internal sealed record BenchOptions(bool Quick, int Reps, int Warmup, int Workers, bool Json, string? InputsDir, bool Profile = false);

/// <summary>make_inputs.py's expected.json of one workload.</summary>
internal sealed record Expected(JsonObject Size, bool Quick, Dictionary<string, string> Inputs, JsonObject Checksum)
{
    public static Expected Load(string dir, string id)
    {
        string path = Path.Combine(dir, id, "expected.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"--inputs {dir}: {path} does not exist; run make_inputs.py {id} --out {dir}", path);
        }

        JsonObject o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var inputs = o["inputs"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
        return new Expected((JsonObject)o["size"]!, o["quick"]!.GetValue<bool>(), inputs, (JsonObject)o["checksum"]!);
    }
}

/// <summary>Human number formats.</summary>
internal static class Fmt
{
    public static string Seconds(double s) => s >= 1 ? $"{s:F3}s" : s >= 1e-3 ? $"{s * 1e3:F2}ms" : $"{s * 1e6:F0}us";
}
