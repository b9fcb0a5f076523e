using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// A built-in reduction over one axis or all axes. Before ReduceFusion it reads its single child; after, it carries
/// the fused program of the map it reduces and reads that map's leaves, so the map is never materialised.
/// Stage 1 makes one partial per domain tile, on the worker that holds it; stage 2 combines the partials of each
/// output tile in source-tile order, pairwise, on the output tile's worker.
/// </summary>
internal sealed class ReduceNode : Node
{
    public ReduceNode(Reduction reduction, int? axis, bool keepDims, Node child, CallSite site)
        : this(reduction, axis, keepDims, null, [child], [null], child.Shape, site)
    {
    }

    public ReduceNode(Reduction reduction, int? axis, bool keepDims, FusedProgram? program, Node[] leaves, ViewMap?[] maps, Shape domain, CallSite site)
        : base(OutputShape(domain, axis, keepDims), OutputType(reduction, program?.ResultType ?? leaves[0].DType), leaves, ContextOf(leaves), site)
    {
        Reduction = reduction;
        Axis = axis;
        KeepDims = keepDims;
        Program = program;
        Maps = maps;
        Domain = domain;
    }

    /// <summary>How each leaf is read from the domain index (null: NumPy broadcasting).</summary>
    public ViewMap?[] Maps { get; }

    public Reduction Reduction { get; }

    public int? Axis { get; }

    public bool KeepDims { get; }

    public FusedProgram? Program { get; }

    /// <summary>The shape being reduced (the fused map's shape).</summary>
    public Shape Domain { get; }

    public DType ValueType => Program?.ResultType ?? Children[0].DType;

    public override string Label =>
        $"{Reduction.ToString().ToLowerInvariant()}(axis={(Axis is int a ? a : "None")}{(KeepDims ? ", keepdims" : "")}){(Program is null ? "" : $"[{Program}]")}{MapLowering.Describe(Maps)}";

    public static Shape OutputShape(Shape domain, int? axis, bool keepDims)
    {
        if (axis is int a)
        {
            return domain.WithoutAxis(a, keepDims);
        }

        return keepDims ? new Shape(Enumerable.Repeat(1L, domain.Rank).ToArray()) : Shape.Scalar;
    }

    private static DType OutputType(Reduction r, DType value) => r is Reduction.ArgMax or Reduction.ArgMin ? DType.Int64 : value;

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new ReduceNode(Reduction, Axis, KeepDims, Program, children, Maps, Domain, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid domainGrid = MapLowering.GridFor(Domain, inputs, Children, Maps, lowering);
        int rank = Domain.Rank;
        bool arg = Reduction is Reduction.ArgMax or Reduction.ArgMin;

        // The output grid: the domain grid without the reduced axis (kept as [0, 1) with keepDims); one tile for all axes.
        var outBounds = new List<long[]>();
        int along = 1;
        for (int a = 0; a < rank; a++)
        {
            if (Axis is null || a == Axis)
            {
                along *= domainGrid.Counts[a];
                if (KeepDims)
                {
                    outBounds.Add([0, 1]);
                }

                continue;
            }

            outBounds.Add(domainGrid.Bounds(a).ToArray());
        }

        var outGrid = new TileGrid(Shape, [.. outBounds]);

        // Partials: an array of shape (along, *out) whose tile (k, g) is the partial of the k-th domain tile along the
        // reduced axes that maps to output tile g; it lives where that domain tile lives.
        var partialShape = new Shape([along, .. Shape.ToArray()]);
        var partialGrid = new TileGrid(partialShape, [Enumerable.Range(0, along + 1).Select(i => (long)i).ToArray(), .. outBounds]);
        var owners = new int[partialGrid.Count];
        var domainOf = new int[partialGrid.Count];
        var stageInputs = new TileInput[partialGrid.Count][];
        for (int t = 0; t < domainGrid.Count; t++)
        {
            int p = PartialIndex(domainGrid, outGrid, t);
            stageInputs[p] = MapLowering.InputsFor(domainGrid.Extent(t), Children, Maps, inputs);
            owners[p] = Placement.Owner(stageInputs[p], t, lowering.Workers);
            domainOf[p] = t;
        }

        TileSet values = lowering.NewTileSet(partialGrid, ValueType, owners);
        TileSet? indices = arg ? lowering.NewTileSet(partialGrid, DType.Int64, owners) : null;
        var kernel = new ReducePartialKernel(Program, Reduction, Axis, Maps.All(m => m is null) ? null : Maps);
        var stage1 = new TileTask[partialGrid.Count];
        for (int p = 0; p < stage1.Length; p++)
        {
            TileExtent d = domainGrid.Extent(domainOf[p]);
            TileInput[] ins = stageInputs[p];
            TileExtent pe = partialGrid.Extent(p);
            stage1[p] = arg
                ? new TileTask(kernel, ins, d, [pe, pe], [ValueType, DType.Int64], [values.Tiles[p], indices!.Tiles[p]])
                : new TileTask(kernel, ins, d, [pe], [ValueType], [values.Tiles[p]]);
        }

        TileSet output = lowering.NewTileSet(outGrid, DType);
        var combine = new ReduceCombineKernel(Reduction);
        var stage2 = new TileTask[outGrid.Count];
        for (int g = 0; g < stage2.Length; g++)
        {
            TileExtent oe = outGrid.Extent(g);
            var ins = new TileInput[arg ? 2 * along : along];
            for (int k = 0; k < along; k++)
            {
                int p = k * outGrid.Count + g;
                TileExtent pe = partialGrid.Extent(p);
                if (arg)
                {
                    ins[2 * k] = values.Input(pe);
                    ins[2 * k + 1] = indices!.Input(pe);
                }
                else
                {
                    ins[k] = values.Input(pe);
                }
            }

            stage2[g] = new TileTask(combine, ins, oe, [oe], [DType], [output.Tiles[g]]);
        }

        return new Lowered(output, [stage1, stage2], indices is null ? [values] : [values, indices]);
    }

    private int PartialIndex(TileGrid domainGrid, TileGrid outGrid, int t)
    {
        int[] c = domainGrid.Coords(t);
        var oc = new List<int>();
        int k = 0;
        for (int a = 0; a < c.Length; a++)
        {
            if (Axis is null || a == Axis)
            {
                k = k * domainGrid.Counts[a] + c[a];
                if (KeepDims)
                {
                    oc.Add(0);
                }

                continue;
            }

            oc.Add(c[a]);
        }

        return k * outGrid.Count + outGrid.FlatIndex(oc.ToArray());
    }
}
