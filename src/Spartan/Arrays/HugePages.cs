using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Spartan;

/// <summary>
/// Asks Linux to back large tile buffers with 2 MiB transparent huge pages (madvise MADV_HUGEPAGE), as NumPy does for
/// arrays of 4 MiB and more. Where THP is in "madvise" mode (Debian's default) a buffer otherwise gets 4 KiB pages:
/// a streaming kernel then walks a page table entry every 64 cache lines and the first touch takes a fault per 4 KiB.
/// Only a hint: failure (other systems, no THP) changes nothing. <c>SPARTAN_MADVISE_HUGEPAGE=0</c> turns it off.
/// </summary>
internal static partial class HugePages
{
    private const int MadviseHugePage = 14;
    private const long HugePage = 2L << 20;
    private const long MinBytes = 4L << 20;

    private static bool s_enabled = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("SPARTAN_MADVISE_HUGEPAGE") != "0";

    /// <summary>Advises the 2 MiB-aligned interior of a large buffer, before it is first written.</summary>
    public static unsafe void Advise(Array buffer, int elementSize)
    {
        long bytes = (long)buffer.Length * elementSize;
        if (!s_enabled || bytes < MinBytes)
        {
            return;
        }

        // Large arrays live in the large object heap, which is not compacted, so the address stays valid (and a
        // stale hint would only be a hint).
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        nint lo = (nint)(((long)start + HugePage - 1) & ~(HugePage - 1));
        nint hi = (nint)(((long)start + bytes) & ~(HugePage - 1));
        if (hi <= lo)
        {
            return;
        }

        try
        {
            _ = Madvise(lo, (nuint)(hi - lo), MadviseHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_enabled = false;
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
