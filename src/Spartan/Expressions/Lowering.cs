using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Hands out tile sets for a lowering: real ones for evaluation, or virtual ones (ids only, nothing stored)
/// when Explain predicts a plan's cost.</summary>
internal sealed class Lowering
{
    public Lowering(Master master, SpartanOptions options, bool dryRun)
    {
        Master = master;
        Options = options;
        DryRun = dryRun;
    }

    public Master Master { get; }

    public SpartanOptions Options { get; }

    public bool DryRun { get; }

    public int Workers => Master.WorkerCount;

    /// <summary>A tile set over <paramref name="grid"/> with tile g on live worker g mod W_live.</summary>
    public TileSet NewTileSet(TileGrid grid, DType dtype, bool sparse = false)
    {
        long id = Master.NewArrayId();
        return Track(new TileSet(Master, id, grid, dtype, Master.TileIdsFor(id, grid.Count), sparse));
    }

    /// <summary>A tile set whose tile i lives on worker <paramref name="owners"/>[i], or, when that worker is lost, on
    /// live worker i mod W_live.</summary>
    public TileSet NewTileSet(TileGrid grid, DType dtype, int[] owners, bool sparse = false)
    {
        long id = Master.NewArrayId();
        var ids = new TileId[grid.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            IWorker w = Master.Workers[DryRun ? owners[i] : Master.Place(owners[i], i)];
            ids[i] = new TileId(id, i, w.Id, w.Incarnation);
        }

        return Track(new TileSet(Master, id, grid, dtype, ids, sparse));
    }

    private TileSet Track(TileSet t)
    {
        if (DryRun)
        {
            // Nothing was stored under a virtual set's ids; it must not queue releases.
            GC.SuppressFinalize(t);
        }

        return t;
    }
}
