namespace Spartan.Cluster.Tests;

/// <summary>
/// A cluster that requires TLS: the primary silo and two workers, all with the cluster's self-signed certificate
/// (made by the test, in a password-protected .pfx), and a second self-signed certificate that the cluster does not
/// trust. Orleans connections and the workers' data planes are all TLS with mutual authentication.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    public const int Workers = 2;
    public const string Password = "pfx-password";
    private readonly List<ClusterFixture.ChildProcess> _processes = [];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "spartan-tls-" + Guid.NewGuid().ToString("N"));

    public string Address { get; private set; } = "";

    public string Secret { get; } = "tls-tests-" + Guid.NewGuid().ToString("N");

    /// <summary>The cluster's certificate.</summary>
    public string Certificate { get; private set; } = "";

    /// <summary>A self-signed certificate the cluster has never seen.</summary>
    public string Stranger { get; private set; } = "";

    public SpartanOptions Options(string? certificate) => new()
    {
        Cluster = Address,
        Secret = Secret,
        TlsCertificate = certificate,
        TlsCertificatePassword = certificate is null ? null : Password,
    };

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ClusterFixture.CliPath), $"the spartan CLI is not built at {ClusterFixture.CliPath}");
        Directory.CreateDirectory(_dir);
        Certificate = TestCertificates.CreatePfx(_dir, "cluster", Password);
        Stranger = TestCertificates.CreatePfx(_dir, "stranger", Password);
        int port = ClusterFixture.FreePortPair();
        Address = $"127.0.0.1:{port}";
        try
        {
            await ClusterFixture.StartPrimaryAndWorkers(Start, "tls ", port, Workers);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        for (int i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Kill();
        }

        _processes.Clear();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private ClusterFixture.ChildProcess Start(string name, params string[] args)
    {
        // The certificate and its password go by environment, as `spartan cluster start` passes them to workers.
        var env = new Dictionary<string, string>
        {
            ["SPARTAN_SECRET"] = Secret,
            ["SPARTAN_TLS_CERTIFICATE"] = Certificate,
            ["SPARTAN_TLS_CERTIFICATE_PASSWORD"] = Password,
        };
        var child = new ClusterFixture.ChildProcess(name, new System.Diagnostics.Process { StartInfo = ClusterFixture.StartInfo(env, args) });
        _processes.Add(child);
        child.Start();
        return child;
    }
}
