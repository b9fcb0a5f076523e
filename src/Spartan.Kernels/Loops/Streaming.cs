using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Spartan.Kernels.Loops;

/// <summary>
/// Copies into memory that will not be read again soon (a large kernel output) with non-temporal stores. An ordinary
/// store first reads the destination line into the cache (read-for-ownership), so streaming an output costs its bytes
/// twice; a non-temporal store writes the line straight to memory. Call <see cref="Fence"/> once the whole output is
/// written, before another thread reads it.
/// </summary>
public static class Streaming
{
    /// <summary>Whether this machine has the aligned non-temporal vector stores the copy uses.</summary>
    public static bool IsSupported => Avx512F.IsSupported || Avx.IsSupported;

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (same length) with non-temporal
    /// stores for the 64-byte-aligned middle and ordinary stores for the ends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Copy<T>(ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"source length {source.Length} does not match the destination length {destination.Length}", nameof(destination));
        }

        nint bytes = (nint)source.Length * sizeof(T);
        fixed (T* sp = source)
        fixed (T* dp = destination)
        {
            byte* s = (byte*)sp, d = (byte*)dp;
            if (!IsSupported || bytes < 256)
            {
                Buffer.MemoryCopy(s, d, bytes, bytes);
                return;
            }

            nint head = Math.Min((64 - ((nint)d & 63)) & 63, bytes);
            Buffer.MemoryCopy(s, d, head, head);
            nint i = head;
            if (Avx512F.IsSupported)
            {
                for (; i + 64 <= bytes; i += 64)
                {
                    Avx512F.StoreAlignedNonTemporal(d + i, Vector512.Load(s + i));
                }
            }
            else
            {
                for (; i + 32 <= bytes; i += 32)
                {
                    Avx.StoreAlignedNonTemporal(d + i, Vector256.Load(s + i));
                }
            }

            Buffer.MemoryCopy(s + i, d + i, bytes - i, bytes - i);
        }
    }

    /// <summary>Orders every earlier non-temporal store before later stores (sfence).</summary>
    public static void Fence()
    {
        if (Sse.IsSupported)
        {
            Sse.StoreFence();
        }
    }
}
