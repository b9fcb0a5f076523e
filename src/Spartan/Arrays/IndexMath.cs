namespace Spartan;

/// <summary>Integer arithmetic on indices that may be negative (steps of views, offsets before an array's start).</summary>
internal static class IndexMath
{
    /// <summary>⌈a / b⌉ for b &gt; 0 and any sign of a.</summary>
    public static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -(-a / b);
}
