using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// <c>x.T · f(x · w, ...)</c> as one pass over x (n x d): the RowDotFusion rewrite of a transposed dot whose other
/// operand is an elementwise map of <c>x.Dot(w)</c> (the logistic-regression gradient <c>X.T.Dot(sigmoid(X.Dot(w)) - y)</c>).
/// Children: x, w, then the map's other leaves. Per row tile of x a task computes z = x_t · w, r = f(z, ...) and the
/// partial x_tᵀ · r block by block; the partials are summed in tile order, as a reduction.
/// </summary>
internal sealed class RowDotNode : Node
{
    public RowDotNode(Node x, Node w, FusedProgram program, int zInput, Node[] others, ViewMap?[] maps, Shape mapShape, CallSite site)
        : base(OutputShape(x.Shape, mapShape), program.ResultType, [x, w, .. others], ContextOf([x, w, .. others]), site)
    {
        Program = program;
        ZInput = zInput;
        Maps = maps;
        MapShape = mapShape;
    }

    /// <summary>r = f(z, others), with z at program input <see cref="ZInput"/>.</summary>
    public FusedProgram Program { get; }

    public int ZInput { get; }

    /// <summary>How each program input is read (entry <see cref="ZInput"/> is unused).</summary>
    public ViewMap?[] Maps { get; }

    /// <summary>The shape of r: (n) or (n, k).</summary>
    public Shape MapShape { get; }

    public override string Label => $"row_dot(x.T · f(x · w))[{Program}]{MapLowering.Describe(Maps)}";

    private static Shape OutputShape(Shape x, Shape map) => map.Rank == 1 ? new Shape(x.Dims[1]) : new Shape(x.Dims[1], map.Dims[1]);

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new RowDotNode(children[0], children[1], Program, ZInput, children[2..], Maps, MapShape, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        Node[] others = Children[2..];
        ViewMap?[] otherMaps = Maps.Where((_, l) => l != ZInput).ToArray();
        var kernel = new RowDotKernel(Program, ZInput, Maps);
        return RowPartials.Lower(lowering, this, inputs[0], (r0, r1) =>
        {
            TileExtent domain = MapShape.Rank == 1
                ? new TileExtent([r0], [r1], MapShape)
                : new TileExtent([r0, 0], [r1, MapShape.Dims[1]], MapShape);
            var ins = new TileInput[2 + others.Length];
            ins[0] = inputs[0].Input(new TileExtent([r0, 0], [r1, Children[0].Shape.Dims[1]], Children[0].Shape));
            ins[1] = inputs[1].Input(TileExtent.Whole(Children[1].Shape));
            for (int l = 0; l < others.Length; l++)
            {
                TileExtent region = otherMaps[l]?.Region(domain, others[l].Shape) ?? Broadcasting.Region(domain, others[l].Shape);
                ins[2 + l] = inputs[2 + l].Input(region);
            }

            return (kernel, ins, domain);
        });
    }
}

/// <summary>
/// The k-means pass behind <see cref="Sp.NearestCenterSums"/>: for centres c (k x d), row j of the (k, d + 1) result
/// holds the sum of the rows of x (n x d) whose nearest centre is j, then their count. One task per row tile of x reads
/// its tile once (plus all of c); the partials are summed in tile order.
/// </summary>
internal sealed class NearestSumsNode : Node
{
    public NearestSumsNode(Node x, Node centers, DType dtype, CallSite site)
        : base(new Shape(centers.Shape.Dims[0], x.Shape.Dims[1] + 1), dtype, [x, centers], ContextOf(x, centers), site)
    {
    }

    public override string Label => "nearest_center_sums";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new NearestSumsNode(children[0], children[1], DType, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        var kernel = new NearestSumsKernel();
        Shape xs = Children[0].Shape;
        return RowPartials.Lower(lowering, this, inputs[0], (r0, r1) =>
        {
            TileExtent rows = new([r0, 0], [r1, xs.Dims[1]], xs);
            return (kernel, [inputs[0].Input(rows), inputs[1].Input(TileExtent.Whole(Children[1].Shape))], rows);
        });
    }
}

/// <summary>Plans a one-pass-per-row-tile reduction: stage 1 makes one partial per row tile of x on the worker that
/// holds it; stage 2 sums each output tile's partials in tile order (one output tile: the results are small).</summary>
internal static class RowPartials
{
    public static Lowered Lower(Lowering lowering, Node node, TileSet x, Func<long, long, (KernelSpec Kernel, TileInput[] Inputs, TileExtent Domain)> task)
    {
        ReadOnlySpan<long> rows = x.Grid.Bounds(0);
        int count = Math.Max(1, rows.Length - 1);
        long[] bounds = rows.Length >= 2 ? rows.ToArray() : [0, 0];
        var outGrid = TileGrid.Single(node.Shape);
        var partialShape = new Shape([count, .. node.Shape.ToArray()]);
        var partialGrid = new TileGrid(partialShape, [Enumerable.Range(0, count + 1).Select(i => (long)i).ToArray(), .. node.Shape.ToArray().Select(n => new[] { 0L, n })]);
        var specs = new (KernelSpec Kernel, TileInput[] Inputs, TileExtent Domain)[count];
        var owners = new int[count];
        for (int t = 0; t < count; t++)
        {
            specs[t] = task(bounds[t], bounds[t + 1]);
            owners[t] = Placement.Owner(specs[t].Inputs, t, lowering.Workers);
        }

        TileSet partials = lowering.NewTileSet(partialGrid, node.DType, owners);
        var stage1 = new TileTask[count];
        for (int t = 0; t < count; t++)
        {
            TileExtent pe = partialGrid.Extent(t);
            stage1[t] = new TileTask(specs[t].Kernel, specs[t].Inputs, specs[t].Domain, [pe], [node.DType], [partials.Tiles[t]]);
        }

        TileSet output = lowering.NewTileSet(outGrid, node.DType);
        var ins = new TileInput[count];
        for (int t = 0; t < count; t++)
        {
            ins[t] = partials.Input(partialGrid.Extent(t));
        }

        TileExtent oe = outGrid.Extent(0);
        var stage2 = new[] { new TileTask(new ReduceCombineKernel(Reduction.Sum), ins, oe, [oe], [node.DType], [output.Tiles[0]]) };
        return new Lowered(output, [stage1, stage2], [partials]);
    }
}
