using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// A reshape that moves data (one that only adds or drops unit axes is a view). The output is split along its first
/// axis, so each output tile is a contiguous run of the row-major order; it reads the smallest box of the input that
/// holds that run, which is itself contiguous, and copies it in one move. No task ever holds more than its own tile
/// plus that box, and the array is never gathered.
/// </summary>
internal sealed class ReshapeNode : Node
{
    public ReshapeNode(Node child, Shape shape, CallSite site)
        : base(shape, child.DType, [child], child.Context, site)
    {
    }

    public override string Label => $"reshape{Shape}";

    public override Node WithChildren(Node[] children) => children[0] == Children[0] ? this : new ReshapeNode(children[0], Shape, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet input = inputs[0];
        TileGrid grid = Shape.Rank == 0 ? TileGrid.Single(Shape) : TileGrid.SplitAxis(Shape, 0, Math.Max(1, input.Grid.Count));
        var ins = new TileInput[grid.Count];
        var owners = new int[grid.Count];
        for (int g = 0; g < grid.Count; g++)
        {
            TileExtent e = grid.Extent(g);
            long first = Shape.FlatIndex(e.UlSpan);
            ins[g] = input.Input(RunBox(first, e.Size, Children[0].Shape));
            owners[g] = Placement.Owner([ins[g]], g, lowering.Workers);
        }

        TileSet output = lowering.NewTileSet(grid, DType, owners);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(new ReshapeKernel(), [ins[g]], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }

    /// <summary>The smallest box of <paramref name="shape"/> holding flat elements [first, first + count): fixed on the
    /// leading axes, a range on the first axis where the ends differ, whole on the rest; its buffer is contiguous.</summary>
    public static TileExtent RunBox(long first, long count, Shape shape)
    {
        int r = shape.Rank;
        var ul = new long[r];
        var lr = new long[r];
        if (count == 0 || r == 0)
        {
            return new TileExtent(ul, ul.ToArray(), shape);
        }

        long[] a = shape.Unflat(first), b = shape.Unflat(first + count - 1);
        int d = 0;
        while (d < r - 1 && a[d] == b[d])
        {
            ul[d] = a[d];
            lr[d] = a[d] + 1;
            d++;
        }

        ul[d] = a[d];
        lr[d] = b[d] + 1;
        for (int k = d + 1; k < r; k++)
        {
            lr[k] = shape.Dims[k];
        }

        return new TileExtent(ul, lr, shape);
    }
}
