using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan.IO;

/// <summary>
/// Checkpoints cut an array's lineage: the returned array holds the same tiles (aliased, not copied), but its lineage
/// root is the checkpoint (a tiled store on disk, or replica tiles on the next worker), so when its tiles are lost or
/// dropped, the evaluator restores them from there instead of recomputing everything upstream.
/// </summary>
internal static class Checkpoints
{
    public static async Task<DistArray> CreateAsync(Expr x, CheckpointMode mode, CallSite site, CancellationToken ct)
    {
        DistArray d = await x.EvaluateAsync(ct).ConfigureAwait(false);
        SpartanContext ctx = x.Context;
        TileSet source = d.TileSet;
        int[] owners = source.Tiles.Select(t => t.Worker).ToArray();
        Node lineage;
        if (mode == CheckpointMode.Disk)
        {
            string root = ctx.Options.CheckpointDirectory ?? Path.Combine(Path.GetTempPath(), "spartan-checkpoints");
            string dir = Path.Combine(root, $"ckpt-{Environment.ProcessId}-{Guid.NewGuid():N}");
            StoreManifest m = await TiledStore.SaveAsync(d, dir, null, ctx.Options, ct).ConfigureAwait(false);
            var ul = new long[d.Ndim];
            lineage = new StoreNode(m, ul, d.Shape.ToArray(), new bool[d.Ndim], null, source.Grid, null, $"checkpoint(disk: {dir})", ctx, site);
        }
        else
        {
            int w = ctx.NumWorkers;
            TileSet replica = await CopyAsync(source, owners.Select(o => (o + 1) % w).ToArray(), ctx, ct).ConfigureAwait(false);
            lineage = new ReplicaNode(replica, owners, ctx, site);
        }

        TileSet primary = await CopyAsync(source, owners, ctx, ct).ConfigureAwait(false);
        var result = new DistArray(primary, lineage, ctx);
        ResultRegistry.Register(lineage, result.Result);
        return result;
    }

    /// <summary>A new tile set with each tile of <paramref name="source"/> on the given worker. A tile copied onto the
    /// worker that holds it is the same immutable buffer under a new id.</summary>
    private static async Task<TileSet> CopyAsync(TileSet source, int[] owners, SpartanContext ctx, CancellationToken ct)
    {
        var lowering = new Lowering(ctx.Master, ctx.Options, dryRun: false);
        TileSet output = lowering.NewTileSet(source.Grid, source.DType, owners);
        var tasks = new TileTask[source.Grid.Count];
        for (int g = 0; g < tasks.Length; g++)
        {
            TileExtent e = source.Grid.Extent(g);
            tasks[g] = new TileTask(new CopyKernel(), [source.Input(e)], e, [e], [source.DType], [output.Tiles[g]]);
        }

        try
        {
            await ctx.Master.RunAsync(tasks, ct).ConfigureAwait(false);
        }
        catch
        {
            output.Release();
            throw;
        }

        return output;
    }
}
