using Spartan.Runtime;
using Spartan.Expressions;

namespace Spartan.Optimizer;

/// <summary>A reduction over a fused map (or a view) becomes one kernel that evaluates the map block by block and
/// folds it, never materialising the map.</summary>
internal sealed class ReduceFusion : IOptimizerPass
{
    public string Name => "ReduceFusion";

    public bool Enabled(SpartanOptions options) => options.OptimizeReduceFusion;

    public Node Rewrite(Node node) => node switch
    {
        ReduceNode { Program: null } r when r.Children[0] is FusedMapNode f =>
            new ReduceNode(r.Reduction, r.Axis, r.KeepDims, f.Program, f.Children, f.Maps, f.Shape, r.Site),
        ReduceNode { Program: null } r when r.Children[0] is ViewNode v =>
            new ReduceNode(r.Reduction, r.Axis, r.KeepDims, new FusedProgram([new Instr(OpCode.Load, v.DType, v.DType, 0)]), v.Children, [v.Map], v.Shape, r.Site),
        _ => node,
    };
}
