using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// The general all-to-all operator. Stage 1 runs the user kernel on every input tile where it lives and counts what it
/// emits (non-empty pieces, elements); the master reads the counts. Stage 2 runs the kernel again (kernels are
/// deterministic) and packs its pieces on the same worker: their corners into a small Int64 array, their data into a
/// 1-d array. The master reads the corners only. Stage 3 builds every output tile on its worker: the target's region
/// (or zeros), then each piece that meets the tile, in source order (source tile, then emission order), combined
/// with the accumulator; each piece is read as the contiguous window of its data that covers the overlap.
/// </summary>
internal sealed class ShuffleNode : Node
{
    public ShuffleNode(UserKernelSpec kernel, ReduceOp accumulate, Node x, Node? target, CallSite site)
        : base(target?.Shape ?? x.Shape, target?.DType ?? x.DType, target is null ? [x] : [x, target], target is null ? x.Context : ContextOf(x, target), site)
    {
        Kernel = kernel;
        Accumulate = accumulate;
    }

    public UserKernelSpec Kernel { get; }

    public ReduceOp Accumulate { get; }

    private bool HasTarget => Children.Length > 1;

    public override string Label => $"shuffle({Kernel.Name}, {Accumulate})";

    public override Node WithChildren(Node[] children) =>
        children.AsSpan().SequenceEqual(Children) ? this : new ShuffleNode(Kernel, Accumulate, children[0], children.Length > 1 ? children[1] : null, Site);

    /// <summary>The plan as Explain shows it: the counting stage and the output tiles; the packing and the pieces each
    /// tile reads depend on what the kernel emits.</summary>
    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet src = inputs[0];
        TileSet counts = lowering.NewTileSet(CountGrid(src.Grid.Count), DType.Int64, Owners(src));
        TileTask[] count = CountTasks(src, counts);
        (TileGrid grid, int[] owners) = OutputGrid(inputs);
        TileSet output = lowering.NewTileSet(grid, DType, owners);
        var build = new TileTask[grid.Count];
        for (int g = 0; g < build.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            build[g] = new TileTask(new ShuffleCombineKernel(Accumulate, HasTarget, [], []), HasTarget ? [inputs[1].Input(e)] : [], e, [e], [DType], [output.Tiles[g]]);
        }

        return new Lowered(output, [count, build], [counts]);
    }

    public override async Task<TileSet> ExecuteAsync(Lowering lowering, TileSet[] inputs, CancellationToken ct)
    {
        TileSet src = inputs[0];
        int tiles = src.Grid.Count;
        int rank = Shape.Rank;
        int perPiece = (2 * rank) + 1;
        int[] srcOwners = Owners(src);
        using var scope = new TileScope();

        // Stage 1: count.
        TileGrid countGrid = CountGrid(tiles);
        TileSet counts = scope.Temporary(lowering.NewTileSet(countGrid, DType.Int64, srcOwners));
        await lowering.Master.RunAsync(CountTasks(src, counts), ct).ConfigureAwait(false);
        var pieces = new long[tiles];
        var elements = new long[tiles];
        for (int t = 0; t < tiles; t++)
        {
            using TileLease lease = await lowering.Master.ReadAsync(counts.Tiles[t], countGrid.Extent(t), ct).ConfigureAwait(false);
            ReadOnlySpan<long> c = lease.Data.AsSpan<long>();
            (pieces[t], elements[t]) = (c[0], c[1]);
        }

        // Stage 2: pack, for the tiles that emitted anything.
        int[] emitting = Enumerable.Range(0, tiles).Where(t => pieces[t] > 0).ToArray();
        var metaBounds = new long[emitting.Length + 1];
        var dataBounds = new long[emitting.Length + 1];
        for (int i = 0; i < emitting.Length; i++)
        {
            metaBounds[i + 1] = metaBounds[i] + (pieces[emitting[i]] * perPiece);
            dataBounds[i + 1] = dataBounds[i] + elements[emitting[i]];
        }

        var found = new List<(TileExtent Extent, long DataStart)>();
        TileSet? data = null;
        if (emitting.Length > 0)
        {
            var metaGrid = new TileGrid(new Shape(metaBounds[^1]), [metaBounds]);
            var dataGrid = new TileGrid(new Shape(dataBounds[^1]), [dataBounds]);
            int[] packOwners = emitting.Select(t => srcOwners[t]).ToArray();
            TileSet meta = scope.Temporary(lowering.NewTileSet(metaGrid, DType.Int64, packOwners));
            data = scope.Temporary(lowering.NewTileSet(dataGrid, DType, packOwners));
            var pack = new TileTask[emitting.Length];
            var packKernel = new ShufflePackKernel(Kernel, Shape, DType);
            for (int i = 0; i < pack.Length; i++)
            {
                TileExtent e = src.Grid.Extent(emitting[i]);
                pack[i] = new TileTask(packKernel, [src.Input(e)], e, [metaGrid.Extent(i), dataGrid.Extent(i)], [DType.Int64, DType], [meta.Tiles[i], data.Tiles[i]]);
            }

            await lowering.Master.RunAsync(pack, ct).ConfigureAwait(false);
            for (int i = 0; i < emitting.Length; i++)
            {
                using TileLease lease = await lowering.Master.ReadAsync(meta.Tiles[i], metaGrid.Extent(i), ct).ConfigureAwait(false);
                long[] m = lease.Data.ToArray<long>();
                long at = dataBounds[i];
                for (int p = 0; p < m.Length; p += perPiece)
                {
                    var extent = new TileExtent(m[(p + 1)..(p + 1 + rank)], m[(p + 1 + rank)..(p + perPiece)], Shape);
                    found.Add((extent, at));
                    at += m[p];
                }
            }
        }

        // Stage 3: build every output tile from the pieces that meet it, in source order.
        (TileGrid grid, int[] owners) = OutputGrid(inputs);
        TileSet output = scope.Output(lowering.NewTileSet(grid, DType, owners));
        var build = new TileTask[grid.Count];
        for (int g = 0; g < build.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            var ins = new List<TileInput>();
            if (HasTarget)
            {
                ins.Add(inputs[1].Input(e));
            }

            var met = new List<TileExtent>();
            var starts = new List<long>();
            foreach ((TileExtent piece, long dataStart) in found)
            {
                if (e.Size == 0 || piece.Intersect(e) is not { Size: > 0 } part)
                {
                    continue;
                }

                // The overlap's first and last elements bound a contiguous window of the piece's row-major data.
                long[] pieceStrides = piece.Shape.Strides();
                long lo = 0, hi = 0;
                for (int a = 0; a < rank; a++)
                {
                    lo += (part.UlSpan[a] - piece.UlSpan[a]) * pieceStrides[a];
                    hi += (part.LrSpan[a] - 1 - piece.UlSpan[a]) * pieceStrides[a];
                }

                ins.Add(data!.Input(new TileExtent([dataStart + lo], [dataStart + hi + 1], data.Shape)));
                met.Add(piece);
                starts.Add(lo);
            }

            build[g] = new TileTask(new ShuffleCombineKernel(Accumulate, HasTarget, [.. met], [.. starts]), [.. ins], e, [e], [DType], [output.Tiles[g]]);
        }

        await lowering.Master.RunAsync(build, ct).ConfigureAwait(false);
        return scope.Complete();
    }

    private static int[] Owners(TileSet t) => t.Tiles.Select(id => id.Worker).ToArray();

    private static TileGrid CountGrid(int tiles) => TileGrid.FromTileShape(new Shape(2L * tiles), [2]);

    private TileTask[] CountTasks(TileSet src, TileSet counts)
    {
        var kernel = new ShuffleCountKernel(Kernel, Shape, DType);
        var tasks = new TileTask[src.Grid.Count];
        for (int t = 0; t < tasks.Length; t++)
        {
            TileExtent e = src.Grid.Extent(t);
            tasks[t] = new TileTask(kernel, [src.Input(e)], e, [counts.Grid.Extent(t)], [DType.Int64], [counts.Tiles[t]]);
        }

        return tasks;
    }

    /// <summary>The target's tiling (or, without a target, the input's, whose shape the result has).</summary>
    private (TileGrid Grid, int[] Owners) OutputGrid(TileSet[] inputs)
    {
        TileSet like = HasTarget ? inputs[1] : inputs[0];
        return (like.Grid, Owners(like));
    }
}
