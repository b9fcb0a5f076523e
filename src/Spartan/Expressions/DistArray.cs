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
    private readonly object _gate = new();
    private int _disposed;

    internal DistArray(TileSet tiles, Node lineage, SpartanContext context)
    {
        TileSet = tiles;
        Result = new ResultNode(tiles, lineage, context);
    }

    /// <summary>The tiles. After a worker loss they are replaced by tiles rebuilt from lineage (<see cref="Gather"/>).</summary>
    internal TileSet TileSet { get; private set; }

    /// <summary>Whether every tile is still stored (none was on a worker that has been lost).</summary>
    internal bool IsLive => !IsDisposed && TileSet.IsLive;

    internal ResultNode Result { get; }

    internal override Node Node => Result;

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The tiles: where each lies and which worker holds it.</summary>
    public IReadOnlyList<TileInfo> Tiles
    {
        get
        {
            var list = new TileInfo[TileSet.Tiles.Length];
            // A sparse tile's size is its CSR arrays', known only to its worker.
            CsrParts[]? csr = TileSet.Sparse ? SparseReader.ReadTiles(this) : null;
            for (int i = 0; i < list.Length; i++)
            {
                TileExtent e = TileSet.Grid.Extent(i);
                list[i] = new TileInfo(e, TileSet.Tiles[i].Worker, csr?[i].Bytes ?? e.Size * DType.SizeOf(), csr is not null);
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
    public void Dispose()
    {
        lock (_gate)
        {
            Volatile.Write(ref _disposed, 1);
            TileSet.Release();
        }
    }

    /// <summary>Copies every tile into one local array. Tiles lost with a worker are first rebuilt from lineage on
    /// the surviving workers, and this array keeps the rebuilt ones.</summary>
    internal NDArray Gather()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return Task.Run(() => GatherWithRecoveryAsync(CancellationToken.None)).GetAwaiter().GetResult();
    }

    private async Task<NDArray> GatherWithRecoveryAsync(CancellationToken ct)
    {
        int attempts = TileSet.Master.WorkerCount + 1;
        for (int attempt = 1; ; attempt++)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            TileSet tiles = TileSet;
            if (!tiles.IsLive)
            {
                tiles = await RecoverAsync(ct).ConfigureAwait(false);
            }

            try
            {
                return await GatherAsync(tiles, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (WorkerLostException.Find(e) is not null && attempt < attempts)
            {
                // A worker died during the gather: rebuild its tiles and read again.
            }
        }
    }

    /// <summary>Rebuilds the tiles from lineage (the evaluator reuses whatever is still live) and adopts them.</summary>
    private async Task<TileSet> RecoverAsync(CancellationToken ct)
    {
        SpartanContext context = Result.Context ?? SpartanContext.Current;
        TileSet rebuilt = await Evaluator.EvaluateAsync(Result, context, ct).ConfigureAwait(false);
        lock (_gate)
        {
            if (IsDisposed)
            {
                rebuilt.Release();
                ObjectDisposedException.ThrowIf(true, this);
            }

            TileSet old = TileSet;
            TileSet = rebuilt;
            Result.Rebind(rebuilt);
            if (!ReferenceEquals(old, rebuilt))
            {
                old.Release();
            }
        }

        return rebuilt;
    }

    private async Task<NDArray> GatherAsync(TileSet tiles, CancellationToken ct)
    {
        NDArray result = NDArray.Uninitialized(Shape, DType);
        TileGrid grid = tiles.Grid;
        TileExtent whole = TileExtent.Whole(Shape);
        var reads = new Task<TileLease>[grid.Count];
        for (int i = 0; i < reads.Length; i++)
        {
            reads[i] = tiles.Master.ReadAsync(tiles.Tiles[i], grid.Extent(i), ct);
        }

        for (int i = 0; i < reads.Length; i++)
        {
            using TileLease lease = await reads[i].ConfigureAwait(false);
            Regions.Paste(lease.Data, grid.Extent(i), result, whole);
        }

        return result;
    }
}
