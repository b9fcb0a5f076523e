namespace Spartan.Expressions;

/// <summary>The default tiling, and tile hint checks. The default depends only on shape, dtype, worker count and
/// options, so a recovery never re-tiles.</summary>
internal static class Tiling
{
    /// <summary>Splits the largest axis into about <see cref="SpartanOptions.TilesPerWorker"/> tiles per worker,
    /// but never below <see cref="SpartanOptions.MinTileElements"/> elements per tile.</summary>
    public static TileGrid Default(Shape shape, int workers, SpartanOptions options)
    {
        if (shape.Rank == 0)
        {
            return TileGrid.Single(shape);
        }

        int axis = 0;
        for (int a = 1; a < shape.Rank; a++)
        {
            if (shape.Dims[a] > shape.Dims[axis])
            {
                axis = a;
            }
        }

        long bySize = Math.Max(1, shape.Size / Math.Max(1, options.MinTileElements));
        int parts = (int)Math.Max(1, Math.Min(Math.Min((long)workers * options.TilesPerWorker, bySize), shape.Dims[axis]));
        return TileGrid.SplitAxis(shape, axis, parts);
    }

    /// <summary>The grid for a tile hint, or the default when there is none.</summary>
    public static TileGrid For(Shape shape, Shape? tileHint, int workers, SpartanOptions options, string paramName = "tileHint")
    {
        if (tileHint is not Shape hint)
        {
            return Default(shape, workers, options);
        }

        Check(shape, hint, paramName);
        return TileGrid.FromTileShape(shape, hint.Dims);
    }

    /// <summary>Throws when a tile hint has the wrong rank, a zero extent, or an extent larger than the array.</summary>
    public static void Check(Shape shape, Shape hint, string paramName)
    {
        if (hint.Rank != shape.Rank)
        {
            throw new ArgumentException($"tile hint {hint} has rank {hint.Rank}, but the array {shape} has rank {shape.Rank}", paramName);
        }

        for (int a = 0; a < hint.Rank; a++)
        {
            if (hint.Dims[a] <= 0)
            {
                throw new ArgumentOutOfRangeException(paramName, hint, $"tile hint {hint} has a zero extent on axis {a}");
            }

            if (hint.Dims[a] > Math.Max(1, shape.Dims[a]))
            {
                throw new ArgumentOutOfRangeException(paramName, hint, $"tile hint {hint} is larger than the array {shape} on axis {a}");
            }
        }
    }
}
