using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan.IO;

/// <summary>
/// Loads (part of) a tiled store: a source node whose tasks each read the stored tile files that overlap their
/// own output tile, on the worker that will hold it. Loading the whole store without a tile hint keeps the stored
/// tiling (one file per task); a hint, a partial region, or a fixed grid (a checkpoint reloading exactly the tiling
/// it replaced) re-tiles, and any worker count works since tile g goes to worker g mod W.
/// </summary>
internal sealed class StoreNode : Node
{
    private readonly StoreManifest _m;
    private readonly long[] _ul;
    private readonly long[] _lr;
    private readonly bool[] _dropped;
    private readonly TileGrid? _fixedGrid;
    private readonly IProgress<double>? _progress;

    public StoreNode(StoreManifest manifest, long[] ul, long[] lr, bool[] dropped, Shape? tileHint, TileGrid? fixedGrid, IProgress<double>? progress, string label, SpartanContext context, CallSite site)
        : base(OutShape(ul, lr, dropped), manifest.DType, [], context, site)
    {
        _m = manifest;
        _ul = ul;
        _lr = lr;
        _dropped = dropped;
        _fixedGrid = fixedGrid;
        _progress = progress;
        TileHint = tileHint;
        Label = label;
        if (tileHint is Shape h)
        {
            Tiling.Check(Shape, h, "tileHint");
        }
    }

    public Shape? TileHint { get; }

    public override string Label { get; }

    public override Node WithChildren(Node[] children) => this;

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        bool whole = !_dropped.Contains(true) && _ul.All(v => v == 0) && _lr.AsSpan().SequenceEqual(_m.Shape.Dims);
        TileGrid grid = _fixedGrid
            ?? (TileHint is null && whole ? _m.Grid : Tiling.For(Shape, TileHint, lowering.Workers, lowering.Options));
        TileSet output = lowering.NewTileSet(grid, DType);
        long token = lowering.DryRun ? 0 : IOProgressHub.Register("load", _m.Directory, Shape.Size * DType.SizeOf(), _progress, lowering.Options);
        var tasks = new TileTask[grid.Count];
        int rank = _m.Shape.Rank;
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            var ful = new long[rank];
            var flr = new long[rank];
            for (int a = 0, o = 0; a < rank; a++)
            {
                if (_dropped[a])
                {
                    ful[a] = _ul[a];
                    flr[a] = _ul[a] + 1;
                }
                else
                {
                    ful[a] = _ul[a] + e.UlSpan[o];
                    flr[a] = _ul[a] + e.LrSpan[o];
                    o++;
                }
            }

            List<int> overlapping = _m.Grid.Overlapping(new TileExtent(ful, flr, _m.Shape));
            var pieces = new StorePiece[overlapping.Count];
            for (int i = 0; i < pieces.Length; i++)
            {
                StoreTile t = _m.Tiles[overlapping[i]];
                pieces[i] = new StorePiece(t.FullPath, t.Extent.Ul, t.Extent.Lr, t.Hashes);
            }

            var kernel = new StoreReadKernel(pieces, DType, _ul, _dropped, _m.ChunkBytes, token);
            tasks[g] = new TileTask(kernel, [], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }

    private static Shape OutShape(long[] ul, long[] lr, bool[] dropped)
    {
        var dims = new List<long>();
        for (int a = 0; a < ul.Length; a++)
        {
            if (!dropped[a])
            {
                dims.Add(lr[a] - ul[a]);
            }
        }

        return new Shape([.. dims]);
    }
}

/// <summary>
/// The lineage root of a replica checkpoint: a second copy of every tile, held on the next worker. Reloading copies
/// each tile back to the worker that held the primary (the same grid, so nothing re-tiles). The node owns the
/// replica tiles: they live as long as some expression can still need them.
/// </summary>
internal sealed class ReplicaNode : Node
{
    private readonly TileSet _replica;
    private readonly int[] _owners;

    public ReplicaNode(TileSet replica, int[] owners, SpartanContext context, CallSite site)
        : base(replica.Shape, replica.DType, [], context, site)
    {
        _replica = replica;
        _owners = owners;
    }

    public override string Label => $"checkpoint(replica a{_replica.ArrayId})";

    public override Node WithChildren(Node[] children) => this;

    public override Lowered Lower(Lowering lowering, TileSet[] inputs)
    {
        if (_replica.IsReleased)
        {
            throw new SpartanException($"the replica checkpoint a{_replica.ArrayId} was released; its data is lost", Site.ToString());
        }

        TileGrid grid = _replica.Grid;
        int[] owners = _owners.Select(o => o % lowering.Workers).ToArray();
        TileSet output = lowering.NewTileSet(grid, DType, owners);
        var tasks = new TileTask[grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = grid.Extent(g);
            tasks[g] = new TileTask(new CopyKernel(), [_replica.Input(e)], e, [e], [DType], [output.Tiles[g]]);
        }

        return Lowered.Single(output, tasks);
    }
}
