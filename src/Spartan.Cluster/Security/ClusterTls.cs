using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Spartan.Cluster.Security;

/// <summary>
/// The cluster's TLS identity: one certificate (with its private key) that every worker, driver and `spartan status`
/// presents, and the only one they accept from a peer. Trust is by exact certificate (SHA-256 of its DER bytes), not
/// by chain: a certificate from a public CA that someone else also holds must not let them in, and a self-signed
/// cluster certificate needs no CA set up on every machine. Both ends of every connection check the other
/// (mutual authentication), on Orleans connections (silo to silo, client to gateway) and on the data plane.
/// </summary>
internal sealed class ClusterTls
{
    /// <summary>How long a TLS handshake may take before the connection is dropped: a peer that does not speak TLS
    /// must fail fast, not hang.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly byte[] _hash;

    private ClusterTls(X509Certificate2 certificate, string source)
    {
        Certificate = certificate;
        Source = source;
        _hash = SHA256.HashData(certificate.RawData);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>Where the certificate came from, for error messages ("--tls-certificate /path").</summary>
    public string Source { get; }

    /// <summary>Loads the certificate named by the options; null when TLS is not configured.</summary>
    /// <exception cref="SpartanException">A file that is missing or unreadable, a wrong password, no private key, or
    /// a thumbprint that no store holds: one line naming the option and its value.</exception>
    public static ClusterTls? Load(string? pfxPath, string? password, string? thumbprint)
    {
        if (!string.IsNullOrWhiteSpace(pfxPath) && !string.IsNullOrWhiteSpace(thumbprint))
        {
            throw new SpartanException($"--tls-certificate '{pfxPath}' and --tls-thumbprint '{thumbprint}' are both set; give one");
        }

        if (!string.IsNullOrWhiteSpace(pfxPath))
        {
            return FromFile(pfxPath, password);
        }

        return string.IsNullOrWhiteSpace(thumbprint) ? null : FromStore(thumbprint);
    }

    /// <summary>Whether <paramref name="remote"/> is the cluster's certificate (the chain and name errors that a
    /// self-signed certificate raises are deliberately not consulted; expiry is).</summary>
    public bool Trusts(X509Certificate? remote)
    {
        // The same bytes as ours, so our own validity period is the peer's.
        DateTime now = DateTime.Now;
        return remote is not null
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(remote.GetRawCertData()), _hash)
            && now >= Certificate.NotBefore && now <= Certificate.NotAfter;
    }

    /// <summary>Orleans' TLS settings for a silo or a client: present our certificate, require the peer's, accept
    /// only ours.</summary>
    public void Configure(TlsOptions o)
    {
        o.LocalCertificate = Certificate;
        o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.RemoteCertificateValidation = (cert, _, _) => Trusts(cert);
        o.HandshakeTimeout = HandshakeTimeout;
        o.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
    }

    /// <summary>Data plane server side (a worker): our certificate, the peer's required and checked.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificate = Certificate,
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = (_, cert, _, _) => Trusts(cert),
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>Data plane client side (a peer worker or a driver).</summary>
    public SslClientAuthenticationOptions ClientOptions(string target) => new()
    {
        TargetHost = target,
        ClientCertificates = [Certificate],
        // Offer our certificate whatever CA names the server lists (a self-signed one is in no list).
        LocalCertificateSelectionCallback = (_, _, _, _, _) => Certificate,
        RemoteCertificateValidationCallback = (_, cert, _, _) => Trusts(cert),
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    private static ClusterTls FromFile(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new SpartanException($"--tls-certificate '{path}': no such file");
        }

        X509Certificate2 cert;
        try
        {
            cert = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException e)
        {
            string why = string.IsNullOrEmpty(password) ? "it needs a password (--tls-certificate-password)?" : "wrong --tls-certificate-password?";
            throw new SpartanException($"--tls-certificate '{path}': cannot read it as a PKCS#12 (.pfx) file ({why} {FirstLine(e.Message)})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SpartanException($"--tls-certificate '{path}': cannot read it ({e.Message})", e);
        }

        return WithKey(cert, $"--tls-certificate '{path}'");
    }

    private static ClusterTls FromStore(string thumbprint)
    {
        string wanted = thumbprint.Replace(" ", "", StringComparison.Ordinal).Replace(":", "", StringComparison.Ordinal);
        foreach (StoreLocation location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            try
            {
                using var store = new X509Store(StoreName.My, location);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                X509Certificate2Collection found = store.Certificates.Find(X509FindType.FindByThumbprint, wanted, validOnly: false);
                if (found.Count > 0)
                {
                    return WithKey(found[0], $"--tls-thumbprint '{thumbprint}'");
                }
            }
            catch (CryptographicException)
            {
                // The store does not exist on this machine (LocalMachine\My on Linux, for example): try the next one.
            }
        }

        throw new SpartanException($"--tls-thumbprint '{thumbprint}': no certificate with this thumbprint in the CurrentUser or LocalMachine 'My' store");
    }

    private static ClusterTls WithKey(X509Certificate2 cert, string source) =>
        cert.HasPrivateKey
            ? new ClusterTls(cert, source)
            : throw new SpartanException($"{source}: the certificate has no private key (export it with its key, as a .pfx)");

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }
}
