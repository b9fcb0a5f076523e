using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>How sparse arrays are tiled: row blocks spanning every column, so a product with a dense vector needs only
/// a whole copy of the vector per task and each tile's column indices are global.</summary>
internal static class SparseTiling
{
    public static TileGrid Rows(Shape shape, int workers, SpartanOptions options)
    {
        // A row block of CSR is cheap per row, so the split is by count alone: TilesPerWorker blocks per worker.
        int parts = (int)Math.Max(1, Math.Min((long)workers * options.TilesPerWorker, shape[0]));
        return TileGrid.SplitAxis(shape, 0, parts);
    }

    /// <summary>A grid over <paramref name="shape"/> (whose axis 0 has the rows of <paramref name="rows"/>) that splits axis
    /// 0 where <paramref name="rows"/> does and keeps every other axis whole.</summary>
    public static TileGrid Like(TileGrid rows, Shape shape)
    {
        var bounds = new long[shape.Rank][];
        bounds[0] = rows.Bounds(0).ToArray();
        for (int a = 1; a < shape.Rank; a++)
        {
            bounds[a] = [0, shape[a]];
        }

        return new TileGrid(shape, bounds);
    }

    /// <summary>The workers holding each tile, so outputs tiled like a sparse input are computed where it lives.</summary>
    public static int[] Owners(TileSet t) => t.Tiles.Select(id => id.Worker).ToArray();
}

/// <summary>A sparse array made by its kernel alone (random, diagonal, empty): one task per row block.</summary>
internal sealed class SparseSourceNode : Node, ISparseAware
{
    public SparseSourceNode(Shape shape, SparseKernelSpec kernel, string label, SpartanContext context, CallSite site)
        : base(shape, DType.Float64, [], context, site)
    {
        Kernel = kernel;
        Label = label;
    }

    public SparseKernelSpec Kernel { get; }

    public override string Label { get; }

    public override bool IsSparse => true;

    public override Node WithChildren(Node[] children) => this;

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid grid = SparseTiling.Rows(Shape, lowering.Workers, lowering.Options);
        TileSet output = lowering.NewTileSet(grid, DType, sparse: true);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(Kernel, [], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}

/// <summary>A sparse array from validated COO triples held by the driver (copied at the call, so it can be replayed);
/// each row block's triples are sent to its worker, which builds the CSR tile.</summary>
internal sealed class SparseCooNode : Node, ISparseAware
{
    private readonly long[] _rows;
    private readonly long[] _cols;
    private readonly double[] _values;

    public SparseCooNode(long[] rows, long[] cols, double[] values, Shape shape, SpartanContext context, CallSite site)
        : base(shape, DType.Float64, [], context, site)
    {
        (_rows, _cols, _values) = (rows, cols, values);
    }

    public override string Label => $"sparse_from_coo(nnz<={_rows.Length})";

    public override bool IsSparse => true;

    public override Node WithChildren(Node[] children) => this;

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileGrid grid = SparseTiling.Rows(Shape, lowering.Workers, lowering.Options);
        TileSet output = lowering.NewTileSet(grid, DType, sparse: true);
        ReadOnlySpan<long> bounds = grid.Bounds(0);
        int tiles = grid.Count;
        // Bucket the triples by row block (two passes: counts, then fill), keeping their order within a block.
        var tileOf = new int[_rows.Length];
        var counts = new int[tiles];
        for (int e = 0; e < _rows.Length; e++)
        {
            int t = bounds.BinarySearch(_rows[e]);
            t = t >= 0 ? t : ~t - 1;
            tileOf[e] = t;
            counts[t]++;
        }

        var rows = new int[tiles][];
        var cols = new int[tiles][];
        var values = new double[tiles][];
        for (int t = 0; t < tiles; t++)
        {
            (rows[t], cols[t], values[t]) = (new int[counts[t]], new int[counts[t]], new double[counts[t]]);
        }

        var fill = new int[tiles];
        for (int e = 0; e < _rows.Length; e++)
        {
            int t = tileOf[e], at = fill[t]++;
            rows[t][at] = (int)(_rows[e] - bounds[t]);
            cols[t][at] = (int)_cols[e];
            values[t][at] = _values[e];
        }

        var tasks = new TileTask[tiles];
        for (int g = 0; g < tiles; g++)
        {
            TileExtent ext = grid.Extent(g);
            tasks[g] = new TileTask(new SparseCooKernel(rows[g], cols[g], values[g]), [], ext, [ext], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}

/// <summary>A sparse array times a constant (also -x and x / c): stays sparse, the structure is shared.</summary>
internal sealed class SparseScaleNode : Node, ISparseAware
{
    public SparseScaleNode(Node x, double factor, bool divide, CallSite site)
        : base(x.Shape, DType.Float64, [x], x.Context, site)
    {
        Factor = factor;
        Divide = divide;
    }

    public double Factor { get; }

    /// <summary>Whether values are divided by <see cref="Factor"/> (x / c: the same rounding as NumPy's division).</summary>
    public bool Divide { get; }

    public override string Label => Divide ? $"sparse_divide({Factor})" : $"sparse_scale({Factor})";

    public override bool IsSparse => true;

    public override Node WithChildren(Node[] children) => new SparseScaleNode(children[0], Factor, Divide, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs) =>
        SparseLowering.PerTile(lowering, inputs[0], Shape, DType, sparse: true, new SparseScaleKernel(Factor, Divide));
}

/// <summary>The dense array of a sparse one, tiled by the same row blocks.</summary>
internal sealed class SparseToDenseNode : Node, ISparseAware
{
    public SparseToDenseNode(Node x, CallSite site)
        : base(x.Shape, DType.Float64, [x], x.Context, site)
    {
    }

    public override string Label => "to_dense";

    public override Node WithChildren(Node[] children) => new SparseToDenseNode(children[0], Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs) =>
        SparseLowering.PerTile(lowering, inputs[0], Shape, DType, sparse: false, new SparseToDenseKernel());
}

/// <summary>Plans shared by the sparse nodes.</summary>
internal static class SparseLowering
{
    /// <summary>One task per tile of a sparse input, on the worker that holds it, writing an output tile of the same
    /// rows (<paramref name="shape"/>'s other axes whole) with input tile g as the only input.</summary>
    public static Lowered PerTile(Lowering lowering, TileSet input, Shape shape, DType dtype, bool sparse, KernelSpec kernel, params TileInput[] extra)
    {
        TileGrid grid = SparseTiling.Like(input.Grid, shape);
        TileSet output = lowering.NewTileSet(grid, dtype, SparseTiling.Owners(input), sparse);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            TileInput tile = input.Input(input.Grid.Extent(g));
            tasks[g] = new TileTask(kernel, [tile, .. extra], e, [e], [dtype], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}
