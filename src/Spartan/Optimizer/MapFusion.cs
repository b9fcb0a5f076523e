using Spartan.Expressions;

namespace Spartan.Optimizer;

/// <summary>Turns a chain of elementwise operations (and fused maps below it) into one <see cref="FusedMapNode"/>:
/// one pass over each tile and no tile-sized temporaries.</summary>
internal sealed class MapFusion : IOptimizerPass
{
    public string Name => "MapFusion";

    public bool Enabled(SpartanOptions options) => options.OptimizeMapFusion;

    public Node Rewrite(Node node)
    {
        switch (node)
        {
            case ElementwiseNode:
            case FusedMapNode f when f.Children.Any(c => c is ElementwiseNode or FusedMapNode or ViewNode):
                (var program, Node[] leaves, var maps) = ProgramBuilder.Build(node, fuse: true);
                return new FusedMapNode(program, leaves, maps, node.Shape, node.Site);
            default:
                return node;
        }
    }
}
