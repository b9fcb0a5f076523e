using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spartan.Cli.Bench;

/// <summary>Writes one JSON object per stdout line, in the peer harness's schema (bench_peers.py): the same keys, the
/// same number forms, '+' and '&lt;' unescaped. Progress and logs go to stderr.</summary>
internal sealed class JsonLines
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TextWriter _out;
    private readonly object _gate = new();

    public JsonLines(TextWriter output) => _out = output;

    public static string Format(JsonNode node) => node.ToJsonString(Compact);

    public void Write(JsonNode node) => WriteRaw(Format(node));

    public void WriteRaw(string line)
    {
        lock (_gate)
        {
            _out.WriteLine(line);
            _out.Flush();
        }
    }

    /// <summary>Seconds rounded to 1 µs, as the peer's "times".</summary>
    public static double Round6(double seconds) => Math.Round(seconds, 6);

    /// <summary>A measurement record with the required keys in the peer's order.</summary>
    public static JsonObject Measurement(string workload, string variant, JsonObject size, IReadOnlyList<double> times,
        long? modelBytes, double? flops, bool? ok)
    {
        double med = Stats.Median(times);
        var rec = new JsonObject
        {
            ["workload"] = workload,
            ["system"] = "spartan",
            ["variant"] = variant,
            ["size"] = size.DeepClone(),
            ["median_s"] = med,
            ["min_s"] = times.Min(),
            ["max_s"] = times.Max(),
            ["runs"] = times.Count,
            ["times"] = new JsonArray(times.Select(t => (JsonNode?)JsonValue.Create(Round6(t))).ToArray()),
        };
        if (modelBytes is long mb)
        {
            rec["model_bytes"] = mb;
            rec["gbps"] = mb / med / 1e9;
        }

        if (flops is double fl)
        {
            rec["flops"] = fl == Math.Floor(fl) && fl < 9e15 ? JsonValue.Create((long)fl) : JsonValue.Create(fl);
            rec["gflops"] = fl / med / 1e9;
        }

        if (ok is bool b)
        {
            rec["ok"] = b;
        }

        return rec;
    }

    /// <summary>The line of a workload that cannot run (no median_s).</summary>
    public static JsonObject Error(string workload, string variant, string error) => new()
    {
        ["workload"] = workload,
        ["system"] = "spartan",
        ["variant"] = variant,
        ["error"] = error,
    };
}

/// <summary>Order statistics of the timed runs.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyList<double> xs)
    {
        if (xs.Count == 0)
        {
            return double.NaN;
        }

        double[] s = xs.ToArray();
        Array.Sort(s);
        int h = s.Length / 2;
        return s.Length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }
}
