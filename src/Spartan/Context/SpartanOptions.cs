namespace Spartan;

/// <summary>How workers are assigned to machines (the original's AssignMode).</summary>
public enum AssignMode
{
    /// <summary>One worker per core.</summary>
    ByCore,
    /// <summary>One worker per machine.</summary>
    ByNode,
}

/// <summary>Every configuration flag of Spartan. Bound from ~/.config/spartan/spartan.ini, SPARTAN_* environment
/// variables and --flag=value arguments, in that order.</summary>
public sealed class SpartanOptions
{
    /// <summary>Number of workers; null means one per core.</summary>
    public int? Workers { get; set; }

    /// <summary>"host:port" of a cluster to connect to; null for embedded workers.</summary>
    public string? Cluster { get; set; }

    /// <summary>A shared secret a cluster requires from its members and clients.</summary>
    public string? Secret { get; set; }

    /// <summary>Where cluster membership lives: null (or "development") for the development table held by the primary
    /// silo at <see cref="Cluster"/> (localhost, tests); "redis://host:port" for a Redis membership table, where every
    /// worker is equal and no primary silo is needed (production, docs/cluster.md).</summary>
    public string? Membership { get; set; }

    /// <summary>TLS for the cluster (Orleans connections and the data plane): a PKCS#12 (.pfx) file with the cluster's
    /// certificate and private key. Every member and client presents it, and accepts only peers that present the
    /// same certificate (mutual authentication). Null: no TLS unless <see cref="TlsThumbprint"/> is set.</summary>
    public string? TlsCertificate { get; set; }

    /// <summary>The password of <see cref="TlsCertificate"/>, if it has one.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>TLS with a certificate from the store (CurrentUser, then LocalMachine, "My") by its SHA-1 thumbprint,
    /// instead of <see cref="TlsCertificate"/>.</summary>
    public string? TlsThumbprint { get; set; }

    /// <summary>Log level (Trace, Debug, Information, Warning, Error).</summary>
    public string LogLevel { get; set; } = "Warning";

    /// <summary>Worker assignment on a cluster.</summary>
    public AssignMode AssignMode { get; set; } = AssignMode.ByCore;

    /// <summary>Seconds between worker heartbeats.</summary>
    public double HeartbeatIntervalSeconds { get; set; } = 1;

    /// <summary>Seconds without a heartbeat after which a worker is suspect.</summary>
    public double FailureTimeoutSeconds { get; set; } = 10;

    /// <summary>Run the optimizer (all stages). Off means every node runs as written.</summary>
    public bool Optimize { get; set; } = true;

    /// <summary>Fuse chains of elementwise operations (MapFusion).</summary>
    public bool OptimizeMapFusion { get; set; } = true;

    /// <summary>Fuse reductions with the map they reduce (ReduceFusion).</summary>
    public bool OptimizeReduceFusion { get; set; } = true;

    /// <summary>Reuse results of live evaluated expressions (CollapseCached).</summary>
    public bool OptimizeCollapseCached { get; set; } = true;

    /// <summary>Default tiles per worker along the split axis.</summary>
    public int TilesPerWorker { get; set; } = 2;

    /// <summary>Arrays below this many elements per tile are not split further.</summary>
    public long MinTileElements { get; set; } = 4096;

    /// <summary>Directory for disk checkpoints; null means a folder under the temp directory.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Receives progress of every save or load of at least <see cref="IOProgressMinBytes"/> bytes (the CLI
    /// renders it on the terminal); null for none. Not bound from configuration.</summary>
    public IProgress<IOProgressInfo>? IOProgress { get; set; }

    /// <summary>Saves and loads smaller than this are not reported to <see cref="IOProgress"/> (default 300 MB).</summary>
    public long IOProgressMinBytes { get; set; } = 300_000_000;
}
