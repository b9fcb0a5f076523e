using System.ComponentModel;
using Spectre.Console.Cli;

namespace Spartan.Cli.Commands;

/// <summary>The flags every cluster command shares (worker, cluster start, status, demo): the secret, the membership
/// table and the TLS certificate. Each also comes from SPARTAN_* variables or the ini file (SpartanConfiguration);
/// a flag given here wins.</summary>
internal class ClusterAccessSettings : CommandSettings
{
    [CommandOption("--secret <SECRET>")]
    [Description("The cluster's shared secret (also SPARTAN_SECRET or the ini file).")]
    public string? Secret { get; init; }

    [CommandOption("--membership <URL>")]
    [Description("Membership table: redis://HOST:PORT (no primary silo; production), or development (default).")]
    public string? Membership { get; init; }

    [CommandOption("--tls-certificate <PFX>")]
    [Description("TLS with this .pfx (the cluster's certificate and key; every member and client uses the same one).")]
    public string? TlsCertificate { get; init; }

    [CommandOption("--tls-certificate-password <PASSWORD>")]
    [Description("Password of the .pfx (better: SPARTAN_TLS_CERTIFICATE_PASSWORD, not shown by ps).")]
    public string? TlsCertificatePassword { get; init; }

    [CommandOption("--tls-thumbprint <SHA1>")]
    [Description("TLS with the certificate of this thumbprint from the 'My' store, instead of --tls-certificate.")]
    public string? TlsThumbprint { get; init; }

    /// <summary>Overrides the configured options with the flags given.</summary>
    public SpartanOptions Apply(SpartanOptions options)
    {
        options.Secret = Secret ?? options.Secret;
        options.Membership = Membership ?? options.Membership;
        options.TlsCertificate = TlsCertificate ?? options.TlsCertificate;
        options.TlsCertificatePassword = TlsCertificatePassword ?? options.TlsCertificatePassword;
        options.TlsThumbprint = TlsThumbprint ?? options.TlsThumbprint;
        return options;
    }

    /// <summary>Whether the options name a membership table other than the primary silo's development one.</summary>
    public static bool HasStore(SpartanOptions options) =>
        !string.IsNullOrWhiteSpace(options.Membership) && !options.Membership.Equals("development", StringComparison.OrdinalIgnoreCase);
}
