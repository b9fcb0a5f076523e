using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>A row-major flatten into a 1-d array on the default tiling: each output tile copies the boxes of the input
/// that hold its run of row-major positions (at most two per axis), never the whole array.</summary>
internal sealed class FlattenNode : Node
{
    public FlattenNode(Node child, CallSite site)
        : base(new Shape(child.Shape.Size), child.DType, [child], child.Context, site)
    {
    }

    public override string Label => "flatten";

    public override Node WithChildren(Node[] children) =>
        children[0] == Children[0] ? this : new FlattenNode(children[0], Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet input = inputs[0];
        TileGrid grid = Tiling.Default(Shape, lowering.Workers, lowering.Options);
        TileSet output = lowering.NewTileSet(grid, DType);
        var kernel = new RavelKernel();
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            List<TileExtent> boxes = RowMajorBoxes(input.Shape, e.UlSpan[0], e.LrSpan[0]);
            tasks[g] = new TileTask(kernel, boxes.Select(input.Input).ToArray(), e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }

    /// <summary>The boxes of an array of <paramref name="shape"/> whose row-major concatenation is the flat positions
    /// [<paramref name="start"/>, <paramref name="end"/>), in order.</summary>
    public static List<TileExtent> RowMajorBoxes(Shape shape, long start, long end)
    {
        var boxes = new List<TileExtent>();
        if (start >= end)
        {
            return boxes;
        }

        if (shape.Rank == 0)
        {
            boxes.Add(TileExtent.Whole(shape));
            return boxes;
        }

        Walk(shape, 0, [], start, end, boxes);
        return boxes;
    }

    private static void Walk(Shape shape, int axis, long[] prefix, long s, long e, List<TileExtent> boxes)
    {
        if (s >= e)
        {
            return;
        }

        long inner = 1;
        for (int a = axis + 1; a < shape.Rank; a++)
        {
            inner *= shape.Dims[a];
        }

        long r0 = s / inner, r1 = e / inner, s0 = s % inner, e1 = e % inner;
        if (r0 == r1)
        {
            Walk(shape, axis + 1, [.. prefix, r0], s0, e1, boxes);
            return;
        }

        if (s0 != 0)
        {
            Walk(shape, axis + 1, [.. prefix, r0], s0, inner, boxes);
            r0++;
        }

        if (r1 > r0)
        {
            var ul = new long[shape.Rank];
            var lr = new long[shape.Rank];
            for (int a = 0; a < shape.Rank; a++)
            {
                (ul[a], lr[a]) = a < axis ? (prefix[a], prefix[a] + 1) : a == axis ? (r0, r1) : (0, shape.Dims[a]);
            }

            boxes.Add(new TileExtent(ul, lr, shape));
        }

        if (e1 != 0)
        {
            Walk(shape, axis + 1, [.. prefix, r1], 0, e1, boxes);
        }
    }
}
