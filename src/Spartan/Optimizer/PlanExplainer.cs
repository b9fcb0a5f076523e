using System.Globalization;
using System.Text;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan.Optimizer;

/// <summary>Explain(): the plan after each optimizer stage, then the lowering with each node's tiling, task count and
/// the bytes its tasks would read from other workers. The lowering is a dry run: nothing is computed or stored.</summary>
internal static class PlanExplainer
{
    public static string Explain(Node root, SpartanContext context)
    {
        var trace = new List<(string Stage, Node Plan)>();
        Node plan = PlanOptimizer.Run(root, context.Options, trace);
        var sb = new StringBuilder();
        sb.Append("== input ==\n");
        Tree(sb, root);
        foreach ((string stage, Node p) in trace)
        {
            sb.Append("== ").Append(stage).Append(" ==\n");
            Tree(sb, p);
        }

        sb.Append("== Lowering ==\n");
        var lowering = new Lowering(context.Master, context.Options, dryRun: true);
        var sets = new Dictionary<Node, TileSet>(ReferenceEqualityComparer.Instance);
        long total = 0;
        Lower(plan);
        sb.Append(CultureInfo.InvariantCulture, $"predicted bytes moved: {total}\n");
        return sb.ToString();

        TileSet Lower(Node n)
        {
            if (sets.TryGetValue(n, out TileSet? done))
            {
                return done;
            }

            TileSet result;
            if (n is ResultNode r && r.TryGetLive(out TileSet? live))
            {
                result = live;
                sb.Append(CultureInfo.InvariantCulture, $"{n.Label}: cached, 0 tasks\n");
            }
            else
            {
                Node self = n is ResultNode lost ? PlanOptimizer.Run(lost.Lineage, context.Options) : n;
                TileSet[] inputs = self.Children.Select(Lower).ToArray();
                Lowered lowered = self.Lower(lowering, inputs);
                int tasks = lowered.Stages.Sum(s => s.Count);
                long moved = lowered.Stages.Sum(s => s.Sum(MovedBytes));
                total += moved;
                sb.Append(CultureInfo.InvariantCulture, $"{self.Label} -> {lowered.Output.Grid}: {tasks} tasks in {lowered.Stages.Count} stage(s), {moved} bytes moved\n");
                result = lowered.Output;
            }

            sets[n] = result;
            return result;
        }
    }

    /// <summary>Bytes a task reads from tiles held by other workers than the one it runs on.</summary>
    public static long MovedBytes(TileTask t)
    {
        int worker = t.Outputs[0].Worker;
        long bytes = 0;
        foreach (TileInput input in t.Inputs)
        {
            foreach (TilePiece p in input.Pieces)
            {
                if (p.Tile.Worker != worker)
                {
                    bytes += p.Part.Size * input.DType.SizeOf();
                }
            }
        }

        return bytes;
    }

    private static void Tree(StringBuilder sb, Node root)
    {
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        Walk(root, 0);

        void Walk(Node n, int depth)
        {
            sb.Append(' ', depth * 2).Append(n.Label).Append(' ').Append(n.DType.Name()).Append(n.Shape);
            if (!seen.Add(n))
            {
                sb.Append(" (shared)\n");
                return;
            }

            sb.Append('\n');
            foreach (Node c in n.Children)
            {
                Walk(c, depth + 1);
            }
        }
    }
}
