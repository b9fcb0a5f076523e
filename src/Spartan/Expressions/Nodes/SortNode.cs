using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// Sort or stable argsort along one axis (NaN last).
/// <list type="bullet">
/// <item>Axis whole in every tile: each tile sorts its lines where it lives.</item>
/// <item>A split 1-d array: a distributed sample sort that never gathers the array. Stage 1 draws regular, jittered
/// samples of every tile (order key and global index); the master reads them back and picks one splitter per bucket
/// boundary, as (key, index) pairs, so ties are split evenly and stability is kept. Stage 2 partitions every tile
/// into buckets (stable) and counts them; the master reads the counts. Stage 3 sorts each bucket on the worker that
/// holds most of it, reading only its segments; the result's tiles are the non-empty buckets.</item>
/// <item>A split axis of a multi-d array: a planned movement first re-tiles the array so the axis is whole (split
/// along the largest other axis instead), then each tile sorts its lines.</item>
/// </list>
/// </summary>
internal sealed class SortNode : Node
{
    /// <summary>Samples drawn per bucket from every tile.</summary>
    private const int Oversample = 32;

    public SortNode(int axis, bool arg, Node child, CallSite site)
        : base(child.Shape, arg ? DType.Int64 : child.DType, [child], child.Context, site)
    {
        Axis = axis;
        Arg = arg;
    }

    public int Axis { get; }

    public bool Arg { get; }

    public override string Label => $"{(Arg ? "argsort" : "sort")}(axis={Axis})";

    public override Node WithChildren(Node[] children) =>
        children[0] == Children[0] ? this : new SortNode(Axis, Arg, children[0], Site);

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        TileSet input = inputs[0];
        if (input.Grid.Counts[Axis] == 1)
        {
            return Lowered.Single(LocalSort(lowering, input, out TileTask[] tasks), tasks);
        }

        if (Shape.Rank == 1)
        {
            return PredictSampleSort(lowering, input);
        }

        TileGrid whole = WholeAxisGrid(lowering);
        TileSet moved = lowering.NewTileSet(whole, input.DType);
        var copy = new TileTask[whole.Count];
        for (int g = 0; g < copy.Length; g++)
        {
            TileExtent e = whole.Extent(g);
            copy[g] = new TileTask(new CopyKernel(), [input.Input(e)], e, [e], [input.DType], [moved.Tiles[g]]);
        }

        TileSet output = LocalSort(lowering, moved, out TileTask[] sort);
        return new Lowered(output, [copy, sort], [moved]);
    }

    public override Task<TileSet> ExecuteAsync(Lowering lowering, TileSet[] inputs, CancellationToken ct) =>
        Shape.Rank == 1 && inputs[0].Grid.Counts[0] > 1 ? SampleSortAsync(lowering, inputs[0], ct) : base.ExecuteAsync(lowering, inputs, ct);

    private TileSet LocalSort(Lowering lowering, TileSet input, out TileTask[] tasks)
    {
        TileGrid grid = input.Grid;
        TileSet output = lowering.NewTileSet(grid, DType, input.Tiles.Select(t => t.Worker).ToArray());
        var kernel = new SortLinesKernel(Axis, Arg);
        tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(kernel, [input.Input(e)], e, [e], [DType], [output.Tiles[g]]);
        }

        return output;
    }

    /// <summary>The grid with the sorted axis whole, split along the largest other axis as the default tiling would.</summary>
    private TileGrid WholeAxisGrid(Lowering lowering)
    {
        int other = -1;
        for (int a = 0; a < Shape.Rank; a++)
        {
            if (a != Axis && (other < 0 || Shape.Dims[a] > Shape.Dims[other]))
            {
                other = a;
            }
        }

        long bySize = Math.Max(1, Shape.Size / Math.Max(1, lowering.Options.MinTileElements));
        int parts = (int)Math.Max(1, Math.Min(Math.Min((long)lowering.Workers * lowering.Options.TilesPerWorker, bySize), Shape.Dims[other]));
        return TileGrid.SplitAxis(Shape, other, parts);
    }

    private static int SamplesOf(long length, int buckets) => (int)Math.Min(length, (long)Oversample * buckets);

    private async Task<TileSet> SampleSortAsync(Lowering lowering, TileSet input, CancellationToken ct)
    {
        TileGrid grid = input.Grid;
        int tiles = grid.Count, buckets = tiles;
        int[] owners = input.Tiles.Select(t => t.Worker).ToArray();
        using var scope = new TileScope();

        // Stage 1: samples of every non-empty tile.
        var sampled = Enumerable.Range(0, tiles).Where(t => grid.Extent(t).Size > 0).ToArray();
        var sampleBounds = new long[sampled.Length + 1];
        for (int i = 0; i < sampled.Length; i++)
        {
            sampleBounds[i + 1] = sampleBounds[i] + (2L * SamplesOf(grid.Extent(sampled[i]).Size, buckets));
        }

        var sampleGrid = new TileGrid(new Shape(sampleBounds[^1]), [sampleBounds]);
        TileSet samples = scope.Temporary(lowering.NewTileSet(sampleGrid, DType.Int64, sampled.Select(t => owners[t]).ToArray()));
        var stage1 = new TileTask[sampled.Length];
        for (int i = 0; i < sampled.Length; i++)
        {
            TileExtent e = grid.Extent(sampled[i]);
            TileExtent se = sampleGrid.Extent(i);
            stage1[i] = new TileTask(new SortSampleKernel(SamplesOf(e.Size, buckets)), [input.Input(e)], e, [se], [DType.Int64], [samples.Tiles[i]]);
        }

        await lowering.Master.RunAsync(stage1, ct).ConfigureAwait(false);
        var pairs = new List<(ulong Key, long Id)>();
        for (int i = 0; i < sampled.Length; i++)
        {
            using TileLease lease = await lowering.Master.ReadAsync(samples.Tiles[i], sampleGrid.Extent(i), ct).ConfigureAwait(false);
            ReadOnlySpan<long> d = lease.Data.AsSpan<long>();
            int s = d.Length / 2;
            for (int j = 0; j < s; j++)
            {
                pairs.Add(((ulong)d[j], d[s + j]));
            }
        }

        pairs.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Id.CompareTo(b.Id));
        var splitKeys = new ulong[buckets - 1];
        var splitIds = new long[buckets - 1];
        for (int b = 1; b < buckets; b++)
        {
            (splitKeys[b - 1], splitIds[b - 1]) = pairs[(int)((long)b * pairs.Count / buckets)];
        }

        // Stage 2: partition every tile into buckets and count them.
        TileSet values = scope.Temporary(lowering.NewTileSet(grid, input.DType, owners));
        TileSet? ids = Arg ? scope.Temporary(lowering.NewTileSet(grid, DType.Int64, owners)) : null;
        var countGrid = TileGrid.FromTileShape(new Shape((long)tiles * buckets), [buckets]);
        TileSet counts = scope.Temporary(lowering.NewTileSet(countGrid, DType.Int64, owners));
        var partition = new SortPartitionKernel(splitKeys, splitIds, Arg);
        var stage2 = new TileTask[tiles];
        for (int t = 0; t < tiles; t++)
        {
            TileExtent e = grid.Extent(t);
            TileExtent ce = countGrid.Extent(t);
            stage2[t] = ids is null
                ? new TileTask(partition, [input.Input(e)], e, [e, ce], [input.DType, DType.Int64], [values.Tiles[t], counts.Tiles[t]])
                : new TileTask(partition, [input.Input(e)], e, [e, e, ce], [input.DType, DType.Int64, DType.Int64], [values.Tiles[t], ids.Tiles[t], counts.Tiles[t]]);
        }

        await lowering.Master.RunAsync(stage2, ct).ConfigureAwait(false);
        var count = new long[tiles][];
        for (int t = 0; t < tiles; t++)
        {
            using TileLease lease = await lowering.Master.ReadAsync(counts.Tiles[t], countGrid.Extent(t), ct).ConfigureAwait(false);
            count[t] = lease.Data.ToArray<long>();
        }

        // Stage 3: sort every non-empty bucket from its segments, on the worker that holds most of it.
        var bounds = new List<long> { 0 };
        var kept = new List<int>();
        for (int b = 0; b < buckets; b++)
        {
            long size = 0;
            for (int t = 0; t < tiles; t++)
            {
                size += count[t][b];
            }

            if (size > 0)
            {
                kept.Add(b);
                bounds.Add(bounds[^1] + size);
            }
        }

        var outGrid = new TileGrid(Shape, [bounds.ToArray()]);
        var offsets = new long[tiles];
        var plans = new List<(TileInput[] Inputs, int Segments, int Owner)>();
        foreach (int b in kept)
        {
            var vins = new List<TileInput>();
            var iins = new List<TileInput>();
            var held = new long[lowering.Workers];
            for (int t = 0; t < tiles; t++)
            {
                // Bucket b of tile t starts after the tile's earlier buckets.
                long before = 0;
                for (int k = 0; k < b; k++)
                {
                    before += count[t][k];
                }

                long n = count[t][b];
                if (n == 0)
                {
                    continue;
                }

                long start = grid.Extent(t).UlSpan[0] + before;
                var region = new TileExtent([start], [start + n], Shape);
                vins.Add(values.Input(region));
                if (ids is not null)
                {
                    iins.Add(ids.Input(region));
                }

                held[owners[t]] += n;
            }

            plans.Add(([.. vins, .. iins], vins.Count, Array.IndexOf(held, held.Max())));
        }

        TileSet output = scope.Output(lowering.NewTileSet(outGrid, DType, plans.Select(p => p.Owner).ToArray()));
        var stage3 = new TileTask[plans.Count];
        for (int i = 0; i < stage3.Length; i++)
        {
            TileExtent oe = outGrid.Extent(i);
            stage3[i] = new TileTask(new SortBucketKernel(plans[i].Segments, Arg), plans[i].Inputs, oe, [oe], [DType], [output.Tiles[i]]);
        }

        await lowering.Master.RunAsync(stage3, ct).ConfigureAwait(false);
        return scope.Complete();
    }

    /// <summary>The sample sort's plan as Explain predicts it (the real buckets depend on the data): samples, the
    /// partition, and buckets the size of the input tiles, each reading its share of every partitioned tile.</summary>
    private Lowered PredictSampleSort(Lowering lowering, TileSet input)
    {
        TileGrid grid = input.Grid;
        int tiles = grid.Count;
        int[] owners = input.Tiles.Select(t => t.Worker).ToArray();
        var sampleGrid = TileGrid.FromTileShape(new Shape(2L * Oversample * tiles * tiles), [2L * Oversample * tiles]);
        TileSet samples = lowering.NewTileSet(sampleGrid, DType.Int64, owners);
        TileSet values = lowering.NewTileSet(grid, input.DType, owners);
        var countGrid = TileGrid.FromTileShape(new Shape((long)tiles * tiles), [tiles]);
        TileSet counts = lowering.NewTileSet(countGrid, DType.Int64, owners);
        TileSet output = lowering.NewTileSet(grid, DType, owners);
        var stage1 = new TileTask[tiles];
        var stage2 = new TileTask[tiles];
        var stage3 = new TileTask[tiles];
        var partition = new SortPartitionKernel(new ulong[tiles - 1], new long[tiles - 1], false);
        for (int t = 0; t < tiles; t++)
        {
            TileExtent e = grid.Extent(t);
            stage1[t] = new TileTask(new SortSampleKernel(Oversample * tiles), [input.Input(e)], e, [sampleGrid.Extent(t)], [DType.Int64], [samples.Tiles[t]]);
            stage2[t] = new TileTask(partition, [input.Input(e)], e, [e, countGrid.Extent(t)], [input.DType, DType.Int64], [values.Tiles[t], counts.Tiles[t]]);
            var ins = new List<TileInput>();
            for (int s = 0; s < tiles; s++)
            {
                TileExtent se = grid.Extent(s);
                long lo = se.UlSpan[0] + (se.Size * t / tiles), hi = se.UlSpan[0] + (se.Size * (t + 1) / tiles);
                ins.Add(values.Input(new TileExtent([lo], [hi], Shape)));
            }

            stage3[t] = new TileTask(new SortBucketKernel(tiles, Arg), [.. ins], e, [e], [DType], [output.Tiles[t]]);
        }

        return new Lowered(output, [stage1, stage2, stage3], [samples, values, counts]);
    }
}
