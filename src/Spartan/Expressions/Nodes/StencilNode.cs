using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>A stencil: the 2-d correlation of (H, W) images with a (KH, KW) filter, or of NCHW images with OIHW
/// filters (summed over channels). See <see cref="Sp.Stencil(Expr, Expr, int, PadMode, string, int)"/>.</summary>
internal sealed class StencilNode : Node
{
    public StencilNode(Node images, Node filters, int stride, PadMode pad, Shape shape, DType dtype, CallSite site)
        : base(shape, dtype, [images, filters], ContextOf(images, filters), site)
    {
        Stride = stride;
        Pad = pad;
    }

    public int Stride { get; }

    public PadMode Pad { get; }

    public int KH => (int)Children[1].Shape.Dims[^2];

    public int KW => (int)Children[1].Shape.Dims[^1];

    public override string Label => $"stencil({KH}x{KW}, stride={Stride}, pad={Pad.ToString().ToLowerInvariant()})";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new StencilNode(children[0], children[1], Stride, Pad, Shape, DType, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        int padTop = Pad == PadMode.Valid ? 0 : KH / 2, padLeft = Pad == PadMode.Valid ? 0 : KW / 2;
        var kernel = new StencilKernel(Pad, Stride, padTop, padLeft, 0, 0);
        return StencilLowering.Lower(lowering, inputs[0], inputs[1], Shape, DType, KH, KW, Stride, padTop, padLeft, Pad,
            (rows, cols) => kernel with { RowSegments = rows, ColSegments = cols });
    }
}

/// <summary>Max pooling of (H, W) or NCHW images. See <see cref="Sp.MaxPool(Expr, int, int, string, int)"/>.</summary>
internal sealed class MaxPoolNode : Node
{
    public MaxPoolNode(Node images, int poolSize, int stride, Shape shape, CallSite site)
        : base(shape, images.DType, [images], images.Context, site)
    {
        PoolSize = poolSize;
        Stride = stride;
    }

    public int PoolSize { get; }

    public int Stride { get; }

    public override string Label => $"maxpool({PoolSize}x{PoolSize}, stride={Stride})";

    public override Node WithChildren(Node[] children) =>
        children[0] == Children[0] ? this : new MaxPoolNode(children[0], PoolSize, Stride, Shape, Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        var kernel = new MaxPoolKernel(PoolSize, Stride, 0, 0);
        return StencilLowering.Lower(lowering, inputs[0], null, Shape, DType, PoolSize, PoolSize, Stride, 0, 0, PadMode.Valid,
            (rows, cols) => kernel with { RowSegments = rows, ColSegments = cols });
    }
}

/// <summary>
/// Plans a stencil or pooling with halo exchange: the output grid follows the image's grid (its spatial split points
/// mapped through the stride), and each output tile's task reads exactly the image positions its windows touch. Those
/// are cut at the image's tile boundaries into pieces, so the task reads its own tile in place and gets only thin halo
/// strips (KH / 2 rows, KW / 2 columns) from its neighbours, plus, in Wrap mode, the strips from the far side of the
/// image. The task runs where most of those bytes are: the worker holding the middle tile. No re-tiling, no gather.
/// </summary>
internal static class StencilLowering
{
    public static Lowered Lower(Lowering lowering, TileSet image, TileSet? filter, Shape outShape, DType outType, int kh, int kw,
        int stride, int padTop, int padLeft, PadMode mode, Func<int, int, KernelSpec> kernelFor)
    {
        int rank = outShape.Rank, hA = rank - 2, wA = rank - 1;
        TileGrid ig = image.Grid;
        bool pool = filter is null;
        long channels = rank == 4 && !pool ? image.Shape.Dims[1] : 1;
        var bounds = new long[rank][];
        bounds[hA] = Cuts(ig.Bounds(hA), outShape.Dims[hA], stride, kh / 2 - padTop);
        bounds[wA] = Cuts(ig.Bounds(wA), outShape.Dims[wA], stride, kw / 2 - padLeft);
        if (rank == 4)
        {
            bounds[0] = ig.Bounds(0).ToArray();
            bounds[1] = pool ? ig.Bounds(1).ToArray() : [0, outShape.Dims[1]];
        }

        var grid = new TileGrid(outShape, bounds);
        var ins = new TileInput[grid.Count][];
        var specs = new KernelSpec[grid.Count];
        var owners = new int[grid.Count];
        for (int g = 0; g < grid.Count; g++)
        {
            TileExtent e = grid.Extent(g);
            var list = new List<TileInput>();
            int rowSegments = 0, colSegments = 0;
            if (e.Size > 0 && channels > 0)
            {
                List<(long Start, long End)> rows = Segments(e.UlSpan[hA], e.LrSpan[hA], stride, kh, padTop, mode, image.Shape.Dims[hA], ig.Bounds(hA));
                List<(long Start, long End)> cols = Segments(e.UlSpan[wA], e.LrSpan[wA], stride, kw, padLeft, mode, image.Shape.Dims[wA], ig.Bounds(wA));
                rowSegments = rows.Count;
                colSegments = cols.Count;
                foreach ((long r0, long r1) in rows)
                {
                    foreach ((long c0, long c1) in cols)
                    {
                        long[] ul = rank == 4 ? [e.UlSpan[0], pool ? e.UlSpan[1] : 0, r0, c0] : [r0, c0];
                        long[] lr = rank == 4 ? [e.LrSpan[0], pool ? e.LrSpan[1] : channels, r1, c1] : [r1, c1];
                        list.Add(image.Input(new TileExtent(ul, lr, image.Shape)));
                    }
                }
            }

            if (filter is not null)
            {
                list.Add(filter.Input(TileExtent.Whole(filter.Shape)));
            }

            ins[g] = [.. list];
            specs[g] = kernelFor(rowSegments, colSegments);
            owners[g] = Placement.Owner(ins[g], g, lowering.Workers);
        }

        TileSet output = lowering.NewTileSet(grid, outType, owners);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(specs[g], ins[g], e, [e], [outType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }

    /// <summary>The output split points of a spatial axis: input split point b becomes the first output position whose
    /// window centre (i * stride + <paramref name="offset"/>) is at or past b.</summary>
    public static long[] Cuts(ReadOnlySpan<long> inputBounds, long outLength, int stride, long offset)
    {
        var cuts = new SortedSet<long> { 0, outLength };
        for (int k = 1; k < inputBounds.Length - 1; k++)
        {
            long num = inputBounds[k] - offset;
            long o = num <= 0 ? 0 : (num + stride - 1) / stride;
            if (o > 0 && o < outLength)
            {
                cuts.Add(o);
            }
        }

        return [.. cuts];
    }

    /// <summary>The image positions along one axis that output positions [o0, o1) read, as sorted intervals, each
    /// inside one tile of the image's grid (split at <paramref name="gridBounds"/>). Positions a stride skips are
    /// included when the gap is short, so a strided stencil still reads few pieces.</summary>
    public static List<(long Start, long End)> Segments(long o0, long o1, int stride, int k, int padBefore, PadMode mode, long n, ReadOnlySpan<long> gridBounds)
    {
        long first = (o0 * stride) - padBefore, last = ((o1 - 1) * stride) - padBefore + k - 1;
        var needed = new List<long>();
        // Positions inside the image form one run; only those outside need mapping.
        long inLo = Math.Max(0, first), inHi = Math.Min(n - 1, last);
        for (long p = first; p < Math.Min(inLo, last + 1); p++)
        {
            needed.Add(StencilKernels.Source(mode, p, n));
        }

        for (long p = Math.Max(inHi + 1, first); p <= last; p++)
        {
            needed.Add(StencilKernels.Source(mode, p, n));
        }

        needed.RemoveAll(s => s < 0);
        var intervals = new List<(long Start, long End)>();
        if (inLo <= inHi)
        {
            intervals.Add((inLo, inHi + 1));
        }

        needed.Sort();
        foreach (long s in needed)
        {
            intervals.Add((s, s + 1));
        }

        intervals.Sort();
        var merged = new List<(long Start, long End)>();
        long gap = stride + k;
        foreach ((long s, long e) in intervals)
        {
            if (merged.Count > 0 && s <= merged[^1].End + gap)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, e));
            }
            else
            {
                merged.Add((s, e));
            }
        }

        var result = new List<(long Start, long End)>();
        foreach ((long s, long e) in merged)
        {
            long start = s;
            int i = gridBounds.BinarySearch(start);
            for (i = i < 0 ? ~i : i + 1; i < gridBounds.Length && gridBounds[i] < e; i++)
            {
                if (gridBounds[i] > start)
                {
                    result.Add((start, gridBounds[i]));
                    start = gridBounds[i];
                }
            }

            result.Add((start, e));
        }

        return result;
    }
}
