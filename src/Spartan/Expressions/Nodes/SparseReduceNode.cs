using Spartan.Kernels.Sparse;
using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// Sum, Max, Min or CountNonzero of a sparse array straight from its CSR tiles, with NumPy's shapes: axis null gives a
/// 0-d result, axis 0 a 1-d array of the columns, axis 1 a 1-d array of the rows. Axis 1 is one task per row block;
/// the others make a partial per block and combine them in block order, so the result depends only on the tiling.
/// </summary>
internal sealed class SparseReduceNode : Node, ISparseAware
{
    public SparseReduceNode(CsrReduction op, int? axis, Node x, CallSite site)
        : base(OutShape(x.Shape, axis), op == CsrReduction.CountNonzero ? DType.Int64 : DType.Float64, [x], x.Context, site)
    {
        Op = op;
        Axis = axis;
    }

    public CsrReduction Op { get; }

    public int? Axis { get; }

    public override string Label => $"sparse_{Op.ToString().ToLowerInvariant()}(axis={Axis?.ToString() ?? "None"})";

    public override Node WithChildren(Node[] children) => new SparseReduceNode(Op, Axis, children[0], Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet x = inputs[0];
        var kernel = new SparseReduceKernel(Op, Axis);
        if (Axis == 1)
        {
            return SparseLowering.PerTile(lowering, x, Shape, DType, sparse: false, kernel);
        }

        // Partials: one row per CSR block of (blocks, out...) float64, then one task folds them in block order.
        int blocks = x.Grid.Count;
        Shape partialShape = new([blocks, .. Shape.Dims]);
        TileSet partials = lowering.NewTileSet(TileGrid.SplitAxis(partialShape, 0, blocks), DType.Float64, SparseTiling.Owners(x));
        var stage1 = new TileTask[blocks];
        var parts = new TileInput[blocks];
        for (int g = 0; g < blocks; g++)
        {
            TileExtent e = partials.Grid.Extent(g);
            stage1[g] = new TileTask(kernel, [x.Input(x.Grid.Extent(g))], e, [e], [DType.Float64], [partials.Tiles[g]]);
            parts[g] = partials.Input(e);
        }

        TileSet output = lowering.NewTileSet(TileGrid.Single(Shape), DType);
        TileExtent whole = TileExtent.Whole(Shape);
        var stage2 = new TileTask(new SparseCombineKernel(Op), parts, whole, [whole], [DType], [output.Tiles[0]]);
        return new Lowered(output, [stage1, [stage2]], [partials]);
    }

    private static Shape OutShape(Shape s, int? axis) => axis switch
    {
        null => Shape.Scalar,
        0 => new Shape(s[1]),
        _ => new Shape(s[0]),
    };
}
