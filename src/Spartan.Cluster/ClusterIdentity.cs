using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Spartan.Cluster;

/// <summary>How a cluster is named and addressed.</summary>
internal static class ClusterIdentity
{
    public const string ServiceId = "spartan";
    public const string WorkerPrefix = "spartan-worker-";
    public const string PrimaryPrefix = "spartan-primary-";

    /// <summary>The Orleans cluster id: derived from the shared secret, so that a silo or client with another secret
    /// speaks to a different cluster and Orleans refuses its connections in the handshake ("Unexpected cluster id").
    /// Only a hash of the secret ever crosses the network.</summary>
    public static string ClusterId(string? secret) =>
        string.IsNullOrEmpty(secret)
            ? "spartan"
            : "spartan-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("spartan cluster id\n" + secret)))[..32];

    /// <summary>Parses "host:port" (the cluster address: the primary silo's port; its gateway listens on port + 1).</summary>
    public static (string Host, int Port) Parse(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        int colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is <= 0 or >= 65535)
        {
            throw new ArgumentException($"cluster address '{address}' is not HOST:PORT (a port from 1 to 65534)", nameof(address));
        }

        return (address[..colon].Trim('[', ']'), port);
    }

    /// <summary>Resolves a host name to one IP address, preferring IPv4.</summary>
    public static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out IPAddress? ip))
        {
            return ip;
        }

        IPAddress[] all;
        try
        {
            all = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new ArgumentException($"cannot resolve host '{host}': {e.Message}", nameof(host), e);
        }

        return all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? all.FirstOrDefault()
            ?? throw new ArgumentException($"host '{host}' has no address", nameof(host));
    }

    /// <summary>A TCP port that is free now on <paramref name="address"/> (and, when <paramref name="pair"/>, the next
    /// one too).</summary>
    public static int FreePort(IPAddress address, bool pair)
    {
        for (int attempt = 0; attempt < 64; attempt++)
        {
            using var l = new TcpListener(address, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            if (!pair || (port < 65535 && IsFree(address, port + 1)))
            {
                return port;
            }
        }

        throw new SpartanException($"found no free pair of TCP ports on {address}");
    }

    /// <summary>Whether nothing listens on the port now.</summary>
    public static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var l = new TcpListener(address, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
