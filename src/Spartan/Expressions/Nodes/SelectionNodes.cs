using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Counts the non-zero elements of each tile of a fixed row grid: a (tiles,) Int64 array.</summary>
internal sealed class TileCountNode : Node
{
    public TileCountNode(Node mask, TileGrid grid, CallSite site)
        : base(new Shape(grid.Count), DType.Int64, [mask], mask.Context, site)
    {
        Grid = grid;
    }

    public TileGrid Grid { get; }

    public override string Label => $"count_per_tile({Grid})";

    public override Node WithChildren(Node[] children) => children[0] == Children[0] ? this : new TileCountNode(children[0], Grid, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        var outGrid = TileGrid.FromTileShape(Shape, [1]);
        var ins = new TileInput[Grid.Count];
        var owners = new int[Grid.Count];
        for (int t = 0; t < ins.Length; t++)
        {
            ins[t] = inputs[0].Input(Grid.Extent(t));
            owners[t] = Placement.Owner([ins[t]], t, lowering.Workers);
        }

        TileSet output = lowering.NewTileSet(outGrid, DType.Int64, owners);
        var tasks = new TileTask[Grid.Count];
        for (int t = 0; t < tasks.Length; t++)
        {
            TileExtent e = outGrid.Extent(t);
            tasks[t] = new TileTask(new CountNonzeroKernel(), [ins[t]], Grid.Extent(t), [e], [DType.Int64], [output.Tiles[t]]);
        }

        return Lowered.Single(output, tasks);
    }
}

/// <summary>x[mask]: output tile t holds the selected elements of row-grid tile t, so the row-major order holds.</summary>
internal sealed class SelectNode : Node
{
    public SelectNode(Node x, Node mask, TileGrid grid, long[] counts, CallSite site)
        : base(new Shape(counts.Sum()), x.DType, [x, mask], ContextOf(x, mask), site)
    {
        Grid = grid;
        Counts = counts;
    }

    public TileGrid Grid { get; }

    public long[] Counts { get; }

    public override string Label => "select[mask]";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new SelectNode(children[0], children[1], Grid, Counts, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        var bounds = new long[Counts.Length + 1];
        for (int t = 0; t < Counts.Length; t++)
        {
            bounds[t + 1] = bounds[t] + Counts[t];
        }

        var outGrid = new TileGrid(Shape, [bounds]);
        var ins = new TileInput[Counts.Length][];
        var owners = new int[Counts.Length];
        for (int t = 0; t < ins.Length; t++)
        {
            TileExtent e = Grid.Extent(t);
            ins[t] = [inputs[0].Input(e), inputs[1].Input(e)];
            owners[t] = Placement.Owner(ins[t], t, lowering.Workers);
        }

        TileSet output = lowering.NewTileSet(outGrid, DType, owners);
        var tasks = new TileTask[Counts.Length];
        for (int t = 0; t < tasks.Length; t++)
        {
            TileExtent oe = outGrid.Extent(t);
            tasks[t] = new TileTask(new SelectKernel(), ins[t], Grid.Extent(t), [oe], [DType], [output.Tiles[t]]);
        }

        return Lowered.Single(output, tasks);
    }
}

/// <summary>x[indices] along axis 0: tiled like the indices; each task reads the rows its indices name.</summary>
internal sealed class TakeNode : Node
{
    public TakeNode(Node x, Node indices, CallSite site)
        : base(new Shape([.. indices.Shape.ToArray(), .. x.Shape.ToArray()[1..]]), x.DType, [x, indices], ContextOf(x, indices), site)
    {
    }

    public override string Label => "take[axis=0]";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new TakeNode(children[0], children[1], Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet x = inputs[0], idx = inputs[1];
        int q = idx.Shape.Rank;
        var bounds = new long[Shape.Rank][];
        for (int a = 0; a < Shape.Rank; a++)
        {
            bounds[a] = a < q ? idx.Grid.Bounds(a).ToArray() : [0, Shape.Dims[a]];
        }

        var grid = new TileGrid(Shape, bounds);
        TileInput whole = x.Input(TileExtent.Whole(x.Shape)) with { Lazy = true };
        var ins = new TileInput[grid.Count][];
        var owners = new int[grid.Count];
        for (int g = 0; g < grid.Count; g++)
        {
            TileExtent e = grid.Extent(g);
            var ul = e.UlSpan[..q].ToArray();
            var lr = e.LrSpan[..q].ToArray();
            ins[g] = [idx.Input(new TileExtent(ul, lr, idx.Shape)), whole];
            owners[g] = Placement.Owner([ins[g][0]], g, lowering.Workers);
        }

        TileSet output = lowering.NewTileSet(grid, DType, owners);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(new TakeKernel(), ins[g], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}

/// <summary>x.Assign(value, region): tiled like x; tiles the region misses are copied, the others get the value
/// written into the part of the region they hold.</summary>
internal sealed class AssignNode : Node
{
    public AssignNode(Node x, Node value, ViewMap region, CallSite site)
        : base(x.Shape, x.DType, [x, value], ContextOf(x, value), site)
    {
        Region = region;
        ValueMap = ViewMap.Broadcast(value.Shape, region.OutShape);
    }

    public ViewMap Region { get; }

    public ViewMap ValueMap { get; }

    public override string Label => $"assign[{Region}]";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new AssignNode(children[0], children[1], Region, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet x = inputs[0], value = inputs[1];
        TileGrid grid = x.Grid;
        TileSet output = lowering.NewTileSet(grid, DType, x.Tiles.Select(t => t.Worker).ToArray());
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            TileInput tile = x.Input(e);
            TileExtent? box = BoxIn(e);
            tasks[g] = box is null
                ? new TileTask(new CopyKernel(), [tile], e, [e], [DType], [output.Tiles[g]])
                : new TileTask(new AssignKernel(Region, box, ValueMap), [tile, value.Input(ValueMap.Region(box, Children[1].Shape))], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }

    /// <summary>The part of the region (in view coordinates) whose elements lie in tile <paramref name="e"/>, or null.</summary>
    private TileExtent? BoxIn(TileExtent e)
    {
        Shape view = Region.OutShape;
        var ul = new long[view.Rank];
        long[] lr = view.ToArray();
        for (int j = 0; j < Region.Axes.Length; j++)
        {
            AxisMap m = Region.Axes[j];
            long lo = e.UlSpan[j], hi = e.LrSpan[j];
            if (m.OutAxis < 0 || m.Step == 0)
            {
                if (m.Start < lo || m.Start >= hi)
                {
                    return null;
                }

                continue;
            }

            // View indices o with lo <= Start + Step*o < hi.
            long a, b;
            if (m.Step > 0)
            {
                a = IndexMath.CeilDiv(lo - m.Start, m.Step);
                b = IndexMath.CeilDiv(hi - m.Start, m.Step);
            }
            else
            {
                a = IndexMath.CeilDiv(m.Start - (hi - 1), -m.Step);
                b = IndexMath.CeilDiv(m.Start - lo + 1, -m.Step);
            }

            a = Math.Max(a, 0);
            b = Math.Min(b, view.Dims[m.OutAxis]);
            if (b <= a)
            {
                return null;
            }

            ul[m.OutAxis] = a;
            lr[m.OutAxis] = b;
        }

        return new TileExtent(ul, lr, view);
    }

}
