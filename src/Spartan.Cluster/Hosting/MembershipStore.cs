using System.Globalization;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Spartan.Cluster;

/// <summary>
/// A real membership table (<see cref="SpartanOptions.Membership"/> = "redis://host:port"): Orleans' Redis clustering,
/// so that no process is special. Every worker writes itself into the table and every client reads the gateways from
/// it; killing any worker never takes membership down. Clusters with different secrets can share one Redis, because
/// the table's key contains the ClusterId, which is derived from the secret. Without this option the cluster uses the
/// development table held by the primary silo (localhost and tests).
/// </summary>
internal sealed class MembershipStore
{
    private static readonly TimeSpan s_probe = TimeSpan.FromSeconds(5);

    private MembershipStore(string value, string host, int port, string? password, bool ssl)
    {
        Value = value;
        Host = host;
        Port = port;
        Password = password;
        Ssl = ssl;
    }

    /// <summary>The option as given ("redis://host:port"), for messages.</summary>
    public string Value { get; }

    public string Host { get; }

    public int Port { get; }

    public string? Password { get; }

    public bool Ssl { get; }

    /// <summary>Parses the option: null, "" or "development" give null (the primary silo's development table);
    /// "redis://[:password@]host[:port]" (or "rediss://" for TLS to Redis) a Redis table.</summary>
    /// <exception cref="SpartanException">Anything else: one line naming the option and the value.</exception>
    public static MembershipStore? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Equals("development", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("redis" or "rediss") || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath is not ("" or "/") || !string.IsNullOrEmpty(uri.Query))
        {
            throw new SpartanException($"--membership '{value}' is not 'development' or redis://HOST:PORT (e.g. redis://10.0.0.9:6379)");
        }

        string? password = uri.UserInfo.Length == 0 ? null : Uri.UnescapeDataString(uri.UserInfo.StartsWith(':') ? uri.UserInfo[1..] : uri.UserInfo);
        return new MembershipStore(value, uri.Host.Trim('[', ']'), uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port, password, uri.Scheme == "rediss");
    }

    /// <summary>The Redis connection settings. AbortOnConnectFail is off so that a Redis restart is ridden out (the
    /// table is only needed for joins, leaves and failure votes, and every silo retries its writes).</summary>
    public ConfigurationOptions Configuration()
    {
        var c = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = (int)s_probe.TotalMilliseconds,
            Password = Password,
            Ssl = Ssl,
        };
        c.EndPoints.Add(Host, Port);
        return c;
    }

    /// <summary>Whether the table holds any member under <paramref name="clusterId"/> (besides its version field). A
    /// client with another secret reads another key and would otherwise wait its whole connect timeout for gateways
    /// that never appear; this answers in milliseconds.</summary>
    /// <exception cref="SpartanException">Redis refused the command (a wrong password, for example).</exception>
    public async Task<bool> HasMembersAsync(string clusterId)
    {
        try
        {
            await using ConnectionMultiplexer redis = await ConnectionMultiplexer.ConnectAsync(Configuration()).ConfigureAwait(false);
            RedisKey key = Orleans.Clustering.Redis.RedisClusteringOptions.DefaultCreateRedisKey(
                new Orleans.Configuration.ClusterOptions { ClusterId = clusterId, ServiceId = ClusterIdentity.ServiceId });
            return await redis.GetDatabase().HashLengthAsync(key).ConfigureAwait(false) > 1;
        }
        catch (RedisException e)
        {
            throw new SpartanException($"--membership '{Value}': Redis refused this client ({FirstLine(e.Message)})", e);
        }
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }

    /// <summary>Fails within 5 s, with one line naming the option, when nothing listens at the Redis address, so a
    /// wrong address is not reported as a 30 s join timeout.</summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(s_probe);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(Host, Port, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            ct.ThrowIfCancellationRequested();
            string why = e is SocketException se ? se.SocketErrorCode.ToString() : $"no answer within {s_probe.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
            throw new SpartanException($"--membership '{Value}': no Redis answers at {Host}:{Port} ({why})");
        }
    }
}
