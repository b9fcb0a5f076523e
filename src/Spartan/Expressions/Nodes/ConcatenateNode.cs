using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Concatenation along one axis as planned copies: the result's tiles along the axis are the inputs' tiles
/// (offset), so each output tile copies (and converts, when dtypes differ) one region of one input, on the worker
/// that holds most of it. Nothing is gathered.</summary>
internal sealed class ConcatenateNode : Node
{
    public ConcatenateNode(int axis, DType dtype, Shape shape, Node[] children, CallSite site)
        : base(shape, dtype, children, ContextOf(children), site)
    {
        Axis = axis;
    }

    public int Axis { get; }

    public override string Label => $"concatenate(axis={Axis})";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new ConcatenateNode(Axis, DType, Shape, children, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        if (Shape.Size == 0)
        {
            TileGrid single = TileGrid.Single(Shape);
            TileSet empty = lowering.NewTileSet(single, DType);
            TileExtent e0 = single.Extent(0);
            return Lowered.Single(empty, [new TileTask(new FillKernel(0), [], e0, [e0], [DType], [empty.Tiles[0]])]);
        }

        // Axis bounds: every input's bounds along the axis, shifted by its offset; other axes from the first input.
        var offsets = new long[inputs.Length];
        var axisBounds = new List<long> { 0 };
        int reference = -1;
        long at = 0;
        for (int j = 0; j < inputs.Length; j++)
        {
            offsets[j] = at;
            long n = inputs[j].Shape.Dims[Axis];
            if (n > 0)
            {
                reference = reference < 0 ? j : reference;
                ReadOnlySpan<long> b = inputs[j].Grid.Bounds(Axis);
                for (int k = 1; k < b.Length; k++)
                {
                    if (b[k] > b[k - 1])
                    {
                        axisBounds.Add(at + b[k]);
                    }
                }
            }

            at += n;
        }

        var bounds = new long[Shape.Rank][];
        for (int a = 0; a < Shape.Rank; a++)
        {
            bounds[a] = a == Axis ? axisBounds.ToArray() : inputs[reference].Grid.Bounds(a).ToArray();
        }

        var grid = new TileGrid(Shape, bounds);
        var ins = new TileInput[grid.Count];
        var kernels = new KernelSpec[grid.Count];
        var owners = new int[grid.Count];
        for (int g = 0; g < grid.Count; g++)
        {
            TileExtent e = grid.Extent(g);
            int j = Array.FindLastIndex(offsets, o => o <= e.UlSpan[Axis]);
            while (inputs[j].Shape.Dims[Axis] == 0 || offsets[j] + inputs[j].Shape.Dims[Axis] <= e.UlSpan[Axis])
            {
                j++;
            }

            long[] ul = e.Ul, lr = e.Lr;
            ul[Axis] -= offsets[j];
            lr[Axis] -= offsets[j];
            ins[g] = inputs[j].Input(new TileExtent(ul, lr, inputs[j].Shape));
            kernels[g] = inputs[j].DType == DType ? new CopyKernel() : new CastCopyKernel();
            owners[g] = ins[g].Pieces.OrderByDescending(p => p.Part.Size).First().Tile.Worker;
        }

        TileSet output = lowering.NewTileSet(grid, DType, owners);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(kernels[g], [ins[g]], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}
