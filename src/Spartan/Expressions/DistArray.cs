using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

/// <summary>Where one tile of a distributed array lives.</summary>
/// <param name="Extent">The tile's box in the array.</param>
/// <param name="Worker">The worker that holds it.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sparse">Whether it is a sparse (CSR) tile.</param>
public sealed record TileInfo(TileExtent Extent, int Worker, long Bytes, bool Sparse);

/// <summary>An evaluated distributed array: its tiles stay on the workers until disposed (or collected).</summary>
public sealed class DistArray : Expr, IDisposable
{
    internal DistArray(TileSet tiles, Node lineage, SpartanContext context)
    {
        TileSet = tiles;
        Result = new ResultNode(tiles, lineage, context);
    }

    internal TileSet TileSet { get; }

    internal ResultNode Result { get; }

    internal override Node Node => Result;

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => TileSet.IsReleased;

    /// <summary>The tiles: where each lies and which worker holds it.</summary>
    public IReadOnlyList<TileInfo> Tiles
    {
        get
        {
            var list = new TileInfo[TileSet.Tiles.Length];
            for (int i = 0; i < list.Length; i++)
            {
                TileExtent e = TileSet.Grid.Extent(i);
                list[i] = new TileInfo(e, TileSet.Tiles[i].Worker, e.Size * DType.SizeOf(), false);
            }

            return list;
        }
    }

    /// <summary>Returns this array (it is already evaluated).</summary>
    public override Task<DistArray> EvaluateAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return Task.FromResult(this);
    }

    /// <summary>Frees the tiles on their workers now.</summary>
    public void Dispose() => TileSet.Release();

    /// <summary>Copies every tile into one local array.</summary>
    internal NDArray Gather()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return GatherAsync(CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
    }

    private async Task<NDArray> GatherAsync(CancellationToken ct)
    {
        NDArray result = NDArray.Uninitialized(Shape, DType);
        TileGrid grid = TileSet.Grid;
        TileExtent whole = TileExtent.Whole(Shape);
        var reads = new Task<TileLease>[grid.Count];
        for (int i = 0; i < reads.Length; i++)
        {
            reads[i] = TileSet.Master.ReadAsync(TileSet.Tiles[i], grid.Extent(i), ct);
        }

        for (int i = 0; i < reads.Length; i++)
        {
            using TileLease lease = await reads[i].ConfigureAwait(false);
            Regions.Paste(lease.Data, grid.Extent(i), result, whole);
        }

        return result;
    }
}
