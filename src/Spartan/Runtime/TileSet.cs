namespace Spartan.Runtime;

/// <summary>
/// The tiles of one evaluated array on the workers: its grid, dtype and the id of every tile. It owns those tiles:
/// <see cref="Release"/> (or the finalizer, which only queues the release) destroys them on their workers.
/// </summary>
internal sealed class TileSet
{
    private readonly Master _master;
    private int _released;
    private TileInput?[]? _whole;

    public TileSet(Master master, long arrayId, TileGrid grid, DType dtype, TileId[] tiles, bool sparse = false)
    {
        Sparse = sparse;
        _master = master;
        ArrayId = arrayId;
        Grid = grid;
        DType = dtype;
        Tiles = tiles;
        long bytes = 0;
        for (int i = 0; i < grid.Count; i++)
        {
            bytes += grid.Extent(i).Size * dtype.SizeOf();
        }

        Bytes = bytes;
    }

    ~TileSet()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _master.QueueRelease(Tiles);
        }
    }

    public long ArrayId { get; }

    /// <summary>Whether the tiles are CSR row blocks (sparse arrays) rather than dense buffers.</summary>
    public bool Sparse { get; }

    public TileGrid Grid { get; }

    public DType DType { get; }

    public Shape Shape => Grid.Shape;

    public TileId[] Tiles { get; }

    public long Bytes { get; }

    public bool IsReleased => Volatile.Read(ref _released) != 0;

    public Master Master => _master;

    /// <summary>Whether every tile is still stored: not released, and no tile on a lost worker (or an older
    /// incarnation of one). A set that is not live is rebuilt from lineage when needed.</summary>
    public bool IsLive
    {
        get
        {
            if (IsReleased)
            {
                return false;
            }

            foreach (TileId id in Tiles)
            {
                if (!_master.IsLive(id))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The input description of <paramref name="region"/> of this array: the tiles it overlaps and the part of each.</summary>
    public TileInput Input(TileExtent region)
    {
        List<int> overlapping = Grid.Overlapping(region);
        if (overlapping.Count == 1 && Grid.Extent(overlapping[0]).Equals(region))
        {
            // A whole tile (same-grid elementwise work): described once and reused by every plan that reads it.
            int t = overlapping[0];
            TileInput?[] cache = _whole ??= new TileInput?[Grid.Count];
            return cache[t] ??= new TileInput(region, DType, [new TilePiece(Tiles[t], region, region)]);
        }

        var pieces = new TilePiece[overlapping.Count];
        for (int i = 0; i < pieces.Length; i++)
        {
            int t = overlapping[i];
            TileExtent e = Grid.Extent(t);
            pieces[i] = new TilePiece(Tiles[t], e, e.Intersect(region) ?? region);
        }

        return new TileInput(region, DType, pieces);
    }

    /// <summary>Destroys the tiles now; later calls do nothing.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            GC.SuppressFinalize(this);
            _master.QueueRelease(Tiles);
        }
    }
}
