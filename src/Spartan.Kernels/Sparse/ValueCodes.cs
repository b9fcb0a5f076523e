using System.Runtime.CompilerServices;

namespace Spartan.Kernels.Sparse;

/// <summary>
/// Dictionary coding of a CSR block's values: when the block holds at most <see cref="MaxDistinct"/> distinct values
/// (by bits), each entry stores a one-byte code into a table of them. Graph matrices are like that: PageRank's P holds
/// 1/outdeg(source) (a few dozen values), adjacency matrices hold ones. The SpMV then streams 5 bytes an entry
/// instead of 12, which is most of its memory traffic. The technique is CSR-VI (Kourtis, Goumas and Koziris, 2008).
/// </summary>
public static class ValueCodes
{
    /// <summary>The most distinct values a coded block may hold (codes are bytes).</summary>
    public const int MaxDistinct = 256;

    private const int Slots = 512;

    /// <summary>
    /// Codes <paramref name="values"/> into <paramref name="codes"/> (same length) and returns the table, of
    /// <see cref="MaxDistinct"/> entries (unused ones zero); null when there are more distinct values (then
    /// <paramref name="codes"/> holds garbage). Values are told apart by their bits, so -0.0, 0.0 and each NaN payload
    /// keep their own code and the table gives back exactly the stored value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[]? TryEncode(ReadOnlySpan<double> values, Span<byte> codes)
    {
        if (codes.Length != values.Length)
        {
            throw new ArgumentException($"{codes.Length} codes for {values.Length} values", nameof(codes));
        }

        var table = new double[MaxDistinct];
        Span<long> keys = stackalloc long[Slots];
        Span<short> slotCode = stackalloc short[Slots]; // code + 1; 0 = empty
        slotCode.Clear();
        int distinct = 0;
        long lastBits = 0;
        byte lastCode = 0;
        bool hasLast = false;
        for (int i = 0; i < values.Length; i++)
        {
            long bits = BitConverter.DoubleToInt64Bits(values[i]);
            if (hasLast && bits == lastBits)
            {
                codes[i] = lastCode;
                continue;
            }

            // Open addressing on a multiplicative hash; at most 256 of the 512 slots fill, so probes stay short.
            int h = (int)(((ulong)bits * 0x9E3779B97F4A7C15UL) >> 55);
            while (slotCode[h] != 0 && keys[h] != bits)
            {
                h = (h + 1) & (Slots - 1);
            }

            if (slotCode[h] == 0)
            {
                if (distinct == MaxDistinct)
                {
                    return null;
                }

                keys[h] = bits;
                slotCode[h] = (short)(distinct + 1);
                table[distinct++] = values[i];
            }

            lastBits = bits;
            lastCode = (byte)(slotCode[h] - 1);
            hasLast = true;
            codes[i] = lastCode;
        }

        return table;
    }
}
