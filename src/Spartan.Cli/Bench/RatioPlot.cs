using ScottPlot;

namespace Spartan.Cli.Bench;

/// <summary>A PNG bar chart of the same-run ratios (peer ÷ Spartan) per workload, on a log scale (bars grow up from
/// parity 1x, down when Spartan is slower), with each target as a dashed line.</summary>
internal static class RatioPlot
{
    private static readonly double[] TickRatios = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 1.25, 1.5, 2, 5, 10, 20, 50, 100, 200];

    public sealed record Entry(string Workload, string Peer, double Ratio, double Target);

    public static void Save(string path, IReadOnlyList<Entry> entries, string title)
    {
        var plt = new Plot();
        var bars = new List<Bar>();
        double lo = 0, hi = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            Entry e = entries[i];
            double v = Math.Log10(e.Ratio);
            lo = Math.Min(lo, Math.Min(v, Math.Log10(e.Target)));
            hi = Math.Max(hi, Math.Max(v, Math.Log10(e.Target)));
            bars.Add(new Bar
            {
                Position = i,
                Value = v,
                ValueBase = 0,
                FillColor = e.Ratio >= e.Target ? Colors.SeaGreen : Colors.IndianRed,
                Label = $"{e.Ratio:0.00}x",
            });
        }

        var bp = plt.Add.Bars(bars);
        bp.ValueLabelStyle.FontSize = 14;
        for (int i = 0; i < entries.Count; i++)
        {
            double t = Math.Log10(entries[i].Target);
            var line = plt.Add.Line(i - 0.45, t, i + 0.45, t);
            line.LineWidth = 2;
            line.LineColor = Colors.Black;
            line.LinePattern = LinePattern.Dashed;
        }

        var one = plt.Add.HorizontalLine(0);
        one.LineColor = Colors.Gray;
        one.LineWidth = 1;
        plt.Axes.Bottom.SetTicks(
            Enumerable.Range(0, entries.Count).Select(i => (double)i).ToArray(),
            entries.Select(e => $"{e.Workload} vs {e.Peer}\ntarget {e.Target}x").ToArray());
        double[] ticks = TickRatios.Where(r => Math.Log10(r) >= lo - 0.35 && Math.Log10(r) <= hi + 0.35).ToArray();
        plt.Axes.Left.SetTicks(ticks.Select(Math.Log10).ToArray(), ticks.Select(r => $"{r:0.##}x").ToArray());
        plt.Axes.SetLimitsY(lo - 0.3, hi + 0.3);
        plt.Axes.SetLimitsX(-0.6, entries.Count - 0.4);
        plt.Title(title, size: 13);
        plt.YLabel("peer time / Spartan time (log; dashed = target)", size: 13);
        plt.SavePng(path, Math.Max(760, 190 * entries.Count), 560);
    }
}
