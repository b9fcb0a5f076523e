using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>The outer product of two 1-d arrays, or a user kernel over pairs of ranges: output tile (I, J) is
/// kernel(a[I], b[J]), reading only those two ranges.</summary>
internal sealed class OuterNode : Node
{
    public OuterNode(Node a, Node b, UserKernelSpec? kernel, DType dtype, CallSite site)
        : base(new Shape(a.Shape.Dims[0], b.Shape.Dims[0]), dtype, [a, b], ContextOf(a, b), site)
    {
        Kernel = kernel;
    }

    public UserKernelSpec? Kernel { get; }

    public override string Label => Kernel is null ? "outer" : $"outer({Kernel.Name})";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new OuterNode(children[0], children[1], Kernel, DType, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid grid = Tiling.Default(Shape, lowering.Workers, lowering.Options);
        TileSet output = lowering.NewTileSet(grid, DType);
        KernelSpec kernel = Kernel is null ? new OuterKernel() : Kernel;
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            TileInput ia = inputs[0].Input(new TileExtent([e.UlSpan[0]], [e.LrSpan[0]], inputs[0].Shape));
            TileInput ib = inputs[1].Input(new TileExtent([e.UlSpan[1]], [e.LrSpan[1]], inputs[1].Shape));
            tasks[g] = new TileTask(kernel, [ia, ib], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}
