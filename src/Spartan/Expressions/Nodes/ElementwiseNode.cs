using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>One elementwise operation over broadcast operands. Operands are converted to <see cref="ComputeType"/>
/// when a block is loaded; the result has <see cref="Node.DType"/> (Bool for comparisons).</summary>
internal sealed class ElementwiseNode : Node
{
    public ElementwiseNode(OpCode op, DType computeType, DType resultType, Node[] operands, CallSite site)
        : base(Broadcasting.Shape(operands.Select(o => o.Shape).ToArray()), resultType, operands, ContextOf(operands), site)
    {
        Op = op;
        ComputeType = computeType;
    }

    public OpCode Op { get; }

    public DType ComputeType { get; }

    public override string Label => Op == OpCode.Cast ? $"astype({DType.Name()})" : Op.ToString().ToLowerInvariant();

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new ElementwiseNode(Op, ComputeType, DType, children, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        // Unfused (the optimizer is off): a one-operation program.
        (FusedProgram program, Node[] leaves) = ProgramBuilder.Build(this, fuse: false);
        return MapLowering.Lower(lowering, program, leaves, Shape, inputs.Length == leaves.Length ? inputs : Reorder(leaves, inputs));
    }

    private TileSet[] Reorder(Node[] leaves, TileSet[] inputs)
    {
        var byNode = new Dictionary<Node, TileSet>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Children.Length; i++)
        {
            byNode[Children[i]] = inputs[i];
        }

        return leaves.Select(l => byNode[l]).ToArray();
    }
}

/// <summary>A chain of elementwise operations fused into one program: one pass over each tile, no temporaries.</summary>
internal sealed class FusedMapNode : Node
{
    public FusedMapNode(FusedProgram program, Node[] leaves, Shape shape, CallSite site)
        : base(shape, program.ResultType, leaves, ContextOf(leaves), site)
    {
        Program = program;
    }

    public FusedProgram Program { get; }

    public override string Label => $"fused_map[{Program}]";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new FusedMapNode(Program, children, Shape, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs) => MapLowering.Lower(lowering, Program, Children, Shape, inputs);
}

/// <summary>Plans a fused map: one task per output tile, on the grid of the first operand that has the output's
/// shape (so that operand moves nothing), reading the broadcast region of every other operand.</summary>
internal static class MapLowering
{
    public static TileGrid GridFor(Shape shape, TileSet[] inputs, Lowering lowering)
    {
        TileSet? main = inputs.Where(i => i.Shape == shape).OrderByDescending(i => i.Bytes).FirstOrDefault();
        return main?.Grid ?? Tiling.Default(shape, lowering.Workers, lowering.Options);
    }

    public static Lowered Lower(Lowering lowering, FusedProgram program, Node[] leaves, Shape shape, TileSet[] inputs)
    {
        TileGrid grid = GridFor(shape, inputs, lowering);
        TileSet output = lowering.NewTileSet(grid, program.ResultType);
        var kernel = new FusedMapKernel(program);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            var ins = new TileInput[inputs.Length];
            for (int k = 0; k < ins.Length; k++)
            {
                ins[k] = inputs[k].Input(Broadcasting.Region(e, leaves[k].Shape));
            }

            tasks[g] = new TileTask(kernel, ins, e, [e], [program.ResultType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}
