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
        var sniff = new FirstByteStream(new NetworkStream(connected, ownsSocket: false));
        using var ssl = new SslStream(sniff, leaveInnerStreamOpen: false);
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

        // Whether the gateway speaks TLS is read from its first byte (0x16, a TLS handshake record, e.g. ServerHello),
        // not only from the certificate callback: SslStream may not call it when the server ends the handshake first
        // (a server that requires a client certificate, and this client has none).
        serverTls |= sniff.First == 0x16;
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

/// <summary>A pass-through stream that remembers the first byte the peer sent (-1 while none).</summary>
internal sealed class FirstByteStream(Stream inner) : Stream
{
    public int First { get; private set; } = -1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => Seen(buffer.AsSpan(offset), inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Seen(buffer.Span, n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Seen(Span<byte> buffer, int n)
    {
        if (n > 0 && First < 0)
        {
            First = buffer[0];
        }

        return n;
    }
}
