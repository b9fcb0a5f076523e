using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Spartan.Cluster.Client;
using Spartan.Cluster.Placement;
using Spartan.Cluster.Security;
using Spartan.Cluster.Wire;
using Spartan.Cluster.Worker;

namespace Spartan.Cluster;

/// <summary>What a worker (or the primary membership host) process runs with.</summary>
public sealed class WorkerHostOptions
{
    /// <summary>"host:port" of the cluster's primary silo to join; ignored with <see cref="Primary"/>.</summary>
    public string? Join { get; set; }

    /// <summary>Run the primary silo that holds the development membership table (no worker grain is used on it).
    /// Real deployments use a membership database instead (docs/cluster.md).</summary>
    public bool Primary { get; set; }

    /// <summary>The silo port; the gateway (client) port is the next one. Null picks a free pair.</summary>
    public int? Port { get; set; }

    /// <summary>The TCP port of the data plane (tile region reads from peers and drivers, docs/cluster.md); null lets
    /// the OS pick a free one. It listens on the advertised address (every address when that is not loopback).</summary>
    public int? DataPort { get; set; }

    /// <summary>The address other processes reach this one at; null: 127.0.0.1 when joining a loopback address,
    /// else the local address that routes to the primary.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The configuration the process was started with (<see cref="SpartanConfiguration"/>). The worker
    /// reads only the settings it shares with the cluster's drivers from it, so that both sides given the same flags
    /// agree: <see cref="SpartanOptions.Secret"/>, <see cref="SpartanOptions.Membership"/> (null for the primary
    /// silo's development table at <see cref="Join"/>; with "redis://host:port", <see cref="Join"/> is not needed and
    /// there is no primary), the TLS certificate and <see cref="SpartanOptions.LogLevel"/>.
    /// <see cref="SpartanOptions.Cluster"/> is not read: <see cref="Join"/> names the primary.</summary>
    public SpartanOptions Configuration { get; set; } = new();
}

/// <summary>Runs a worker process: an Orleans silo hosting the worker grain of this silo.</summary>
public static class WorkerHost
{
    /// <summary>Starts the silo, calls <paramref name="ready"/> with a one-line description once it has joined the
    /// cluster, and runs until <paramref name="stop"/> is cancelled, then leaves the cluster cleanly.</summary>
    /// <exception cref="SpartanException">The port is taken, or the cluster cannot be joined (nothing there, or a
    /// different secret).</exception>
    public static async Task RunAsync(WorkerHostOptions options, Action<string> ready, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ready);
        SpartanOptions config = options.Configuration;
        // Bad options fail here, before anything listens: one line naming the option.
        MembershipStore? store = MembershipStore.Parse(config.Membership);
        ClusterTls? tls = ClusterTls.Load(config.TlsCertificate, config.TlsCertificatePassword, config.TlsThumbprint);
        IPEndPoint? primary = null;
        IPAddress advertised;
        if (store is not null)
        {
            if (options.Primary)
            {
                throw new SpartanException($"--primary is not used with --membership '{store.Value}': the Redis table replaces the primary silo, every worker is equal");
            }

            await store.ProbeAsync(stop).ConfigureAwait(false);
            advertised = options.AdvertisedHost is { } a ? ClusterIdentity.Resolve(a) : LocalAddressTowards(ClusterIdentity.Resolve(store.Host));
        }
        else if (options.Primary)
        {
            advertised = ClusterIdentity.Resolve(options.AdvertisedHost ?? "127.0.0.1");
            int port = options.Port ?? ClusterIdentity.FreePort(advertised, pair: true);
            primary = new IPEndPoint(advertised, port);
        }
        else
        {
            string join = options.Join ?? throw new ArgumentException("a worker needs --join HOST:PORT (the address `spartan cluster start` printed) or --membership redis://HOST:PORT", nameof(options));
            (string joinHost, int joinPort) = ClusterIdentity.Parse(join);
            primary = new IPEndPoint(ClusterIdentity.Resolve(joinHost), joinPort);
            advertised = options.AdvertisedHost is { } a ? ClusterIdentity.Resolve(a) : LocalAddressTowards(primary.Address);
        }

        if (store is null && !options.Primary)
        {
            await CheckTlsAsync(primary!, tls, stop).ConfigureAwait(false);
        }

        int siloPort = options.Primary ? primary!.Port : options.Port ?? ClusterIdentity.FreePort(advertised, pair: true);
        bool loopback = IPAddress.IsLoopback(advertised);
        IPAddress bind = loopback ? advertised : IPAddress.Any;
        if (options.DataPort is int dp && !options.Primary && (dp is <= 0 or > 65535 || dp == siloPort || dp == siloPort + 1 || !ClusterIdentity.IsFree(bind, dp)))
        {
            throw new SpartanException($"data plane port {dp} on {bind} is invalid or already in use; choose another with --data-port");
        }

        foreach (int p in new[] { siloPort, siloPort + 1 })
        {
            if (!ClusterIdentity.IsFree(bind, p))
            {
                throw new SpartanException($"port {p} on {bind} is already in use (another worker on this port?); choose another with --port");
            }
        }

        string name = (options.Primary ? ClusterIdentity.PrimaryPrefix : ClusterIdentity.WorkerPrefix) + siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        IHost host = new HostBuilder()
            .ConfigureLogging(l => ClusterConnection.ConfigureLogging(l, config.LogLevel, LogLevel.Warning))
            .UseOrleans(silo =>
            {
                if (store is not null)
                {
                    silo.UseRedisClustering(o => o.ConfigurationOptions = store.Configuration());
                }
                else
                {
                    silo.UseDevelopmentClustering(primary!);
                }

                if (tls is not null)
                {
                    silo.UseTls(tls.Certificate, tls.Configure);
                }

                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterIdentity.ClusterId(config.Secret);
                    o.ServiceId = ClusterIdentity.ServiceId;
                });
                silo.Configure<SiloOptions>(o => o.SiloName = name);
                // Failure detection: a killed worker is declared dead in about 5 s (defaults: about 7-10 s). Kernels run
                // on their own threads, so a busy silo still answers its probes.
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                });
                silo.ConfigureEndpoints(advertised, siloPort, siloPort + 1, listenOnAnyHostAddress: !loopback);
                silo.Configure<SiloMessagingOptions>(o => o.MaxMessageBodySize = WireLimits.OrleansMaxMessageBodyBytes);
                silo.Services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
                silo.Services.AddSingleton(new DataPlaneSettings(advertised, options.DataPort ?? 0, config.Secret, tls));
                silo.Services.AddSingleton<WorkerRuntime>();
            })
            .Build();

        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(stop);
            // Joining retries the membership table until this deadline: a cluster with another secret never lets it in.
            startup.CancelAfter(TimeSpan.FromSeconds(30));
            await host.StartAsync(startup.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !stop.IsCancellationRequested)
        {
            host.Dispose();
            throw new SpartanException(
                options.Primary
                    ? $"the primary silo could not start on {primary}: {e.Message}"
                    : $"could not join the cluster at {(store is null ? primary!.ToString() : $"membership {store.Value}")}: nothing answers there, or it has a different secret{(tls is null ? " or requires TLS" : $" or does not use TLS with {tls.Source}")} ({e.GetType().Name}: {FirstLine(e.Message)})", e);
        }

        try
        {
            string address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
            string? data = null;
            if (!options.Primary)
            {
                // Create the runtime (and its data plane listener) now, so that the first driver call finds it ready.
                data = host.Services.GetRequiredService<WorkerRuntime>().DataPlane.Endpoint;
            }

            ready(options.Primary
                ? $"primary ready: {primary!.Address}:{primary.Port} (silo {address}, pid {Environment.ProcessId})"
                : $"worker ready: {address} (pid {Environment.ProcessId}, data plane {data})");
            await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await host.StopAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Leaving the cluster took too long; membership declares this silo dead instead.
            }

            host.Dispose();
        }
    }

    /// <summary>A worker whose TLS settings do not match the primary's fails at once with the reason, instead of
    /// after the 30 s join deadline with none (Orleans only retries). Nothing listening is left to the join itself.</summary>
    private static async Task CheckTlsAsync(IPEndPoint primary, ClusterTls? tls, CancellationToken stop)
    {
        using var socket = new Socket(primary.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        cts.CancelAfter(ClusterTls.HandshakeTimeout);
        try
        {
            await socket.ConnectAsync(primary, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return;
        }

        if (await TlsProbe.CheckAsync(socket, primary, tls, stop).ConfigureAwait(false) is { } mismatch)
        {
            throw new SpartanException($"could not join the cluster at {primary}: {mismatch}");
        }
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }

    /// <summary>The local address of the interface that routes to <paramref name="remote"/>.</summary>
    private static IPAddress LocalAddressTowards(IPAddress remote)
    {
        if (IPAddress.IsLoopback(remote))
        {
            return remote;
        }

        using var s = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        s.Connect(remote, 9);
        return ((IPEndPoint)s.LocalEndPoint!).Address;
    }
}
