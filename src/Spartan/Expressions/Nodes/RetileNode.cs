using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>A planned movement into a given grid: each output tile copies exactly its region from the input tiles
/// that overlap it.</summary>
internal sealed class RetileNode : Node
{
    public RetileNode(Shape tileHint, Node child, CallSite site)
        : base(child.Shape, child.DType, [child], child.Context, site)
    {
        TileHint = tileHint;
    }

    public Shape TileHint { get; }

    public override string Label => $"retile{TileHint}";

    public override Node WithChildren(Node[] children) =>
        children[0] == Children[0] ? this : new RetileNode(TileHint, children[0], Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid grid = TileGrid.FromTileShape(Shape, TileHint.Dims);
        TileSet output = lowering.NewTileSet(grid, DType);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(new CopyKernel(), [inputs[0].Input(e)], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}
