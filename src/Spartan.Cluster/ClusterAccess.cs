using Spartan.Cluster.Security;

namespace Spartan.Cluster;

/// <summary>What a driver (or `spartan status`) needs to reach a cluster, checked once from <see cref="SpartanOptions"/>:
/// where membership lives, the secret, and the TLS certificate.</summary>
/// <param name="Address">"host:port" of the primary silo (development membership); unused with a membership store.</param>
/// <param name="Membership">The Redis membership table, or null for the primary silo's development table.</param>
/// <param name="Secret">The shared secret (the ClusterId and the data plane key derive from it).</param>
/// <param name="Tls">The cluster certificate, or null without TLS.</param>
internal sealed record ClusterAccess(string? Address, MembershipStore? Membership, string? Secret, ClusterTls? Tls)
{
    /// <exception cref="SpartanException">A bad membership value or certificate (one line naming the option).</exception>
    /// <exception cref="ArgumentException">Neither a cluster address nor a membership store is set.</exception>
    public static ClusterAccess From(SpartanOptions options)
    {
        MembershipStore? membership = MembershipStore.Parse(options.Membership);
        if (membership is null && string.IsNullOrWhiteSpace(options.Cluster))
        {
            throw new ArgumentException("SpartanOptions.Cluster is not set: give the \"host:port\" that `spartan cluster start` printed (--cluster), or a membership table (--membership redis://HOST:PORT)", nameof(options));
        }

        return new ClusterAccess(options.Cluster, membership, options.Secret, ClusterTls.Load(options.TlsCertificate, options.TlsCertificatePassword, options.TlsThumbprint));
    }

    /// <summary>How messages name the cluster: its address, or its membership table.</summary>
    public string Name => Membership is { } m ? $"membership {m.Value}" : Address!;
}
