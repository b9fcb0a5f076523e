namespace Spartan.Cluster.Tests;

/// <summary>Bad cluster options fail at once with one line naming the option and its value: no process, no wait.</summary>
public sealed class ClusterOptionErrorTests
{
    [Fact]
    public void AMissingCertificateFileIsNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".pfx");
        OneLine(new SpartanOptions { Cluster = "127.0.0.1:1", TlsCertificate = path }, $"--tls-certificate '{path}'");
    }

    [Fact]
    public void AWrongCertificatePasswordIsNamed()
    {
        string dir = Directory.CreateTempSubdirectory("spartan-pfx-").FullName;
        try
        {
            string pfx = TestCertificates.CreatePfx(dir, "c", "right");
            SpartanException e = OneLine(new SpartanOptions { Cluster = "127.0.0.1:1", TlsCertificate = pfx, TlsCertificatePassword = "wrong" }, $"--tls-certificate '{pfx}'");
            Assert.Contains("--tls-certificate-password", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AnUnreachableRedisIsNamed()
    {
        string url = $"redis://127.0.0.1:{RedisServer.FreePort()}";
        OneLine(new SpartanOptions { Membership = url }, $"--membership '{url}'");
    }

    [Fact]
    public void AnUnknownMembershipIsNamed() =>
        OneLine(new SpartanOptions { Membership = "postgres://db:5432" }, "--membership 'postgres://db:5432'");

    [Fact]
    public void MembershipIsBoundFromTheEnvironmentAndFlags()
    {
        SpartanOptions o = SpartanConfiguration.Load(["--tls-certificate=/c.pfx"], null, new Dictionary<string, string> { ["SPARTAN_MEMBERSHIP"] = "redis://r:6379", ["SPARTAN_TLS_CERTIFICATE_PASSWORD"] = "pw" });
        Assert.Equal("redis://r:6379", o.Membership);
        Assert.Equal("/c.pfx", o.TlsCertificate);
        Assert.Equal("pw", o.TlsCertificatePassword);
    }

    private static SpartanException OneLine(SpartanOptions options, string expected)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        SpartanException e = Assert.Throws<SpartanException>(() => SpartanCluster.Connect(options));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        return e;
    }
}
