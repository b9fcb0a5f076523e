namespace Spartan.Tests.IO;

public class CheckpointTests
{
    private static int s_diskCalls;
    private static int s_replicaCalls;
    private static int s_lostCalls;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void DiskCheckpointReloadsInsteadOfRecomputing(int workers)
    {
        using var tmp = new TempDir();
        using var ctx = SpartanContext.StartLocal(new SpartanOptions { Workers = workers, CheckpointDirectory = tmp.Path });
        Expr x = Sp.Map(Sp.FromArray(Enumerable.Range(0, 1000).Select(i => (double)i).ToArray(), tileHint: 130), static t =>
        {
            Interlocked.Increment(ref s_diskCalls);
            return t;
        });
        int before = Volatile.Read(ref s_diskCalls);
        DistArray c = Sp.Checkpoint(x, CheckpointMode.Disk);
        int after = Volatile.Read(ref s_diskCalls);
        Assert.Equal(8, after - before);
        Assert.Single(Directory.GetDirectories(tmp.Path, "ckpt-*"));
        Assert.Equal(8, c.Tiles.Count);

        Expr y = c * 2 + 1;
        x.Evaluate().Dispose();
        c.Dispose();
        NDArray r = y.Glom();
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * 2.0 + 1), r.ToArray<double>());
        Assert.Equal(after, Volatile.Read(ref s_diskCalls));
        Assert.Equal(999.0, c.Max().Glom().ToScalar<double>());
        Assert.Equal(after, Volatile.Read(ref s_diskCalls));
    }

    [Fact]
    public void ReplicaCheckpointRestoresFromTheSecondCopy()
    {
        using var ctx = SpartanContext.StartLocal(3);
        Expr x = Sp.Map(Sp.FromArray(Enumerable.Range(0, 600).Select(i => (long)i).ToArray(), tileHint: 100), static t =>
        {
            Interlocked.Increment(ref s_replicaCalls);
            return t;
        });
        DistArray c = Sp.Checkpoint(x, CheckpointMode.Replica);
        int after = Volatile.Read(ref s_replicaCalls);
        Assert.Equal(6, after);
        // The replica of tile g lives on the worker after the primary's.
        Assert.All(ctx.Status().Workers, w => Assert.True(w.Tiles >= 4, $"worker {w.Id} holds {w.Tiles} tiles"));
        Expr y = c + 1;
        x.Evaluate().Dispose();
        c.Dispose();
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), y.Glom().ToArray<long>());
        Assert.Equal(after, Volatile.Read(ref s_replicaCalls));
    }

    [Fact]
    public void LostDiskCheckpointGivesAClearError()
    {
        using var tmp = new TempDir();
        using var ctx = SpartanContext.StartLocal(new SpartanOptions { Workers = 2, CheckpointDirectory = tmp.Path });
        Expr x = Sp.Map(Sp.Ones(100), static t =>
        {
            Interlocked.Increment(ref s_lostCalls);
            return t;
        });
        DistArray c = Sp.Checkpoint(x);
        Expr y = c + 1;
        c.Dispose();
        Directory.Delete(Directory.GetDirectories(tmp.Path, "ckpt-*")[0], recursive: true);
        IOTestUtil.AssertClearError(() => y.Glom(), ".npy");
    }
}
