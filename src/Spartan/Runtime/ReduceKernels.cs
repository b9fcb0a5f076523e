using System.Numerics;
using Spartan.Kernels.Operators;
using Spartan.Kernels.Reductions;

namespace Spartan.Runtime;

/// <summary>
/// Partial reductions of one tile (over a fused map, never materialising it) and the pairwise combine of
/// partials. Along a contiguous axis, values fold in the fixed order of <see cref="Fold"/>; along an outer axis,
/// rows accumulate in axis order. Arg-reductions carry (value, global index) and break ties by the lower index.
/// </summary>
internal static class ReduceKernels
{
    public static NDArray[] Partial(ReducePartialKernel k, NDArray[] inputs, TileExtent domain, (long Base, long[] Strides)[] layouts)
    {
        FusedProgram program = k.Program ?? new FusedProgram([new Instr(OpCode.Load, inputs[0].DType, inputs[0].DType, 0)]);
        int axis = k.Axis ?? -1;
        // A sum, product, max or min over all axes may walk the tile in any fixed order: the smallest stride goes innermost.
        bool reorder = k.Axis is null && k.Reduction is not (Reduction.ArgMax or Reduction.ArgMin);
        using var runner = new ProgramRunner(program, inputs, layouts, domain.Shape, axis, reorder);
        // Blocks fold compiled when the reduction runs along the walked axis (all axes, or the last one).
        bool alongWalk = runner.KeepAxis < 0 || runner.KeepAxis == runner.Dims.Length - 1;
        return runner.ResultType switch
        {
            DType.Float64 => Partial(k, runner, domain, alongWalk ? ProgramCompiler.FoldFor<double>(program, k.Reduction, runner) : null),
            DType.Float32 => Partial(k, runner, domain, alongWalk ? ProgramCompiler.FoldFor<float>(program, k.Reduction, runner) : null),
            DType.Int64 => Partial<long>(k, runner, domain, null),
            DType.Int32 => Partial<int>(k, runner, domain, null),
            _ => Partial<byte>(k, runner, domain, null),
        };
    }

    public static NDArray[] Combine(ReduceCombineKernel k, NDArray[] partials, Shape outShape)
    {
        DType valueType = partials[0].DType;
        return valueType switch
        {
            DType.Float64 => Combine<double>(k.Reduction, partials, outShape),
            DType.Float32 => Combine<float>(k.Reduction, partials, outShape),
            DType.Int64 => Combine<long>(k.Reduction, partials, outShape),
            DType.Int32 => Combine<int>(k.Reduction, partials, outShape),
            _ => Combine<byte>(k.Reduction, partials, outShape),
        };
    }

    private static bool IsArg(Reduction r) => r is Reduction.ArgMax or Reduction.ArgMin;

    private static T Identity<T>(Reduction r) where T : unmanaged, INumber<T>, IMinMaxValue<T> => r switch
    {
        Reduction.Sum => T.Zero,
        Reduction.Prod => T.One,
        Reduction.Max or Reduction.Any => typeof(T) == typeof(double) ? T.CreateTruncating(double.NegativeInfinity)
            : typeof(T) == typeof(float) ? T.CreateTruncating(float.NegativeInfinity) : T.MinValue,
        Reduction.Min or Reduction.All => typeof(T) == typeof(double) ? T.CreateTruncating(double.PositiveInfinity)
            : typeof(T) == typeof(float) ? T.CreateTruncating(float.PositiveInfinity) : T.MaxValue,
        _ => throw new ArgumentOutOfRangeException(nameof(r), r, "not a folding reduction"),
    };

    // Bool values are bytes 0/1: All is the minimum and Any the maximum, with identities 1 and 0.
    private static T BoolAware<T>(Reduction r) where T : unmanaged, INumber<T>, IMinMaxValue<T> =>
        typeof(T) == typeof(byte) && r is Reduction.All ? T.One : typeof(T) == typeof(byte) && r is Reduction.Any ? T.Zero : Identity<T>(r);

    private static T FoldSpan<T>(Reduction r, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>, IMinMaxValue<T> => r switch
    {
        Reduction.Sum => Fold.Chunk<T, AddOperator<T>>(x, T.Zero),
        Reduction.Prod => Fold.Chunk<T, MultiplyOperator<T>>(x, T.One),
        Reduction.Max or Reduction.Any => Fold.Chunk<T, MaximumOperator<T>>(x, BoolAware<T>(r)),
        _ => Fold.Chunk<T, MinimumOperator<T>>(x, BoolAware<T>(r)),
    };

    private static T PairwiseOf<T>(Reduction r, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>, IMinMaxValue<T> => r switch
    {
        Reduction.Sum => Fold.Pairwise<T, AddOperator<T>>(x),
        Reduction.Prod => Fold.Pairwise<T, MultiplyOperator<T>>(x),
        Reduction.Max or Reduction.Any => Fold.Pairwise<T, MaximumOperator<T>>(x),
        _ => Fold.Pairwise<T, MinimumOperator<T>>(x),
    };

    private static void CombineInto<T>(Reduction r, Span<T> acc, ReadOnlySpan<T> x) where T : unmanaged, INumber<T>
    {
        switch (r)
        {
            case Reduction.Sum: Kernels.Loops.Elementwise.Binary<T, AddOperator<T>>(acc, x, acc); break;
            case Reduction.Prod: Kernels.Loops.Elementwise.Binary<T, MultiplyOperator<T>>(acc, x, acc); break;
            case Reduction.Max or Reduction.Any: Kernels.Loops.Elementwise.Binary<T, MaximumOperator<T>>(acc, x, acc); break;
            default: Kernels.Loops.Elementwise.Binary<T, MinimumOperator<T>>(acc, x, acc); break;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static NDArray[] Partial<T>(ReducePartialKernel k, ProgramRunner runner, TileExtent domain, CompiledFold<T>? compiled)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        Reduction r = k.Reduction;
        long[] dims = runner.Dims;
        int last = dims.Length - 1;
        int ka = runner.KeepAxis;
        int block = runner.BlockCapacity;
        Shape outShape = k.Axis is int ax ? domain.Shape.WithoutAxis(ax) : Shape.Scalar;
        DType vt = typeof(T) == typeof(byte) ? DType.Bool : DTypes.Of<T>();
        NDArray values = NDArray.Uninitialized(outShape, vt);
        NDArray? indices = IsArg(r) ? NDArray.Uninitialized(outShape, DType.Int64) : null;
        Span<T> outV = Regions.As<T>(values);
        Span<long> outI = indices is null ? default : indices.AsSpan<long>();
        bool max = r is Reduction.ArgMax;

        // Output strides over the coalesced dims, with the reduced axis removed (stride 0).
        var os = new long[dims.Length];
        long acc = 1;
        for (int a = last; a >= 0; a--)
        {
            if (a == ka || (ka < 0))
            {
                continue;
            }

            os[a] = acc;
            acc *= dims[a];
        }

        Span<long> idx = stackalloc long[last];
        bool empty = Odometer.Empty(dims);
        Array?[] buffers = compiled is null ? [] : Array.ConvertAll(runner.Inputs, a => (Array?)a.Buffer);
        Span<long> offsets = stackalloc long[buffers.Length];

        if (ka < 0 || ka == last)
        {
            // Each output element folds runs of the last axis (all of the tile when ka < 0).
            var partials = new List<T>();
            long bestPos = -1;
            T best = default;
            int o = 0;
            if (!empty)
            {
                do
                {
                    if (ka == last)
                    {
                        partials.Clear();
                        bestPos = -1;
                    }

                    for (long j0 = 0; j0 < dims[last]; j0 += block)
                    {
                        int len = (int)Math.Min(block, dims[last] - j0);
                        if (compiled is not null)
                        {
                            // The block folds from registers, in the order FoldSpan would fold it.
                            runner.SegmentOffsets(idx, j0, offsets);
                            partials.Add(compiled.Run(buffers, offsets, len, BoolAware<T>(r)));
                            continue;
                        }

                        runner.EvalSegment(idx, j0, len);
                        Span<T> seg = runner.Result<T>(len);
                        if (IsArg(r))
                        {
                            int p = max ? ArgExtreme.ArgMax<T>(seg) : ArgExtreme.ArgMin<T>(seg);
                            if (bestPos < 0 || ArgExtreme.Replaces(seg[p], best, max))
                            {
                                best = seg[p];
                                bestPos = (ka == last ? 0 : FlatBase(idx, dims)) + j0 + p;
                            }
                        }
                        else
                        {
                            partials.Add(FoldSpan(r, seg));
                        }
                    }

                    if (ka == last)
                    {
                        Emit(r, outV, outI, o++, best, bestPos, partials, ka, domain, k.Axis);
                    }
                }
                while (Odometer.Next(idx, dims));
            }

            if (ka < 0)
            {
                Emit(r, outV, outI, 0, best, bestPos, partials, ka, domain, k.Axis);
            }
            else if (empty)
            {
                // The reduced axis is empty: every output is the identity.
                for (int i = 0; i < outV.Length; i++)
                {
                    outV[i] = BoolAware<T>(r);
                }
            }

        }
        else
        {
            // An outer axis: walk it in order, combining each run into the output row it maps to.
            for (int i = 0; i < outV.Length && !IsArg(r); i++)
            {
                outV[i] = BoolAware<T>(r);
            }

            if (!empty)
            {
                do
                {
                    long ob = 0;
                    for (int a = 0; a < last; a++)
                    {
                        ob += idx[a] * os[a];
                    }

                    for (long j0 = 0; j0 < dims[last]; j0 += block)
                    {
                        int len = (int)Math.Min(block, dims[last] - j0);
                        runner.EvalSegment(idx, j0, len);
                        Span<T> seg = runner.Result<T>(len);
                        Span<T> target = outV.Slice((int)(ob + j0), len);
                        if (!IsArg(r))
                        {
                            CombineInto(r, target, seg);
                            continue;
                        }

                        Span<long> ti = outI.Slice((int)(ob + j0), len);
                        long pos = domain.UlSpan[k.Axis!.Value] + idx[ka];
                        for (int j = 0; j < len; j++)
                        {
                            if (idx[ka] == 0 || ArgExtreme.Replaces(seg[j], target[j], max))
                            {
                                target[j] = seg[j];
                                ti[j] = pos;
                            }
                        }
                    }
                }
                while (Odometer.Next(idx, dims));
            }
        }

        return indices is null ? [values] : [values, indices];
    }

    private static void Emit<T>(Reduction r, Span<T> outV, Span<long> outI, int at, T best, long bestPos, List<T> partials, int ka, TileExtent domain, int? axis)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        if (IsArg(r))
        {
            outV[at] = best;
            outI[at] = ka < 0 ? GlobalFlat(domain, bestPos) : domain.UlSpan[axis!.Value] + bestPos;
        }
        else
        {
            outV[at] = partials.Count == 0 ? BoolAware<T>(r) : PairwiseOf<T>(r, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(partials));
        }
    }

    private static long FlatBase(ReadOnlySpan<long> idx, long[] dims)
    {
        long f = 0;
        for (int a = 0; a < idx.Length; a++)
        {
            f = f * dims[a] + idx[a];
        }

        return f * dims[^1];
    }

    // A flat position inside the tile, turned into the flat (row-major) index in the whole array.
    private static long GlobalFlat(TileExtent domain, long local)
    {
        ReadOnlySpan<long> tile = domain.Shape.Dims, arr = domain.ArrayShape.Dims;
        long global = 0, stride = 1;
        for (int a = tile.Length - 1; a >= 0; a--)
        {
            long i = local % tile[a];
            local /= tile[a];
            global += (domain.UlSpan[a] + i) * stride;
            stride *= arr[a];
        }

        return global;
    }

    private static NDArray[] Combine<T>(Reduction r, NDArray[] partials, Shape outShape)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        if (!IsArg(r))
        {
            var bufs = new T[partials.Length][];
            for (int i = 0; i < partials.Length; i++)
            {
                bufs[i] = Regions.As<T>(partials[i]).ToArray();
            }

            switch (r)
            {
                case Reduction.Sum: Fold.PairwiseInPlace<T, AddOperator<T>>(bufs, 0, bufs.Length); break;
                case Reduction.Prod: Fold.PairwiseInPlace<T, MultiplyOperator<T>>(bufs, 0, bufs.Length); break;
                case Reduction.Max or Reduction.Any: Fold.PairwiseInPlace<T, MaximumOperator<T>>(bufs, 0, bufs.Length); break;
                default: Fold.PairwiseInPlace<T, MinimumOperator<T>>(bufs, 0, bufs.Length); break;
            }

            NDArray result = NDArray.Uninitialized(outShape, partials[0].DType);
            bufs[0].AsSpan().CopyTo(Regions.As<T>(result));
            return [result];
        }

        int n = partials.Length / 2;
        var vals = new T[n][];
        var idxs = new long[n][];
        for (int i = 0; i < n; i++)
        {
            vals[i] = Regions.As<T>(partials[2 * i]).ToArray();
            idxs[i] = partials[2 * i + 1].AsSpan<long>().ToArray();
        }

        ArgPairwise(vals, idxs, 0, n, r == Reduction.ArgMax);
        NDArray index = NDArray.Uninitialized(outShape, DType.Int64);
        idxs[0].AsSpan().CopyTo(index.AsSpan<long>());
        return [index];
    }

    private static void ArgPairwise<T>(T[][] v, long[][] ix, int start, int count, bool max) where T : unmanaged, INumber<T>
    {
        if (count <= 1)
        {
            return;
        }

        int mid = count / 2;
        ArgPairwise(v, ix, start, mid, max);
        ArgPairwise(v, ix, start + mid, count - mid, max);
        T[] lv = v[start], rv = v[start + mid];
        long[] li = ix[start], ri = ix[start + mid];
        for (int j = 0; j < lv.Length; j++)
        {
            bool tie = (T.IsNaN(rv[j]) && T.IsNaN(lv[j])) || rv[j] == lv[j];
            if (ArgExtreme.Replaces(rv[j], lv[j], max) || (tie && ri[j] < li[j]))
            {
                lv[j] = rv[j];
                li[j] = ri[j];
            }
        }
    }
}
