using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Spartan.Cluster.Security;

/// <summary>
/// Checks, before the Orleans client starts, that this client's TLS settings match the gateway's. Orleans reports a
/// refused TLS handshake only as a connect timeout (seconds later, with no reason), so a driver without the cluster
/// certificate would wait and learn nothing. One TLS 1.2 handshake tells every case apart within milliseconds: a
/// gateway without TLS drops a ClientHello at once, a TLS gateway shows its certificate, and in TLS 1.2 (unlike 1.3)
/// the server's verdict on the client certificate arrives inside the handshake.
/// </summary>
internal static class TlsProbe
{
    /// <summary>Null when the settings match, else why not (one clause for the error line).</summary>
    public static async Task<string?> CheckAsync(Socket connected, IPEndPoint gateway, ClusterTls? tls, CancellationToken ct)
    {
        bool serverTls = false;
        bool serverTrusted = false;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = gateway.Address.ToString(),
            EnabledSslProtocols = SslProtocols.Tls12,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            LocalCertificateSelectionCallback = (_, _, _, _, _) => tls?.Certificate!,
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                serverTls = true;
                serverTrusted = tls?.Trusts(cert) ?? false;
                return serverTrusted;
            },
        };
        using var ssl = new SslStream(new NetworkStream(connected, ownsSocket: false), leaveInnerStreamOpen: false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(ClusterTls.HandshakeTimeout);
        bool completed;
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cts.Token).ConfigureAwait(false);
            completed = true;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException)
        {
            ct.ThrowIfCancellationRequested();
            completed = false;
        }

        return (tls, serverTls, serverTrusted, completed) switch
        {
            (null, false, _, _) => null,
            (null, true, _, _) => "it requires TLS and this client has no certificate (set --tls-certificate, SPARTAN_TLS_CERTIFICATE or SpartanOptions.TlsCertificate)",
            (_, false, _, _) => $"it does not use TLS, and this client has {tls.Source}",
            (_, true, false, _) => $"its TLS certificate is not this client's ({tls.Source}); every member and client must use the same one",
            (_, true, true, false) => $"it did not accept this client's TLS certificate ({tls.Source})",
            _ => null,
        };
    }
}
