using System.Diagnostics;
using Spartan.Cluster.DataPlane;
using Spartan.Runtime;

namespace Spartan.Cluster.Tests;

/// <summary>The embedded end-to-end checks, run again on a real 3-process cluster: every result must be identical
/// (same tiling, same order of float operations) to the embedded engine's with 3 workers.</summary>
public sealed class ClusterEndToEndTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan s_cli = TimeSpan.FromSeconds(60);

    [Fact]
    public void AKernelThrowingInAWorkerShowsTheUsersLineAndTheClusterKeepsWorking()
    {
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        Expr x = Sp.Rand(1000, seed: 5, tileHint: 250);
        Expr bad = Sp.Map(x, Kernels.Boom);
        var e = Assert.Throws<SpartanException>(() => bad.Glom());
        Assert.True(e.ToString().Contains("boom from the kernel", StringComparison.Ordinal), e.ToString());
        Assert.NotNull(e.ExprTrace);
        Assert.Contains("ClusterEndToEndTests.cs", e.ExprTrace);
        Assert.Equal(1000.0, Sp.Ones(1000, tileHint: 250).Sum().Glom().ToScalar<double>());
    }

    [Fact]
    public void AKernelWhoseAssemblyCannotLoadInAWorkerFailsClearlyAndTheClusterKeepsWorking()
    {
        // This class references xunit, which the workers never have: its kernel cannot be loaded there.
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        var e = Assert.Throws<SpartanException>(() => Sp.Map(Sp.Ones(100, tileHint: 50), NeedsXunit).Glom());
        Assert.True(e.Message.Contains("xunit", StringComparison.Ordinal), e.Message);
        Assert.Contains("ClusterEndToEndTests.cs", e.ExprTrace);
        Assert.Equal(100.0, Sp.Ones(100, tileHint: 50).Sum().Glom().ToScalar<double>());
    }

    private static NDArray NeedsXunit(NDArray tile) => tile;

    [Fact]
    public async Task ASecondPrimaryOnATakenPortFailsWithOneLine()
    {
        string port = cluster.Address[(cluster.Address.LastIndexOf(':') + 1)..];
        (int code, string output) = await ClusterFixture.RunCli(s_cli, new Dictionary<string, string> { ["SPARTAN_SECRET"] = cluster.Secret }, "worker", "--primary", "--port", port);
        Assert.NotEqual(0, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains(port, StringComparison.Ordinal));
        Assert.Equal(1000.0, WithCluster(() => Sp.Ones(1000, tileHint: 250).Sum().Glom().ToScalar<double>()));
    }

    private T WithCluster<T>(Func<T> body)
    {
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        return body();
    }

    [Fact]
    public void SparseKernelsMatchEmbedded() => Same(() =>
    {
        // CSR tiles stay on their workers: sources, SpMV (the dense vector read across workers), scaling, reductions
        // and ToDense cross the wire only as kernel specs and dense tiles.
        Expr s = Sp.SparseRand((400, 300), 0.05, seed: 8);
        Expr c = Sp.SparseFromCoo([3, 0, 3, 399], [2, 1, 2, 299], [1.0, 2, 3, 4], (400, 300));
        Expr x = Sp.Rand(300, seed: 9);
        return [Sp.Dot(s, x).Glom(), (s * 2).Sum(axis: 0).Glom(), Sp.CountNonzero(s, axis: 1).Glom(), (-c).Glom(), s.Max().Glom()];
    });

    [Fact]
    public void ReadingASparseTileAcrossProcessesFailsClearly()
    {
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        Expr s = Sp.SparseDiagonal((90, 90));
        Exception e = Assert.ThrowsAny<Exception>(() => s.ToCoo());
        Assert.True(e.ToString().Contains("sparse (CSR) tile", StringComparison.Ordinal), e.ToString());
        Assert.Equal(90.0, s.Sum().Glom().ToScalar<double>());
    }

    [Fact]
    public void ElementwiseMatchesEmbedded() => Same(() =>
    {
        Expr x = Sp.Rand((300, 41), seed: 3);
        Expr y = Sp.Randn((300, 41), seed: 4);
        return
        [
            (Sp.Square((x * 2) - y) + (Sp.Sqrt(x) / (Sp.Abs(y) + 1))).Glom(),
            (x > 0.5).Glom(),
            ((Sp.Arange(1000) % 7) * 3).Glom(),
            Sp.Where(x > y, x, y).Glom(),
        ];
    });

    [Fact]
    public void ReductionsMatchEmbedded() => Same(() =>
    {
        Expr x = Sp.Randn((500, 23), seed: 11);
        return
        [
            x.Sum().Glom(),
            x.Sum(axis: 0).Glom(),
            x.Mean(axis: 1).Glom(),
            x.Max().Glom(),
            x.ArgMax().Glom(),
            x.Min(axis: 0).Glom(),
            x.Std().Glom(),
            Sp.CountNonzero(x > 0.7).Glom(),
        ];
    });

    [Fact]
    public void UserKernelsWithCapturesAreShippedAndMatchEmbedded() => Same(() =>
    {
        Expr x = Sp.Rand((400, 9), seed: 5);
        return
        [
            Kernels.ScaleAndShift(x, 2.5, [1, 2, 3], "abc", new Shape(4, 5)).Glom(),
            Kernels.AddRowIndex(x, 10).Glom(),
            Kernels.CountAbove(x, 0.25).Glom(),
            Kernels.ScaleAndShift(x, -1, [7], "", Shape.Scalar).Sum(axis: 1).Glom(),
        ];
    });

    [Fact]
    public void ViewsMatchEmbedded() => Same(() =>
    {
        Expr x = Sp.Rand((300, 41), seed: 8);
        return
        [
            x[10..250, ..].T.Glom(),
            x[Sp.Slice(1, 290, 3), 5..].Sum(axis: 1).Glom(),
            (x + Sp.Arange(41)).Glom(),
            x.Reshape((123, 100)).Sum(axis: 0).Glom(),
            x[7].Glom(),
        ];
    });

    [Fact]
    public void DataFromTheDriverRoundTrips() => Same(() =>
    {
        double[] data = Enumerable.Range(0, 5000).Select(i => Math.Sin(i)).ToArray();
        Expr a = Sp.FromArray(NDArray.From(data, new Shape(100, 50)));
        return [a.Glom(), (a * 2).Sum(axis: 0).Glom()];
    });

    [Fact]
    public void AWrongSecretIsRefused()
    {
        var watch = Stopwatch.StartNew();
        SpartanException e = Assert.Throws<SpartanException>(() => SpartanCluster.Connect(cluster.Options(secret: "not-the-secret")));
        Assert.Contains("secret", e.Message, StringComparison.Ordinal);
        Assert.Contains(cluster.Address, e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"refusing took {watch.Elapsed}");

        SpartanException none = Assert.Throws<SpartanException>(() => SpartanCluster.Connect(new SpartanOptions { Cluster = cluster.Address }));
        Assert.Contains("secret", none.Message, StringComparison.Ordinal);

        // The cluster keeps working for clients that have the secret.
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        Assert.Equal(45L, Sp.Arange(10).Sum().Glom().ToScalar<long>());
    }

    [Fact]
    public async Task TileReadsBetweenWorkersGoOverTheDataPlane()
    {
        IReadOnlyList<ClusterWorkerInfo> before = await SpartanCluster.StatusAsync(cluster.Options());
        Assert.All(before, w => Assert.False(string.IsNullOrEmpty(w.DataEndpoint), $"worker {w.Id} advertises no data plane"));
        const long n = 1 << 16;
        using (SpartanContext ctx = SpartanCluster.Connect(cluster.Options()))
        {
            using DistArray a = Sp.Rand(2 * n, seed: 21, tileHint: n).Evaluate();
            Assert.NotEqual(a.Tiles[0].Worker, a.Tiles[1].Worker);
            // The second half's worker adds the first half, which another worker holds: one 512 KB tile moves.
            double[] sum = (a[Sp.Slice(n, null)] + a[Sp.Slice(null, n)]).Glom().ToArray<double>();
            double[] all = a.Glom().ToArray<double>();
            Assert.Equal(n, sum.Length);
            for (long i = 0; i < n; i++)
            {
                Assert.Equal(all[n + i] + all[i], sum[i]);
            }
        }

        IReadOnlyList<ClusterWorkerInfo> after = await SpartanCluster.StatusAsync(cluster.Options());
        long reads = after.Sum(w => w.DataPlaneReads) - before.Sum(w => w.DataPlaneReads);
        long bytes = after.Sum(w => w.DataPlaneBytes) - before.Sum(w => w.DataPlaneBytes);
        // The moved tile, and the driver's Glom reads of both results, all travel over the data plane.
        Assert.True(reads >= 3, $"{reads} data plane reads");
        Assert.True(bytes >= 8 * n * 3, $"{bytes} data plane bytes");
    }

    [Fact]
    public async Task TheDataPlaneRefusesAWrongSecret()
    {
        IReadOnlyList<ClusterWorkerInfo> workers = await SpartanCluster.StatusAsync(cluster.Options());
        string endpoint = workers[0].DataEndpoint!;
        var id = new TileId(1, 0, 0, 0);
        var region = new TileExtent([0], [1], new Shape(1));

        using (var wrong = new DataPlaneClient(endpoint, "not-the-secret"))
        {
            SpartanException e = Assert.Throws<SpartanException>(() => wrong.Read(Guid.NewGuid(), id, region));
            Assert.Contains("refused", e.Message, StringComparison.Ordinal);
        }

        using (var none = new DataPlaneClient(endpoint, null))
        {
            Assert.Throws<SpartanException>(() => none.Read(Guid.NewGuid(), id, region));
        }

        // With the secret the connection is accepted, and an unknown session is refused with the worker's own error.
        using var right = new DataPlaneClient(endpoint, cluster.Secret);
        SpartanException unknown = Assert.Throws<SpartanException>(() => right.Read(Guid.NewGuid(), id, region));
        Assert.Contains("not attached to session", unknown.Message, StringComparison.Ordinal);
        unknown = Assert.Throws<SpartanException>(() => right.Read(Guid.NewGuid(), id, region));
        Assert.Contains("not attached to session", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDataPlaneDropsMalformedRequests()
    {
        IReadOnlyList<ClusterWorkerInfo> workers = await SpartanCluster.StatusAsync(cluster.Options());
        System.Net.IPEndPoint ep = System.Net.IPEndPoint.Parse(workers[0].DataEndpoint!);
        using var s = new System.Net.Sockets.Socket(ep.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await s.ConnectAsync(ep);
        byte[] preamble = new byte[DataPlaneProtocol.PreambleBytes];
        Assert.True(DataPlaneProtocol.ReadExactly(s, preamble));
        byte[] proof = new byte[DataPlaneProtocol.ProofBytes];
        DataPlaneProtocol.Proof(DataPlaneProtocol.Key(cluster.Secret), preamble.AsSpan(5), proof);
        DataPlaneProtocol.WriteAll(s, proof);
        byte[] ok = new byte[1];
        Assert.True(DataPlaneProtocol.ReadExactly(s, ok));
        Assert.Equal(1, ok[0]);
        // A header claiming a rank of a billion: the server must drop the connection, not allocate.
        byte[] header = new byte[DataPlaneProtocol.RequestHeaderBytes];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header, DataPlaneProtocol.Magic);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), 1_000_000_000);
        DataPlaneProtocol.WriteAll(s, header);
        s.ReceiveTimeout = 10_000;
        Assert.False(DataPlaneProtocol.ReadExactly(s, ok), "the server answered a malformed request");

        // The worker still serves well-formed clients.
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        Assert.Equal(45L, Sp.Arange(10).Sum().Glom().ToScalar<long>());
    }

    [Fact]
    public async Task AWorkerWithAWrongSecretCannotJoin()
    {
        (int code, string output) = await ClusterFixture.RunCli(TimeSpan.FromSeconds(90), new Dictionary<string, string> { ["SPARTAN_SECRET"] = "not-the-secret" }, "worker", "--join", cluster.Address);
        Assert.True(code != 0, $"a worker with a wrong secret exited {code}:\n{output}");
        Assert.Contains("could not join the cluster", output, StringComparison.Ordinal);
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        Assert.Equal(ClusterFixture.Workers, ctx.NumWorkers);
    }

    [Fact]
    public void NothingListeningFailsWithinSeconds()
    {
        var watch = Stopwatch.StartNew();
        SpartanException e = Assert.Throws<SpartanException>(() => SpartanCluster.Connect(new SpartanOptions { Cluster = "127.0.0.1:1" }));
        Assert.Contains("no Spartan cluster answers at 127.0.0.1:1", e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"failing took {watch.Elapsed}");
    }

    [Fact]
    public async Task StatusCommandListsTheWorkers()
    {
        (int code, string output) = await ClusterFixture.RunCli(s_cli, new Dictionary<string, string> { ["SPARTAN_SECRET"] = cluster.Secret, ["COLUMNS"] = "200" }, "status", "--cluster", cluster.Address);
        Assert.True(code == 0, $"spartan status exited {code}:\n{output}");
        Assert.Contains($"{ClusterFixture.Workers} worker(s)", output, StringComparison.Ordinal);
        Assert.Equal(ClusterFixture.Workers, output.Split('\n').Count(l => l.Contains("yes", StringComparison.Ordinal)));
    }

    [Fact]
    public void StatusThroughTheContextReportsEveryWorker()
    {
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options());
        Assert.Equal(ClusterFixture.Workers, ctx.NumWorkers);
        using DistArray a = Sp.Rand((1000, 10), seed: 1).Evaluate();
        ClusterStatus status = ctx.Status();
        Assert.Equal(ClusterFixture.Workers, status.Workers.Count);
        Assert.All(status.Workers, w => Assert.True(w.Alive, $"worker {w.Id} is not alive"));
        Assert.Equal(a.Tiles.Count, status.Workers.Sum(w => w.Tiles));
    }

    /// <summary>Computes the same arrays embedded (3 in-process workers) and on the cluster, and asserts they are
    /// identical: dtype, shape and every element.</summary>
    private void Same(Func<NDArray[]> compute)
    {
        NDArray[] embedded;
        using (SpartanContext.StartLocal(ClusterFixture.Workers))
        {
            embedded = compute();
        }

        NDArray[] remote;
        using (SpartanContext ctx = SpartanCluster.Connect(cluster.Options()))
        {
            Assert.Equal(ClusterFixture.Workers, ctx.NumWorkers);
            remote = compute();
        }

        ResultAssert.Same(embedded, remote);
    }
}
