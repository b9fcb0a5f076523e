using Spartan.Expressions;

namespace Spartan.Optimizer;

/// <summary>The optimizer: named stages, each applied to a fixed point under a convergence guard.</summary>
internal static class PlanOptimizer
{
    /// <summary>More rounds than this means a pass is not idempotent: a bug, reported rather than looped on.</summary>
    private const int MaxRounds = 8;

    public static IReadOnlyList<IOptimizerPass> Stages { get; } = [new CollapseCached(), new MapFusion(), new ReduceFusion(), new RowDotFusion()];

    /// <summary>Runs every enabled stage; <paramref name="trace"/>, when given, receives the plan after each.</summary>
    public static Node Run(Node root, SpartanOptions options, List<(string Stage, Node Plan)>? trace = null)
    {
        Node plan = root;
        foreach (IOptimizerPass pass in Stages)
        {
            if (options.Optimize && pass.Enabled(options))
            {
                plan = ToFixedPoint(pass, plan);
            }

            trace?.Add((pass.Name, plan));
        }

        return plan;
    }

    /// <summary>Applies one pass until the plan stops changing.</summary>
    public static Node ToFixedPoint(IOptimizerPass pass, Node root)
    {
        Node plan = root;
        for (int round = 0; round < MaxRounds; round++)
        {
            Node next = Apply(pass, plan);
            if (ReferenceEquals(next, plan))
            {
                return plan;
            }

            plan = next;
        }

        throw new InvalidOperationException($"optimizer stage {pass.Name} did not converge in {MaxRounds} rounds");
    }

    /// <summary>One bottom-up application, preserving sharing: a node reached twice is rewritten once.</summary>
    public static Node Apply(IOptimizerPass pass, Node root)
    {
        var memo = new Dictionary<Node, Node>(ReferenceEqualityComparer.Instance);
        return Visit(root);

        Node Visit(Node n)
        {
            if (memo.TryGetValue(n, out Node? done))
            {
                return done;
            }

            // A pass sees a node before its children too: a live result replaces the whole subtree, and a fusion sees
            // the subtree as written, so an operand shared inside it is computed once rather than fused into each user.
            Node self = pass.Rewrite(n);
            if (!ReferenceEquals(self, n) && self is ResultNode)
            {
                memo[n] = self;
                return self;
            }

            var kids = new Node[self.Children.Length];
            bool changed = false;
            for (int i = 0; i < kids.Length; i++)
            {
                kids[i] = Visit(self.Children[i]);
                changed |= !ReferenceEquals(kids[i], self.Children[i]);
            }

            Node rebuilt = changed ? self.WithChildren(kids) : self;
            Node result = pass.Rewrite(rebuilt);
            memo[n] = result;
            return result;
        }
    }
}
