using Spartan.Expressions;

namespace Spartan.Optimizer;

/// <summary>Replaces a node that a live handle has already evaluated with that result, so nothing is computed twice.</summary>
internal sealed class CollapseCached : IOptimizerPass
{
    public string Name => "CollapseCached";

    public bool Enabled(SpartanOptions options) => options.OptimizeCollapseCached;

    public Node Rewrite(Node node) =>
        node is not (ResultNode or ScalarNode) && ResultRegistry.TryGet(node, out ResultNode? cached) ? cached : node;
}
