namespace Spartan.Runtime;

/// <summary>Names one stored tile: the array it belongs to, its index in the array's grid, and the worker and
/// worker incarnation that hold it. A restarted worker has a new incarnation, so late writes from a dead one
/// can be told apart.</summary>
/// <param name="Array">The distributed array (or partial result) id, unique in a context.</param>
/// <param name="Index">The tile's row-major index in the array's grid.</param>
/// <param name="Worker">The worker that holds the tile.</param>
/// <param name="Incarnation">The incarnation of that worker.</param>
public readonly record struct TileId(long Array, int Index, int Worker, int Incarnation)
{
    /// <inheritdoc/>
    public override string ToString() => $"a{Array}/t{Index}@w{Worker}.{Incarnation}";
}

/// <summary>A tile as a worker stores it: data plus its place in the array.</summary>
/// <param name="Extent">Where the tile lies in its array.</param>
/// <param name="Data">The dense data, shaped like the extent.</param>
public sealed record StoredTile(TileExtent Extent, NDArray Data);

/// <summary>A read of a region. In-process it may be the stored buffer itself (zero copy); dispose it when done.</summary>
public sealed class TileLease : IDisposable
{
    /// <summary>Wraps data read from a worker.</summary>
    public TileLease(NDArray data) => Data = data;

    /// <summary>The region's data, shaped like the region. Do not write to it.</summary>
    public NDArray Data { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Buffers are garbage collected today; pooled buffers will return to their pool here.
    }
}
