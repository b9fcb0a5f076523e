using System.Runtime.CompilerServices;
using Spartan.Kernels.Sparse;

namespace Spartan.Runtime;

/// <summary>
/// Value codes (<see cref="ValueCodes"/>) for CSR tiles that are multiplied by vectors again and again, as in an
/// iterative solver or PageRank: the SpMV then streams a byte per entry instead of a double. A tile is coded the
/// second time it is multiplied (a one-off product never pays for the coding pass), once, and the codes live as long
/// as the tile (1 byte an entry more). A tile with more than 256 distinct values is remembered as not codable.
/// </summary>
internal static class CodedTiles
{
    /// <summary>Tiles with fewer entries are not worth a coding pass.</summary>
    private const int MinEntries = 4096;

    private static readonly ConditionalWeakTable<CsrParts, Entry> s_entries = [];

    /// <summary>Off: every product reads the stored values (tests compare the two).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>The codes and table for a product with <paramref name="a"/>, or null to read its stored values.</summary>
    public static (byte[] Codes, double[] Table)? ForProduct(CsrParts a) =>
        Enabled && a.Nnz >= MinEntries ? s_entries.GetValue(a, _ => new Entry()).Use(a) : null;

    private sealed class Entry
    {
        private readonly Lock _gate = new();
        private int _uses;
        private bool _coded;
        private (byte[] Codes, double[] Table)? _result;

        public (byte[] Codes, double[] Table)? Use(CsrParts a)
        {
            if (Volatile.Read(ref _coded))
            {
                return _result;
            }

            if (Interlocked.Increment(ref _uses) < 2)
            {
                return null;
            }

            lock (_gate)
            {
                if (!_coded)
                {
                    var codes = new byte[a.Nnz];
                    _result = ValueCodes.TryEncode(a.ValueSpan, codes) is { } table ? (codes, table) : null;
                    Volatile.Write(ref _coded, true);
                }
            }

            return _result;
        }
    }
}
