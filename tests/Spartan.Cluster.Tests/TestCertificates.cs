using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Spartan.Cluster.Tests;

/// <summary>Self-signed certificates made in the test, as an operator would make the cluster's one certificate.</summary>
internal static class TestCertificates
{
    /// <summary>Writes a new self-signed certificate with its private key to a password-protected .pfx file.</summary>
    public static string CreatePfx(string directory, string name, string password)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=spartan-{name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        // Both usages: every process is a TLS server (its silo, its data plane) and a TLS client (to its peers).
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        string path = Path.Combine(directory, name + ".pfx");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, password));
        return path;
    }
}
