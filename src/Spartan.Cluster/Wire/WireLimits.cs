namespace Spartan.Cluster.Wire;

/// <summary>The message size limits of the cluster (docs/cluster.md, "Message limits").</summary>
internal static class WireLimits
{
    /// <summary>The largest message body we send, and what Orleans is configured to accept (its default is 100 MB).
    /// Orleans reports an oversized message only as a timeout, so the codec checks this first and fails clearly.</summary>
    public const int MaxMessageBytes = 1 << 30;

    /// <summary>Orleans' limit is set a little above ours, for the headers around our payload.</summary>
    public const int OrleansMaxMessageBodyBytes = MaxMessageBytes + (1 << 20);
}
