using Spartan.Kernels.Sorting;

namespace Spartan.Runtime;

/// <summary>Runs the sort kernels: local line sorts and the stages of the distributed sample sort.</summary>
internal static class SortKernels
{
    public static NDArray Lines(SortLinesKernel k, NDArray x, TileTask task) => x.DType switch
    {
        DType.Float64 => LinesOf<double>(k, x, task),
        DType.Float32 => LinesOf<float>(k, x, task),
        DType.Int64 => LinesOf<long>(k, x, task),
        DType.Int32 => LinesOf<int>(k, x, task),
        _ => LinesOf<byte>(k, x, task),
    };

    public static NDArray Sample(SortSampleKernel k, NDArray x, TileTask task) => x.DType switch
    {
        DType.Float64 => SampleOf<double>(k, x, task),
        DType.Float32 => SampleOf<float>(k, x, task),
        DType.Int64 => SampleOf<long>(k, x, task),
        DType.Int32 => SampleOf<int>(k, x, task),
        _ => SampleOf<byte>(k, x, task),
    };

    public static NDArray[] Partition(SortPartitionKernel k, NDArray x, TileTask task) => x.DType switch
    {
        DType.Float64 => PartitionOf<double>(k, x, task),
        DType.Float32 => PartitionOf<float>(k, x, task),
        DType.Int64 => PartitionOf<long>(k, x, task),
        DType.Int32 => PartitionOf<int>(k, x, task),
        _ => PartitionOf<byte>(k, x, task),
    };

    public static NDArray Bucket(SortBucketKernel k, NDArray[] inputs, TileTask task) => inputs[0].DType switch
    {
        DType.Float64 => BucketOf<double>(k, inputs, task),
        DType.Float32 => BucketOf<float>(k, inputs, task),
        DType.Int64 => BucketOf<long>(k, inputs, task),
        DType.Int32 => BucketOf<int>(k, inputs, task),
        _ => BucketOf<byte>(k, inputs, task),
    };

    private static NDArray LinesOf<T>(SortLinesKernel k, NDArray x, TileTask task) where T : unmanaged
    {
        (int outer, int n, int inner) = ScanKernels.Split(x.Shape, k.Axis);
        ReadOnlySpan<T> xs = Regions.As<T>(x);
        long baseIndex = task.Domain.UlSpan[k.Axis];
        if (!k.Arg)
        {
            NDArray r = NDArray.Uninitialized(x.Shape, x.DType);
            Span<T> d = Regions.As<T>(r);
            xs.CopyTo(d);
            if (inner == 1)
            {
                for (int o = 0; o < outer; o++)
                {
                    Sorter.Sort(d.Slice(o * n, n));
                }

                return r;
            }

            var line = new T[n];
            for (int o = 0; o < outer; o++)
            {
                for (int j = 0; j < inner; j++)
                {
                    int start = (o * n * inner) + j;
                    for (int i = 0; i < n; i++)
                    {
                        line[i] = d[start + (i * inner)];
                    }

                    Sorter.Sort(line.AsSpan());
                    for (int i = 0; i < n; i++)
                    {
                        d[start + (i * inner)] = line[i];
                    }
                }
            }

            return r;
        }

        NDArray idx = NDArray.Uninitialized(x.Shape, DType.Int64);
        Span<long> ids = Regions.As<long>(idx);
        var values = new T[n];
        var order = new long[n];
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < inner; j++)
            {
                int start = (o * n * inner) + j;
                for (int i = 0; i < n; i++)
                {
                    values[i] = xs[start + (i * inner)];
                }

                Sorter.ArgSort<T>(values, order, baseIndex);
                for (int i = 0; i < n; i++)
                {
                    ids[start + (i * inner)] = order[i];
                }
            }
        }

        return idx;
    }

    private static NDArray SampleOf<T>(SortSampleKernel k, NDArray x, TileTask task) where T : unmanaged
    {
        ReadOnlySpan<T> xs = Regions.As<T>(x);
        long baseId = task.Domain.UlSpan[0];
        int n = xs.Length, s = k.Count;
        NDArray r = NDArray.Uninitialized(task.OutputExtents[0].Shape, DType.Int64);
        Span<long> d = Regions.As<long>(r);
        for (int j = 0; j < s; j++)
        {
            // One sample from each of s equal strata, at a hashed position inside it, so periodic data cannot alias.
            long lo = (long)j * n / s, hi = (long)(j + 1) * n / s;
            long pos = lo + (long)(Mix((ulong)(baseId + j)) % (ulong)Math.Max(1, hi - lo));
            d[j] = (long)SortKeys.Order(xs[(int)pos]);
            d[s + j] = baseId + pos;
        }

        return r;
    }

    private static NDArray[] PartitionOf<T>(SortPartitionKernel k, NDArray x, TileTask task) where T : unmanaged
    {
        long baseId = task.Domain.UlSpan[0];
        NDArray values = NDArray.Uninitialized(x.Shape, x.DType);
        NDArray? ids = k.WithIds ? NDArray.Uninitialized(x.Shape, DType.Int64) : null;
        NDArray counts = NDArray.Uninitialized(task.OutputExtents[^1].Shape, DType.Int64);
        Sorter.Partition<T>(Regions.As<T>(x), baseId, k.SplitterKeys, k.SplitterIds, Regions.As<T>(values),
            ids is null ? [] : Regions.As<long>(ids), Regions.As<long>(counts));
        return ids is null ? [values, counts] : [values, ids, counts];
    }

    private static NDArray BucketOf<T>(SortBucketKernel k, NDArray[] inputs, TileTask task) where T : unmanaged
    {
        int n = (int)task.OutputExtents[0].Size;
        var values = new T[n];
        int at = 0;
        for (int s = 0; s < k.Segments; s++)
        {
            ReadOnlySpan<T> seg = Regions.As<T>(inputs[s]);
            seg.CopyTo(values.AsSpan(at));
            at += seg.Length;
        }

        if (!k.Arg)
        {
            Sorter.Sort(values.AsSpan());
            NDArray sorted = NDArray.Uninitialized(task.OutputExtents[0].Shape, inputs[0].DType);
            values.AsSpan().CopyTo(Regions.As<T>(sorted));
            return sorted;
        }

        var ids = new long[n];
        at = 0;
        for (int s = 0; s < k.Segments; s++)
        {
            ReadOnlySpan<long> seg = Regions.As<long>(inputs[k.Segments + s]);
            seg.CopyTo(ids.AsSpan(at));
            at += seg.Length;
        }

        // The segments come in tile order and each keeps input order, so the concatenation lists tied elements by
        // ascending index; the stable sort keeps that order.
        Sorter.SortByKey<T>(values, ids);
        return new NDArray(ids, task.OutputExtents[0].Shape, DType.Int64);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
