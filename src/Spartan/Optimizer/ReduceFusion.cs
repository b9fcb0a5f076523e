using Spartan.Expressions;

namespace Spartan.Optimizer;

/// <summary>A reduction over a fused map becomes one kernel that evaluates the map block by block and folds it,
/// never materialising the map.</summary>
internal sealed class ReduceFusion : IOptimizerPass
{
    public string Name => "ReduceFusion";

    public bool Enabled(SpartanOptions options) => options.OptimizeReduceFusion;

    public Node Rewrite(Node node) =>
        node is ReduceNode { Program: null } r && r.Children[0] is FusedMapNode f
            ? new ReduceNode(r.Reduction, r.Axis, r.KeepDims, f.Program, f.Children, f.Shape, r.Site)
            : node;
}
