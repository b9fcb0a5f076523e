using Spartan.Kernels.Loops;
using Spartan.Kernels.Operators;

namespace Spartan.Runtime;

/// <summary>Runs the stages of a user shuffle (count, pack, combine) and the built-in outer product.</summary>
internal static class ShuffleKernels
{
    public static NDArray Count(ShuffleCountKernel k, NDArray tile, TileTask task)
    {
        List<(TileExtent Region, NDArray Data)> pieces = Checked(k.Kernel, tile, task.Domain, k.OutputShape, k.OutputType);
        NDArray r = NDArray.Uninitialized(task.OutputExtents[0].Shape, DType.Int64);
        Span<long> d = Regions.As<long>(r);
        d[0] = pieces.Count;
        d[1] = pieces.Sum(p => p.Region.Size);
        return r;
    }

    public static NDArray[] Pack(ShufflePackKernel k, NDArray tile, TileTask task)
    {
        List<(TileExtent Region, NDArray Data)> pieces = Checked(k.Kernel, tile, task.Domain, k.OutputShape, k.OutputType);
        int rank = k.OutputShape.Rank;
        long elements = pieces.Sum(p => p.Region.Size);
        if (pieces.Count * ((2L * rank) + 1) != task.OutputExtents[0].Size || elements != task.OutputExtents[1].Size)
        {
            throw new KernelResultException(
                $"shuffle kernel {k.Kernel.Name} emitted {pieces.Count} pieces of {elements} elements for the tile at {task.Domain} " +
                "when run again, a different result from its first run; shuffle kernels must be deterministic");
        }

        NDArray meta = NDArray.Uninitialized(task.OutputExtents[0].Shape, DType.Int64);
        NDArray data = NDArray.Uninitialized(task.OutputExtents[1].Shape, k.OutputType);
        Span<long> m = Regions.As<long>(meta);
        Span<byte> bytes = data.AsBytes();
        int at = 0, mi = 0;
        foreach ((TileExtent region, NDArray piece) in pieces)
        {
            m[mi] = region.Size;
            region.UlSpan.CopyTo(m[(mi + 1)..]);
            region.LrSpan.CopyTo(m[(mi + 1 + rank)..]);
            mi += (2 * rank) + 1;
            Span<byte> src = piece.AsBytes();
            src.CopyTo(bytes[at..]);
            at += src.Length;
        }

        return [meta, data];
    }

    public static NDArray Combine(ShuffleCombineKernel k, NDArray[] inputs, TileTask task)
    {
        TileExtent tile = task.OutputExtents[0];
        DType t = task.OutputTypes[0];
        NDArray result = NDArray.Empty(tile.Shape, t);
        int first = 0;
        if (k.HasTarget)
        {
            Array.Copy(inputs[0].Buffer, result.Buffer, inputs[0].Buffer.Length);
            first = 1;
        }

        int es = t.SizeOf();
        for (int i = 0; i < k.Pieces.Length; i++)
        {
            TileExtent piece = k.Pieces[i];
            TileExtent part = piece.Intersect(tile) ?? throw new InvalidOperationException($"piece {piece} does not meet tile {tile}");
            NDArray src = NDArray.Uninitialized(part.Shape, t);
            CopyFromPiece(inputs[first + i], k.WindowStarts[i], piece, part, src, es);
            NDArray merged = k.Op == ReduceOp.Replace ? src : Accumulate.Apply(k.Op, Regions.Extract(result, tile, part), src);
            Regions.Paste(merged, part, result, tile);
        }

        return result;
    }

    public static NDArray Outer(NDArray a, NDArray b, TileTask task)
    {
        DType t = task.OutputTypes[0];
        NDArray x = ScanKernels.Cast(a, t), y = ScanKernels.Cast(b, t);
        NDArray r = NDArray.Uninitialized(task.OutputExtents[0].Shape, t);
        switch (t)
        {
            case DType.Float64: OuterOf<double>(x, y, r); break;
            case DType.Float32: OuterOf<float>(x, y, r); break;
            case DType.Int64: OuterOf<long>(x, y, r); break;
            case DType.Int32: OuterOf<int>(x, y, r); break;
            // Bools are 0/1 bytes, so their product is their logical and.
            default: OuterOf<byte>(x, y, r); break;
        }

        return r;
    }

    private static void OuterOf<T>(NDArray a, NDArray b, NDArray r) where T : unmanaged, System.Numerics.INumber<T>
    {
        ReadOnlySpan<T> x = Regions.As<T>(a), y = Regions.As<T>(b);
        Span<T> d = Regions.As<T>(r);
        for (int i = 0; i < x.Length; i++)
        {
            Elementwise.ScalarBinary<T, MultiplyOperator<T>>(x[i], y, d.Slice(i * y.Length, y.Length));
        }
    }

    /// <summary>Copies the box <paramref name="part"/> of a piece out of a window of the piece's row-major data that
    /// starts at element <paramref name="windowStart"/>.</summary>
    private static void CopyFromPiece(NDArray window, long windowStart, TileExtent piece, TileExtent part, NDArray dst, int es)
    {
        int rank = piece.Shape.Rank;
        Span<byte> s = window.AsBytes(), d = dst.AsBytes();
        if (rank == 0)
        {
            s[..es].CopyTo(d);
            return;
        }

        if (part.Size == 0)
        {
            return;
        }

        long[] strides = piece.Shape.Strides();
        long[] offset = part.OffsetIn(piece);
        long run = part.Shape.Dims[rank - 1];
        var idx = new long[rank - 1];
        long written = 0;
        while (true)
        {
            long flat = offset[rank - 1];
            for (int a = 0; a < rank - 1; a++)
            {
                flat += (offset[a] + idx[a]) * strides[a];
            }

            s.Slice((int)((flat - windowStart) * es), (int)(run * es)).CopyTo(d.Slice((int)(written * es)));
            written += run;
            int k = rank - 2;
            while (k >= 0 && ++idx[k] >= part.Shape.Dims[k])
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

    /// <summary>Runs the user kernel and checks every piece: it lies in the result, its data has the region's shape and
    /// the result's dtype. Empty pieces are dropped.</summary>
    private static List<(TileExtent Region, NDArray Data)> Checked(UserKernelSpec spec, NDArray tile, TileExtent extent, Shape shape, DType dtype)
    {
        List<(TileExtent Region, NDArray Data)> pieces = UserKernels.Emit(spec, tile, extent);
        var kept = new List<(TileExtent, NDArray)>(pieces.Count);
        for (int i = 0; i < pieces.Count; i++)
        {
            (TileExtent region, NDArray data) = pieces[i];
            string what = $"shuffle kernel {spec.Name} emitted piece {i} for the tile at {extent}";
            if (region is null || data is null)
            {
                throw new KernelResultException($"{what} with a null region or data");
            }

            if (region.ArrayShape != shape)
            {
                throw new KernelResultException($"{what} with region {region}, which is not an extent of the result of shape {shape}");
            }

            if (data.Shape != region.Shape || data.DType != dtype)
            {
                throw new KernelResultException($"{what} with {data.DType.Name()} data of shape {data.Shape}, but its region {region} needs {dtype.Name()} of shape {region.Shape}");
            }

            if (region.Size > 0)
            {
                kept.Add((region, data));
            }
        }

        return kept;
    }
}
