namespace Spartan.Runtime;

/// <summary>Kernels of boolean selection, gathers by index and functional assignment.</summary>
internal static class SelectionKernels
{
    public static NDArray CountNonzero(NDArray mask, TileExtent outExtent)
    {
        NDArray r = NDArray.Uninitialized(outExtent.Shape, DType.Int64);
        r.AsSpan<long>()[0] = Count(mask);
        return r;
    }

    public static NDArray Select(NDArray values, NDArray mask, TileExtent outExtent)
    {
        NDArray r = NDArray.Uninitialized(outExtent.Shape, values.DType);
        ReadOnlySpan<bool> m = mask.AsSpan<bool>();
        int es = values.DType.SizeOf();
        Span<byte> src = values.AsBytes(), dst = r.AsBytes();
        int o = 0;
        for (int i = 0; i < m.Length; i++)
        {
            if (m[i])
            {
                if (o >= r.Size)
                {
                    throw new InvalidOperationException($"the mask selects more elements than the {r.Size} counted when the expression was built");
                }

                src.Slice(i * es, es).CopyTo(dst.Slice(o++ * es, es));
            }
        }

        if (o != r.Size)
        {
            throw new InvalidOperationException($"the mask selects {o} elements here, but {r.Size} were counted when the expression was built");
        }

        return r;
    }

    public static NDArray Take(NDArray indices, TileTask task, Func<int, TileExtent, NDArray> read)
    {
        TileExtent outExtent = task.OutputExtents[0];
        TileExtent source = task.Inputs[1].Region;
        Shape src = source.ArrayShape;
        long n = src.Dims[0];
        long rowSize = src.Size / Math.Max(1, n);
        NDArray r = NDArray.Uninitialized(outExtent.Shape, task.OutputTypes[0]);
        int es = r.DType.SizeOf();
        Span<byte> dst = r.AsBytes();
        long[] idx = indices.DType == DType.Int32 ? Array.ConvertAll(indices.ToArray<int>(), v => (long)v) : indices.ToArray<long>();
        var rowUl = new long[src.Rank];
        long[] rowLr = src.ToArray();
        for (int i = 0; i < idx.Length; i++)
        {
            long v = idx[i];
            if (v < -n || v >= n)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), v, $"index {v} is out of bounds for axis 0 with size {n}");
            }

            long row = v < 0 ? v + n : v;
            rowUl[0] = row;
            rowLr[0] = row + 1;
            NDArray data = read(1, new TileExtent(rowUl, rowLr, src));
            data.AsBytes().CopyTo(dst.Slice((int)(i * rowSize * es), (int)(rowSize * es)));
        }

        return r;
    }

    public static NDArray Assign(AssignKernel k, NDArray tile, NDArray value, TileTask task)
    {
        NDArray r = NDArray.Uninitialized(tile.Shape, tile.DType);
        Array.Copy(tile.Buffer, r.Buffer, tile.Buffer.Length);
        TileExtent box = k.Box;
        if (box.Size == 0)
        {
            return r;
        }

        (long db, long[] ds) = k.Map.Layout(box, task.Inputs[0].Region);
        (long vb, long[] vs) = k.ValueMap.Layout(box, task.Inputs[1].Region);
        int es = r.DType.SizeOf();
        Span<byte> d = r.AsBytes(), v = value.AsBytes();
        int rank = box.Shape.Rank;
        Span<long> l = stackalloc long[rank];
        ReadOnlySpan<long> dims = box.Shape.Dims;
        while (true)
        {
            long to = db, from = vb;
            for (int a = 0; a < rank; a++)
            {
                to += l[a] * ds[a];
                from += l[a] * vs[a];
            }

            v.Slice((int)(from * es), es).CopyTo(d.Slice((int)(to * es), es));
            int ax = rank - 1;
            while (ax >= 0 && ++l[ax] >= dims[ax])
            {
                l[ax] = 0;
                ax--;
            }

            if (ax < 0)
            {
                return r;
            }
        }
    }

    private static long Count(NDArray mask)
    {
        long c = 0;
        foreach (bool b in mask.AsSpan<bool>())
        {
            c += b ? 1 : 0;
        }

        return c;
    }
}
