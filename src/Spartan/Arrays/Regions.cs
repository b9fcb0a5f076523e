using System.Runtime.InteropServices;

namespace Spartan;

/// <summary>Copies boxes between dense row-major arrays of the same dtype, one contiguous run at a time.</summary>
internal static class Regions
{
    /// <summary>Copies the box of extents <paramref name="box"/> from <paramref name="src"/> at
    /// <paramref name="srcOffset"/> into <paramref name="dst"/> at <paramref name="dstOffset"/>.</summary>
    public static void Copy(NDArray src, ReadOnlySpan<long> srcOffset, NDArray dst, ReadOnlySpan<long> dstOffset, ReadOnlySpan<long> box)
    {
        if (src.DType != dst.DType)
        {
            throw new ArgumentException($"cannot copy {src.DType.Name()} into {dst.DType.Name()}", nameof(dst));
        }

        int rank = box.Length;
        long count = 1;
        foreach (long b in box)
        {
            count *= b;
        }

        if (count == 0)
        {
            return;
        }

        int es = src.DType.SizeOf();
        if (rank == 0)
        {
            Array.Copy(src.Buffer, 0, dst.Buffer, 0, 1);
            return;
        }

        // Byte spans for the usual tile; a buffer past 2 GiB of bytes has no byte span, so it copies by elements.
        bool bytes = (long)src.Buffer.Length * es <= int.MaxValue && (long)dst.Buffer.Length * es <= int.MaxValue;
        Span<byte> s = bytes ? src.AsBytes() : default, d = bytes ? dst.AsBytes() : default;

        long[] ss = src.Shape.Strides(), ds = dst.Shape.Strides();

        // Merge trailing axes while the box spans them fully in both arrays, so runs are as long as possible.
        int inner = rank - 1;
        long run = box[inner];
        while (inner > 0 && box[inner] == src.Shape.Dims[inner] && box[inner] == dst.Shape.Dims[inner])
        {
            inner--;
            run *= box[inner];
        }

        long sBase = 0, dBase = 0;
        for (int a = 0; a < rank; a++)
        {
            sBase += srcOffset[a] * ss[a];
            dBase += dstOffset[a] * ds[a];
        }

        Span<long> idx = stackalloc long[rank];
        while (true)
        {
            long so = sBase, dof = dBase;
            for (int a = 0; a < inner; a++)
            {
                so += idx[a] * ss[a];
                dof += idx[a] * ds[a];
            }

            if (bytes)
            {
                s.Slice((int)(so * es), (int)(run * es)).CopyTo(d.Slice((int)(dof * es), (int)(run * es)));
            }
            else
            {
                Array.Copy(src.Buffer, so, dst.Buffer, dof, run);
            }

            int k = inner - 1;
            while (k >= 0 && ++idx[k] >= box[k])
            {
                idx[k] = 0;
                k--;
            }

            if (k < 0)
            {
                return;
            }
        }
    }

    /// <summary>The part <paramref name="region"/> of a tile that covers <paramref name="tileExtent"/>, as a new array.</summary>
    public static NDArray Extract(NDArray tile, TileExtent tileExtent, TileExtent region)
    {
        if (region.Equals(tileExtent))
        {
            return tile;
        }

        NDArray r = NDArray.Uninitialized(region.Shape, NoSparse(tile).DType);
        Copy(tile, region.OffsetIn(tileExtent), r, new long[region.Shape.Rank], region.Shape.Dims);
        return r;
    }

    /// <summary>Writes <paramref name="part"/> (covering <paramref name="partExtent"/>) into <paramref name="target"/> (covering <paramref name="targetExtent"/>).</summary>
    public static void Paste(NDArray part, TileExtent partExtent, NDArray target, TileExtent targetExtent) =>
        Copy(NoSparse(part), new long[partExtent.Shape.Rank], target, partExtent.OffsetIn(targetExtent), partExtent.Shape.Dims);

    /// <summary>A sparse tile is only ever read whole, by sparse-aware kernels: a region copy of one is a bug.</summary>
    private static NDArray NoSparse(NDArray a) => a.Csr is null ? a
        : throw new InvalidOperationException($"a region of a sparse (CSR) tile of shape {a.Shape} cannot be copied densely; convert the array with ToDense() first");

    /// <summary>A typed view of a buffer's bytes.</summary>
    public static Span<T> As<T>(NDArray a) where T : struct => MemoryMarshal.Cast<byte, T>(a.AsBytes());
}
