using System.Diagnostics;
using Spartan.Cluster.DataPlane;
using Spartan.Cluster.Security;
using Spartan.Runtime;

namespace Spartan.Cluster.Tests;

/// <summary>A cluster with TLS: a driver with the cluster's certificate gets the embedded engine's results; a driver
/// with no certificate or another self-signed one is refused with one line within seconds, and the cluster keeps
/// working; a process without the certificate cannot read tiles from a worker's data plane either.</summary>
public sealed class TlsClusterTests(TlsClusterFixture cluster) : IClassFixture<TlsClusterFixture>
{
    private static readonly TimeSpan s_refusal = TimeSpan.FromSeconds(5);

    [Fact]
    public void TheClusterCertificateWorksAndResultsMatchEmbedded()
    {
        NDArray[] embedded = ResultAssert.Embedded(TlsClusterFixture.Workers, ResultAssert.Mix);
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options(cluster.Certificate));
        Assert.Equal(TlsClusterFixture.Workers, ctx.NumWorkers);
        ResultAssert.Same(embedded, ResultAssert.Mix());
    }

    [Fact]
    public void ADriverWithoutACertificateIsRefusedFast() =>
        Refused(cluster.Options(certificate: null), "requires TLS");

    [Fact]
    public void ADriverWithAnotherSelfSignedCertificateIsRefusedFast() =>
        Refused(cluster.Options(cluster.Stranger), "not this client's");

    [Fact]
    public async Task TheDataPlaneRefusesAProcessWithoutTheCertificate()
    {
        string endpoint = (await SpartanCluster.StatusAsync(cluster.Options(cluster.Certificate)))[0].DataEndpoint
            ?? throw new InvalidOperationException("worker 0 reported no data plane endpoint");
        TileExtent region = TileExtent.Whole(new Shape(4));
        var tile = new TileId(1, 0, 0, 0);

        // Plain TCP to a TLS data plane: the worker drops it after its handshake timeout, no tile byte is sent.
        using (var plain = new DataPlaneClient(endpoint, cluster.Secret, tls: null))
        {
            Assert.ThrowsAny<Exception>(() => plain.Read(Guid.NewGuid(), tile, region));
        }

        // TLS with a certificate the cluster does not trust: refused in the handshake.
        ClusterTls stranger = ClusterTls.Load(cluster.Stranger, TlsClusterFixture.Password, null)!;
        using (var other = new DataPlaneClient(endpoint, cluster.Secret, stranger))
        {
            SpartanException e = Assert.Throws<SpartanException>(() => other.Read(Guid.NewGuid(), tile, region));
            Assert.Contains("TLS", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1000.0, WithCertificate(() => Sp.Ones(1000, tileHint: 250).Sum().Glom().ToScalar<double>()));
    }

    [Fact]
    public async Task AWorkerWithoutTheCertificateCannotJoin()
    {
        (int code, string output) = await ClusterFixture.RunCli(TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["SPARTAN_SECRET"] = cluster.Secret }, "worker", "--join", cluster.Address);
        Assert.NotEqual(0, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains("requires TLS", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("worker ready", StringComparison.Ordinal));
        Assert.Equal(1000.0, WithCertificate(() => Sp.Ones(1000, tileHint: 250).Sum().Glom().ToScalar<double>()));
    }

    private void Refused(SpartanOptions options, string why)
    {
        var watch = Stopwatch.StartNew();
        SpartanException e = Assert.Throws<SpartanException>(() => SpartanCluster.Connect(options));
        watch.Stop();
        Assert.True(watch.Elapsed < s_refusal, $"refusing took {watch.Elapsed}: {e.Message}");
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(cluster.Address, e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);

        // The cluster keeps working for drivers with its certificate.
        Assert.Equal(1000.0, WithCertificate(() => Sp.Ones(1000, tileHint: 250).Sum().Glom().ToScalar<double>()));
    }

    private T WithCertificate<T>(Func<T> body)
    {
        using SpartanContext ctx = SpartanCluster.Connect(cluster.Options(cluster.Certificate));
        return body();
    }
}
