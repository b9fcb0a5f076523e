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
    public static unsafe double[]? TryEncode(ReadOnlySpan<double> values, Span<byte> codes)
    {
        if (codes.Length != values.Length)
        {
            throw new ArgumentException($"{codes.Length} codes for {values.Length} values", nameof(codes));
        }

        var table = new double[MaxDistinct];
        long* keys = stackalloc long[Slots];
        short* slotCode = stackalloc short[Slots]; // code + 1; 0 = empty
        new Span<short>(slotCode, Slots).Clear();
        int distinct = 0;
        fixed (double* v = values)
        fixed (byte* c = codes)
        {
            for (int i = 0; i < values.Length; i++)
            {
                long bits = *(long*)(v + i);

                // Open addressing on a multiplicative hash; at most 256 of the 512 slots fill, so probes stay short.
                uint h = (uint)(((ulong)bits * 0x9E3779B97F4A7C15UL) >> 55);
                while (true)
                {
                    short s = slotCode[h];
                    if (s != 0 && keys[h] == bits)
                    {
                        c[i] = (byte)(s - 1);
                        break;
                    }

                    if (s == 0)
                    {
                        if (distinct == MaxDistinct)
                        {
                            return null;
                        }

                        keys[h] = bits;
                        slotCode[h] = (short)(distinct + 1);
                        table[distinct] = v[i];
                        c[i] = (byte)distinct++;
                        break;
                    }

                    h = (h + 1) & (Slots - 1);
                }
            }
        }

        return table;
    }
}
