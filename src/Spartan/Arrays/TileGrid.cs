namespace Spartan;

/// <summary>
/// A tiling of an array as a grid: per axis, a sorted list of split points. Tile g (row-major over the grid)
/// lives on worker g mod W. Finding the tiles that meet a region is a binary search per axis, never a scan over
/// all tiles (the original's issue #13).
/// </summary>
internal sealed class TileGrid : IEquatable<TileGrid>
{
    // _bounds[axis] = [0, b1, b2, ..., n]: tile k on that axis covers [_bounds[k], _bounds[k+1]).
    private readonly long[][] _bounds;
    private readonly int[] _counts;
    private TileExtent?[]? _extents;

    public TileGrid(Shape shape, long[][] bounds)
    {
        Shape = shape;
        _bounds = bounds;
        _counts = new int[bounds.Length];
        int total = 1;
        for (int i = 0; i < bounds.Length; i++)
        {
            _counts[i] = bounds[i].Length - 1;
            total = checked(total * _counts[i]);
        }

        Count = total;
    }

    public Shape Shape { get; }

    /// <summary>Number of tiles.</summary>
    public int Count { get; }

    public int Rank => _bounds.Length;

    /// <summary>Tiles per axis.</summary>
    public ReadOnlySpan<int> Counts => _counts;

    public ReadOnlySpan<long> Bounds(int axis) => _bounds[axis];

    /// <summary>A grid of tiles of at most <paramref name="tile"/> elements per axis.</summary>
    public static TileGrid FromTileShape(Shape shape, ReadOnlySpan<long> tile)
    {
        var bounds = new long[shape.Rank][];
        for (int a = 0; a < shape.Rank; a++)
        {
            long n = shape.Dims[a], t = Math.Max(1, tile[a]);
            long k = Math.Max(1, (n + t - 1) / t);
            bounds[a] = new long[k + 1];
            for (long i = 0; i <= k; i++)
            {
                bounds[a][i] = Math.Min(n, i * t);
            }
        }

        return new TileGrid(shape, bounds);
    }

    /// <summary>A grid that splits one axis into <paramref name="parts"/> near-equal tiles.</summary>
    public static TileGrid SplitAxis(Shape shape, int axis, int parts)
    {
        var bounds = new long[shape.Rank][];
        for (int a = 0; a < shape.Rank; a++)
        {
            long n = shape.Dims[a];
            int k = a == axis ? (int)Math.Max(1, Math.Min(parts, n)) : 1;
            bounds[a] = new long[k + 1];
            for (int i = 0; i <= k; i++)
            {
                bounds[a][i] = n * i / k;
            }
        }

        return new TileGrid(shape, bounds);
    }

    /// <summary>The single-tile grid.</summary>
    public static TileGrid Single(Shape shape) => SplitAxis(shape, -1, 1);

    /// <summary>The grid coordinates of flat tile index <paramref name="tile"/>.</summary>
    public int[] Coords(int tile)
    {
        var c = new int[Rank];
        for (int a = Rank - 1; a >= 0; a--)
        {
            c[a] = tile % _counts[a];
            tile /= _counts[a];
        }

        return c;
    }

    public int FlatIndex(ReadOnlySpan<int> coords)
    {
        int t = 0;
        for (int a = 0; a < Rank; a++)
        {
            t = t * _counts[a] + coords[a];
        }

        return t;
    }

    /// <summary>The box of tile <paramref name="tile"/>. Extents are immutable, so each is built once per grid and
    /// shared: planning a 10,000-tile array must not allocate per tile per use.</summary>
    public TileExtent Extent(int tile)
    {
        TileExtent?[] cache = _extents ??= new TileExtent?[Count];
        return cache[tile] ??= MakeExtent(tile);
    }

    private TileExtent MakeExtent(int tile)
    {
        int[] c = Coords(tile);
        var ul = new long[Rank];
        var lr = new long[Rank];
        for (int a = 0; a < Rank; a++)
        {
            ul[a] = _bounds[a][c[a]];
            lr[a] = _bounds[a][c[a] + 1];
        }

        return new TileExtent(ul, lr, Shape);
    }

    /// <summary>The tiles that overlap <paramref name="region"/>, in row-major tile order.</summary>
    public List<int> Overlapping(TileExtent region)
    {
        var lo = new int[Rank];
        var hi = new int[Rank];
        for (int a = 0; a < Rank; a++)
        {
            long u = region.UlSpan[a], l = region.LrSpan[a];
            if (l <= u)
            {
                // An empty box meets the tile that would hold its corner (zero-size arrays have one empty tile).
                lo[a] = hi[a] = Locate(a, Math.Min(u, Shape.Dims[a] - 1));
                if (Shape.Dims[a] == 0)
                {
                    lo[a] = hi[a] = 0;
                }
                else if (l < u)
                {
                    return [];
                }

                continue;
            }

            lo[a] = Locate(a, u);
            hi[a] = Locate(a, l - 1);
        }

        var result = new List<int>();
        var c = (int[])lo.Clone();
        while (true)
        {
            result.Add(FlatIndex(c));
            int a = Rank - 1;
            while (a >= 0 && ++c[a] > hi[a])
            {
                c[a] = lo[a];
                a--;
            }

            if (a < 0)
            {
                return result;
            }
        }
    }

    /// <summary>The tile index along <paramref name="axis"/> that holds coordinate <paramref name="x"/>.</summary>
    private int Locate(int axis, long x)
    {
        long[] b = _bounds[axis];
        int i = Array.BinarySearch(b, 0, b.Length - 1, x);
        if (i < 0)
        {
            i = ~i - 1;
        }

        // Skip empty tiles that share a start.
        while (i + 1 < b.Length - 1 && b[i + 1] <= x)
        {
            i++;
        }

        return Math.Max(0, i);
    }

    public bool Equals(TileGrid? other)
    {
        if (other is null || other.Shape != Shape)
        {
            return false;
        }

        for (int a = 0; a < Rank; a++)
        {
            if (!_bounds[a].AsSpan().SequenceEqual(other._bounds[a]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as TileGrid);

    public override int GetHashCode() => HashCode.Combine(Shape, Count);

    public override string ToString()
    {
        var parts = new string[Rank];
        for (int a = 0; a < Rank; a++)
        {
            parts[a] = _counts[a].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return $"{Count} tiles ({string.Join("x", parts)}) of {Shape}";
    }
}
