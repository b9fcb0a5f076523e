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
        (FusedProgram program, Node[] leaves, ViewMap?[] maps) = ProgramBuilder.Build(this, fuse: false);
        return MapLowering.Lower(lowering, program, leaves, maps, Shape, inputs.Length == leaves.Length ? inputs : Reorder(leaves, inputs));
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
    public FusedMapNode(FusedProgram program, Node[] leaves, ViewMap?[] maps, Shape shape, CallSite site)
        : base(shape, program.ResultType, leaves, ContextOf(leaves), site)
    {
        Program = program;
        Maps = maps;
    }

    public FusedProgram Program { get; }

    /// <summary>How each leaf is read (null: NumPy broadcasting).</summary>
    public ViewMap?[] Maps { get; }

    public override string Label => $"fused_map[{Program}]{MapLowering.Describe(Maps)}";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new FusedMapNode(Program, children, Maps, Shape, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs) => MapLowering.Lower(lowering, Program, Children, Maps, Shape, inputs);
}

/// <summary>Plans a fused map: one task per output tile, on a grid aligned with the largest input (seen through its
/// view), each task on the worker that holds the largest part of its inputs, reading only the regions it needs.</summary>
internal static class MapLowering
{
    public static string Describe(ViewMap?[] maps) =>
        maps.All(m => m is null) ? "" : $" via [{string.Join("; ", maps.Select(m => m?.ToString() ?? "bcast"))}]";

    /// <summary>The output grid: the grid of the largest input pulled back through its map, so that its tiles line up
    /// with the output's; the default tiling when no input constrains it.</summary>
    public static TileGrid GridFor(Shape shape, TileSet[] inputs, Node[] leaves, ViewMap?[] maps, Lowering lowering)
    {
        int best = -1;
        for (int k = 0; k < inputs.Length; k++)
        {
            if (best < 0 || inputs[k].Bytes > inputs[best].Bytes)
            {
                best = k;
            }
        }

        if (best < 0 || inputs[best].Shape.Size <= 1)
        {
            return Tiling.Default(shape, lowering.Workers, lowering.Options);
        }

        TileGrid g = inputs[best].Grid;
        ViewMap map = maps[best] ?? ViewMap.Broadcast(leaves[best].Shape, shape);
        if (map.IsIdentity(g.Shape))
        {
            return g;
        }

        var bounds = new long[shape.Rank][];
        for (int k = 0; k < shape.Rank; k++)
        {
            long n = shape.Dims[k];
            var cuts = new SortedSet<long> { 0, n };
            for (int j = 0; j < map.Axes.Length; j++)
            {
                AxisMap m = map.Axes[j];
                if (m.OutAxis != k || m.Step == 0)
                {
                    continue;
                }

                // An input split point i becomes the first output index whose input index is on the far side of i.
                foreach (long i in g.Bounds(j))
                {
                    long o = m.Step > 0 ? IndexMath.CeilDiv(i - m.Start, m.Step) : IndexMath.CeilDiv(m.Start - i + 1, -m.Step);
                    if (o > 0 && o < n)
                    {
                        cuts.Add(o);
                    }
                }
            }

            bounds[k] = [.. cuts];
        }

        return new TileGrid(shape, bounds);
    }

    public static Lowered Lower(Lowering lowering, FusedProgram program, Node[] leaves, ViewMap?[] maps, Shape shape, TileSet[] inputs)
    {
        TileGrid grid = GridFor(shape, inputs, leaves, maps, lowering);
        var kernel = new FusedMapKernel(program, maps.All(m => m is null) ? null : maps);
        var ins = new TileInput[grid.Count][];
        var owners = new int[grid.Count];
        for (int g = 0; g < grid.Count; g++)
        {
            ins[g] = InputsFor(grid.Extent(g), leaves, maps, inputs);
            owners[g] = Placement.Owner(ins[g], g, lowering.Workers);
        }

        TileSet output = lowering.NewTileSet(grid, program.ResultType, owners);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(kernel, ins[g], e, [e], [program.ResultType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }

    /// <summary>The region of every input that the domain box <paramref name="e"/> reads.</summary>
    public static TileInput[] InputsFor(TileExtent e, Node[] leaves, ViewMap?[] maps, TileSet[] inputs)
    {
        var ins = new TileInput[inputs.Length];
        for (int k = 0; k < ins.Length; k++)
        {
            TileExtent region = maps[k]?.Region(e, leaves[k].Shape) ?? Broadcasting.Region(e, leaves[k].Shape);
            ins[k] = inputs[k].Input(region);
        }

        return ins;
    }

}

/// <summary>Where a task runs: on the worker that holds the most bytes of its inputs (ties: tile index mod W).</summary>
internal static class Placement
{
    public static int Owner(TileInput[] inputs, int tile, int workers)
    {
        Span<long> bytes = stackalloc long[workers];
        foreach (TileInput input in inputs)
        {
            foreach (TilePiece p in input.Pieces)
            {
                bytes[p.Tile.Worker] += p.Part.Size * input.DType.SizeOf();
            }
        }

        int best = tile % workers;
        for (int w = 0; w < workers; w++)
        {
            if (bytes[w] > bytes[best])
            {
                best = w;
            }
        }

        return best;
    }
}
