using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Spartan.Cluster.Security;
using Spartan.Cluster.Wire;

namespace Spartan.Cluster.Client;

/// <summary>A live worker silo as membership lists it.</summary>
/// <param name="Key">Its silo address, which is the key of its worker grain.</param>
/// <param name="Name">The silo name.</param>
/// <param name="Host">Machine name.</param>
/// <param name="Endpoint">ip:port.</param>
/// <param name="LastHeartbeat">When the silo last wrote "I am alive" to membership.</param>
/// <param name="Gateway">Its gateway (client) endpoint.</param>
internal sealed record WorkerSilo(string Key, string Name, string Host, string Endpoint, DateTimeOffset LastHeartbeat, IPEndPoint Gateway);

/// <summary>An Orleans client connected to a Spartan cluster's gateway.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, string address)
    {
        _host = host;
        Address = address;
        Grains = host.Services.GetRequiredService<IClusterClient>();
    }

    public string Address { get; }

    public IClusterClient Grains { get; }

    /// <summary>Connects to the cluster: through the primary silo at "host:port" (its gateway is on port + 1), or
    /// through the Redis membership table, which lists every worker's gateway. Fails within a few seconds with one
    /// clear line when nothing listens there, or the cluster refuses this client's secret or TLS certificate.</summary>
    /// <param name="access">The cluster and this client's credentials.</param>
    /// <param name="logLevel">The client's log level.</param>
    /// <param name="timeout">How long the client may take to start.</param>
    /// <param name="ct">Cancels the connect.</param>
    /// <param name="via">Connect through this one gateway only (static clustering), whatever the membership: used for
    /// the per-worker routes of a Redis cluster (see <see cref="SpartanCluster"/>).</param>
    public static async Task<ClusterConnection> ConnectAsync(ClusterAccess access, string logLevel, TimeSpan timeout, CancellationToken ct = default, IPEndPoint? via = null)
    {
        IPEndPoint? gateway = null;
        if (via is not null)
        {
            gateway = via;
            await ProbeAsync(access, via, timeout, ct).ConfigureAwait(false);
            access = access with { Membership = null, Address = via.ToString() };
        }
        else if (access.Membership is { } membership)
        {
            await membership.ProbeAsync(ct).ConfigureAwait(false);
            if (!await membership.HasMembersAsync(ClusterIdentity.ClusterId(access.Secret)).WaitAsync(timeout, ct).ConfigureAwait(false))
            {
                string secret = access.Secret is null ? "without a secret (is one needed? --secret)" : "under this client's secret (--secret)";
                throw new SpartanException($"the cluster at {access.Name} refused this client: no worker is registered there {secret}; start workers with `spartan worker --membership {membership.Value}` and the same secret");
            }
        }
        else
        {
            (string hostName, int port) = ClusterIdentity.Parse(access.Address!);
            gateway = new IPEndPoint(ClusterIdentity.Resolve(hostName), port + 1);
            await ProbeAsync(access, gateway, timeout, ct).ConfigureAwait(false);
        }

        IHost host = new HostBuilder()
            .ConfigureLogging(l => ConfigureLogging(l, logLevel, LogLevel.Error))
            .UseOrleansClient(client =>
            {
                if (access.Membership is { } m)
                {
                    client.UseRedisClustering(o => o.ConfigurationOptions = m.Configuration());
                }
                else
                {
                    client.UseStaticClustering(gateway!);
                }

                if (access.Tls is { } tls)
                {
                    client.UseTls(tls.Certificate, tls.Configure);
                }

                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterIdentity.ClusterId(access.Secret);
                    o.ServiceId = ClusterIdentity.ServiceId;
                });
                client.Configure<ClientMessagingOptions>(o => o.MaxMessageBodySize = WireLimits.OrleansMaxMessageBodyBytes);
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(access.Membership is null ? 30 : 5));
            })
            .Build();
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            await host.StartAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            host.Dispose();
            throw new SpartanException($"the cluster at {access.Name} refused this client: {RefusalReason(access)}. ({e.GetType().Name}: {FirstLine(e.Message)})", e);
        }

        return new ClusterConnection(host, access.Name);
    }

    /// <summary>Why a cluster that answers may refuse a client: the handshake does not say which check failed, so the
    /// message names every credential this client has or lacks.</summary>
    private static string RefusalReason(ClusterAccess access)
    {
        string secret = access.Secret is null
            ? "it requires a secret and this client has none (set SpartanOptions.Secret, SPARTAN_SECRET or --secret)"
            : "its secret differs from this client's (SpartanOptions.Secret, SPARTAN_SECRET or --secret)";
        string tls = access.Tls is { } t
            ? $"or it does not use TLS with this client's certificate ({t.Source})"
            : "or it requires TLS and this client has no certificate (--tls-certificate)";
        // Through Redis, a client with another secret reads another key of the table and finds no gateway at all.
        return access.Membership is null ? $"{secret}, {tls}" : $"no worker there accepted it: {secret} (each secret has its own workers in the table), {tls}";
    }

    /// <summary>The worker silos that membership lists as active, in a stable order (endpoint).</summary>
    public async Task<List<WorkerSilo>> WorkersAsync()
    {
        IManagementGrain mg = Grains.GetGrain<IManagementGrain>(0);
        MembershipEntry[] hosts = await mg.GetDetailedHosts(onlyActive: true).ConfigureAwait(false);
        return hosts
            .Where(h => h.Status == SiloStatus.Active && (h.SiloName ?? "").StartsWith(ClusterIdentity.WorkerPrefix, StringComparison.Ordinal))
            .Select(h => new WorkerSilo(h.SiloAddress.ToParsableString(), h.SiloName!, h.HostName ?? "?", h.SiloAddress.Endpoint.ToString(), new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime, DateTimeKind.Utc)), new IPEndPoint(h.SiloAddress.Endpoint.Address, h.ProxyPort)))
            .OrderBy(w => w.Endpoint, StringComparer.Ordinal)
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or ObjectDisposedException)
        {
            // The cluster may already be gone; nothing is left to release remotely.
        }
        finally
        {
            _host.Dispose();
        }
    }

    internal static void ConfigureLogging(ILoggingBuilder l, string logLevel, LogLevel floor)
    {
        l.ClearProviders();
        LogLevel level = Enum.TryParse(logLevel, ignoreCase: true, out LogLevel parsed) ? parsed : LogLevel.Warning;
        l.SetMinimumLevel(level > floor ? level : floor);
        // A failed start is reported once, as our own one-line error, not again as the host's log with a stack trace.
        l.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        // Logs go to stderr: stdout carries the readiness lines that scripts and tests wait for.
        l.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        l.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    private static async Task ProbeAsync(ClusterAccess access, IPEndPoint gateway, TimeSpan timeout, CancellationToken ct)
    {
        string address = access.Membership is null ? access.Address! : $"{access.Name} (gateway {gateway})";
        using var socket = new Socket(gateway.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(Math.Min(5, timeout.TotalSeconds)));
        try
        {
            await socket.ConnectAsync(gateway, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            ct.ThrowIfCancellationRequested();
            string why = e is SocketException se ? se.SocketErrorCode.ToString() : "no answer within 5 s";
            throw new SpartanException($"no Spartan cluster answers at {address}: its gateway {gateway} is not reachable ({why})");
        }

        if (await TlsProbe.CheckAsync(socket, gateway, access.Tls, ct).ConfigureAwait(false) is { } mismatch)
        {
            throw new SpartanException($"the cluster at {address} refused this client: {mismatch}");
        }
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }
}
