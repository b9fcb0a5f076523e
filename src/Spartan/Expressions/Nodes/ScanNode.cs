using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// An inclusive scan along one axis, distributed in two passes: stage 1 folds each tile along the axis into its
/// totals (where the tile lives); stage 2 scans each tile once, starting from the carry, which is the combine of the
/// totals of the preceding tiles along the axis in tile order (so the result is deterministic for a tiling). A
/// tiling with one tile along the axis needs only stage 2.
/// </summary>
internal sealed class ScanNode : Node
{
    public ScanNode(ScanOp op, int axis, DType dtype, Node child, CallSite site)
        : base(child.Shape, dtype, [child], child.Context, site)
    {
        Op = op;
        Axis = axis;
    }

    public ScanOp Op { get; }

    public int Axis { get; }

    public override string Label => $"scan({Op.ToString().ToLowerInvariant()}, axis={Axis})";

    public override Node WithChildren(Node[] children) =>
        children[0] == Children[0] ? this : new ScanNode(Op, Axis, DType, children[0], Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet input = inputs[0];
        TileGrid grid = input.Grid;
        int[] owners = input.Tiles.Select(t => t.Worker).ToArray();
        TileSet output = lowering.NewTileSet(grid, DType, owners);
        var scan = new ScanKernel(Op, Axis);
        int along = grid.Counts[Axis];
        var fix = new TileTask[grid.Count];
        if (along == 1)
        {
            for (int g = 0; g < fix.Length; g++)
            {
                TileExtent e = grid.Extent(g);
                fix[g] = new TileTask(scan, [input.Input(e)], e, [e], [DType], [output.Tiles[g]]);
            }

            return Lowered.Single(output, fix);
        }

        // Totals: the grid with the scanned axis cut to one slot per tile, so tile g of the totals is tile g's total.
        var bounds = new long[grid.Rank][];
        var dims = Shape.ToArray();
        for (int a = 0; a < grid.Rank; a++)
        {
            bounds[a] = a == Axis ? Enumerable.Range(0, along + 1).Select(i => (long)i).ToArray() : grid.Bounds(a).ToArray();
        }

        dims[Axis] = along;
        var totalsGrid = new TileGrid(new Shape(dims), bounds);
        TileSet totals = lowering.NewTileSet(totalsGrid, DType, owners);
        var reduce = new TileTask[grid.Count];
        var totalKernel = new ScanTotalKernel(Op, Axis);
        for (int g = 0; g < grid.Count; g++)
        {
            TileExtent e = grid.Extent(g);
            TileExtent te = totalsGrid.Extent(g);
            reduce[g] = new TileTask(totalKernel, [input.Input(e)], e, [te], [DType], [totals.Tiles[g]]);
            int c = grid.Coords(g)[Axis];
            if (c == 0)
            {
                fix[g] = new TileTask(scan, [input.Input(e)], e, [e], [DType], [output.Tiles[g]]);
                continue;
            }

            // The totals of the tiles before this one along the axis, in order.
            long[] ul = te.Ul, lr = te.Lr;
            ul[Axis] = 0;
            lr[Axis] = c;
            fix[g] = new TileTask(scan, [input.Input(e), totals.Input(new TileExtent(ul, lr, totalsGrid.Shape))], e, [e], [DType], [output.Tiles[g]]);
        }

        return new Lowered(output, [reduce, fix], [totals]);
    }
}
