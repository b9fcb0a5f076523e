using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>A user kernel applied to each tile of the first input, with the other inputs aligned to those tiles.</summary>
internal sealed class UserMapNode : Node
{
    public UserMapNode(UserKernelSpec kernel, Node[] inputs, Shape shape, CallSite site)
        : base(shape, kernel.OutputType, inputs, ContextOf(inputs), site)
    {
        Kernel = kernel;
    }

    public UserKernelSpec Kernel { get; }

    public override string Label => $"{Kernel.Kind.ToString().ToLowerInvariant()}({Kernel.Name})";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new UserMapNode(Kernel, children, Shape, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid grid = inputs[0].Grid;
        TileSet output = lowering.NewTileSet(grid, DType, inputs[0].Tiles.Select(t => t.Worker).ToArray());
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            var ins = new TileInput[inputs.Length];
            for (int k = 0; k < ins.Length; k++)
            {
                ins[k] = inputs[k].Input(Broadcasting.Region(e, Children[k].Shape));
            }

            tasks[g] = new TileTask(Kernel, ins, e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}

/// <summary>A user reduction: the local kernel makes one partial per tile (the axis removed), and partials that cover
/// the same output region are combined with a <see cref="ReduceOp"/> in source-tile order.</summary>
internal sealed class UserReduceNode : Node
{
    public UserReduceNode(UserKernelSpec local, ReduceOp accumulate, int? axis, Node input, CallSite site)
        : base(ReduceNode.OutputShape(input.Shape, axis, false), local.OutputType, [input], input.Context, site)
    {
        Local = local;
        Accumulate = accumulate;
        Axis = axis;
    }

    public UserKernelSpec Local { get; }

    public ReduceOp Accumulate { get; }

    public int? Axis { get; }

    public override string Label => $"reduce({Local.Name}, {Accumulate}, axis={(Axis is int a ? a : "None")})";

    public override Node WithChildren(Node[] children) =>
        children[0] == Children[0] ? this : new UserReduceNode(Local, Accumulate, Axis, children[0], Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid inGrid = inputs[0].Grid;
        int rank = inGrid.Rank;
        var outBounds = new List<long[]>();
        int along = 1;
        for (int a = 0; a < rank; a++)
        {
            if (Axis is null || a == Axis)
            {
                along *= inGrid.Counts[a];
                continue;
            }

            outBounds.Add(inGrid.Bounds(a).ToArray());
        }

        var outGrid = new TileGrid(Shape, [.. outBounds]);
        var partialGrid = new TileGrid(new Shape([along, .. Shape.ToArray()]), [Enumerable.Range(0, along + 1).Select(i => (long)i).ToArray(), .. outBounds]);
        var owners = new int[partialGrid.Count];
        var source = new int[partialGrid.Count];
        for (int t = 0; t < inGrid.Count; t++)
        {
            int[] c = inGrid.Coords(t);
            int k = 0;
            var oc = new List<int>();
            for (int a = 0; a < rank; a++)
            {
                if (Axis is null || a == Axis)
                {
                    k = k * inGrid.Counts[a] + c[a];
                }
                else
                {
                    oc.Add(c[a]);
                }
            }

            int p = k * outGrid.Count + outGrid.FlatIndex(oc.ToArray());
            owners[p] = inputs[0].Tiles[t].Worker;
            source[p] = t;
        }

        TileSet partials = lowering.NewTileSet(partialGrid, DType, owners);
        var stage1 = new TileTask[partialGrid.Count];
        for (int p = 0; p < stage1.Length; p++)
        {
            TileExtent d = inGrid.Extent(source[p]);
            TileExtent pe = partialGrid.Extent(p);
            // The kernel sees the tile and returns its partial shaped like the output tile; the partial is stored with a leading 1.
            stage1[p] = new TileTask(Local, [inputs[0].Input(d)], d, [pe], [DType], [partials.Tiles[p]]);
        }

        TileSet output = lowering.NewTileSet(outGrid, DType);
        var stage2 = new TileTask[outGrid.Count];
        for (int g = 0; g < stage2.Length; g++)
        {
            TileExtent oe = outGrid.Extent(g);
            var ins = new TileInput[along];
            for (int k = 0; k < along; k++)
            {
                ins[k] = partials.Input(partialGrid.Extent(k * outGrid.Count + g));
            }

            stage2[g] = new TileTask(new UserCombineKernel(Accumulate), ins, oe, [oe], [DType], [output.Tiles[g]]);
        }

        return new Lowered(output, [stage1, stage2], [partials]);
    }
}
