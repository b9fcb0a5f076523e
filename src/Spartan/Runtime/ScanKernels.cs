using System.Numerics;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Operators;
using Spartan.Kernels.Reductions;
using ScanLoops = Spartan.Kernels.Scans.Scan;

namespace Spartan.Runtime;

/// <summary>Runs the scan kernels (<see cref="ScanTotalKernel"/>, <see cref="ScanKernel"/>) and the copies that move
/// data for joins and flattening (<see cref="RavelKernel"/>, <see cref="CastCopyKernel"/>).</summary>
internal static class ScanKernels
{
    /// <summary>A copy of <paramref name="a"/> converted to <paramref name="to"/>, or <paramref name="a"/> itself when
    /// it already has that dtype (callers must not write to it then).</summary>
    public static NDArray Cast(NDArray a, DType to)
    {
        if (a.DType == to)
        {
            return a;
        }

        NDArray r = NDArray.Uninitialized(a.Shape, to);
        switch (a.DType)
        {
            case DType.Float64: CastFrom<double>(a, r); break;
            case DType.Float32: CastFrom<float>(a, r); break;
            case DType.Int64: CastFrom<long>(a, r); break;
            case DType.Int32: CastFrom<int>(a, r); break;
            default: CastFrom<byte>(a, r); break;
        }

        return r;
    }

    public static NDArray Totals(ScanTotalKernel k, NDArray[] inputs, TileTask task)
    {
        DType t = task.OutputTypes[0];
        NDArray x = Cast(inputs[0], t);
        (int outer, int n, int inner) = Split(x.Shape, k.Axis);
        NDArray r = NDArray.Uninitialized(task.OutputExtents[0].Shape, t);
        switch (t)
        {
            case DType.Float64: TotalsOf<double>(k.Op, x, r, outer, n, inner); break;
            case DType.Float32: TotalsOf<float>(k.Op, x, r, outer, n, inner); break;
            case DType.Int64: TotalsOf<long>(k.Op, x, r, outer, n, inner); break;
            case DType.Int32: TotalsOf<int>(k.Op, x, r, outer, n, inner); break;
            default: TotalsOf<byte>(k.Op, x, r, outer, n, inner); break;
        }

        return r;
    }

    public static NDArray Scan(ScanKernel k, NDArray[] inputs, TileTask task)
    {
        DType t = task.OutputTypes[0];
        NDArray x = Cast(inputs[0], t);
        // A converted input is already a fresh buffer: scan it in place.
        NDArray r = ReferenceEquals(x, inputs[0]) ? NDArray.Uninitialized(x.Shape, t) : x;
        (int outer, int n, int inner) = Split(x.Shape, k.Axis);
        NDArray? totals = inputs.Length > 1 ? inputs[1] : null;
        int c = totals is null ? 0 : (int)totals.Shape.Dims[k.Axis];
        switch (t)
        {
            case DType.Float64: ScanOf<double>(k.Op, x, r, totals, c, outer, n, inner); break;
            case DType.Float32: ScanOf<float>(k.Op, x, r, totals, c, outer, n, inner); break;
            case DType.Int64: ScanOf<long>(k.Op, x, r, totals, c, outer, n, inner); break;
            case DType.Int32: ScanOf<int>(k.Op, x, r, totals, c, outer, n, inner); break;
            default: ScanOf<byte>(k.Op, x, r, totals, c, outer, n, inner); break;
        }

        return r;
    }

    public static NDArray Ravel(NDArray[] inputs, TileTask task)
    {
        NDArray r = NDArray.Uninitialized(task.OutputExtents[0].Shape, task.OutputTypes[0]);
        Span<byte> d = r.AsBytes();
        int at = 0;
        foreach (NDArray part in inputs)
        {
            Span<byte> s = part.AsBytes();
            s.CopyTo(d[at..]);
            at += s.Length;
        }

        if (at != d.Length)
        {
            throw new InvalidOperationException($"flatten pieces hold {at} bytes, the tile needs {d.Length}");
        }

        return r;
    }

    public static NDArray CastCopy(NDArray[] inputs, TileTask task)
    {
        NDArray c = Cast(inputs[0], task.OutputTypes[0]);
        return new NDArray(c.Buffer, task.OutputExtents[0].Shape, c.DType);
    }

    /// <summary>(product of the axes before <paramref name="axis"/>, its extent, product of the axes after it).</summary>
    public static (int Outer, int N, int Inner) Split(Shape shape, int axis)
    {
        long outer = 1, inner = 1;
        for (int a = 0; a < axis; a++)
        {
            outer *= shape.Dims[a];
        }

        for (int a = axis + 1; a < shape.Rank; a++)
        {
            inner *= shape.Dims[a];
        }

        return ((int)outer, (int)shape.Dims[axis], (int)inner);
    }

    /// <summary>The identity of a scan's operation: op(identity, x) == x for every x (NaN included).</summary>
    public static T Identity<T>(ScanOp op) where T : unmanaged, INumber<T> => op switch
    {
        // -0.0 + x is x for every x, including -0.0 (0.0 + -0.0 would be +0.0).
        ScanOp.Add => -T.Zero,
        ScanOp.Multiply => T.One,
        ScanOp.Max => T.CreateSaturating(double.NegativeInfinity),
        _ => T.CreateSaturating(double.PositiveInfinity),
    };

    private static void CastFrom<TFrom>(NDArray a, NDArray r) where TFrom : unmanaged, INumberBase<TFrom>
    {
        ReadOnlySpan<TFrom> x = Regions.As<TFrom>(a);
        switch (r.DType)
        {
            case DType.Float64: Elementwise.Convert<TFrom, double>(x, Regions.As<double>(r)); break;
            case DType.Float32: Elementwise.Convert<TFrom, float>(x, Regions.As<float>(r)); break;
            case DType.Int64: Elementwise.Convert<TFrom, long>(x, Regions.As<long>(r)); break;
            case DType.Int32: Elementwise.Convert<TFrom, int>(x, Regions.As<int>(r)); break;
            default: Elementwise.ToBool<TFrom>(x, Regions.As<byte>(r)); break;
        }
    }

    private static void TotalsOf<T>(ScanOp op, NDArray x, NDArray r, int outer, int n, int inner) where T : unmanaged, INumber<T>
    {
        ReadOnlySpan<T> xs = Regions.As<T>(x);
        Span<T> ts = Regions.As<T>(r);
        switch (op)
        {
            case ScanOp.Add: TotalsWith<T, AddOperator<T>>(xs, ts, outer, n, inner, Identity<T>(op)); break;
            case ScanOp.Multiply: TotalsWith<T, MultiplyOperator<T>>(xs, ts, outer, n, inner, Identity<T>(op)); break;
            case ScanOp.Max: TotalsWith<T, MaximumOperator<T>>(xs, ts, outer, n, inner, Identity<T>(op)); break;
            default: TotalsWith<T, MinimumOperator<T>>(xs, ts, outer, n, inner, Identity<T>(op)); break;
        }
    }

    private static void TotalsWith<T, TOp>(ReadOnlySpan<T> x, Span<T> t, int outer, int n, int inner, T id)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                t[o] = Fold.Span<T, TOp>(x.Slice(o * n, n), id);
                continue;
            }

            Span<T> acc = t.Slice(o * inner, inner);
            acc.Fill(id);
            for (int row = 0; row < n; row++)
            {
                Elementwise.Binary<T, TOp>(acc, x.Slice(((o * n) + row) * inner, inner), acc);
            }
        }
    }

    private static void ScanOf<T>(ScanOp op, NDArray x, NDArray r, NDArray? totals, int c, int outer, int n, int inner) where T : unmanaged, INumber<T>
    {
        ReadOnlySpan<T> xs = Regions.As<T>(x);
        Span<T> ds = Regions.As<T>(r);
        ReadOnlySpan<T> ts = totals is null ? [] : Regions.As<T>(totals);
        switch (op)
        {
            case ScanOp.Add: ScanWith<T, AddOperator<T>>(xs, ds, ts, c, outer, n, inner, Identity<T>(op)); break;
            case ScanOp.Multiply: ScanWith<T, MultiplyOperator<T>>(xs, ds, ts, c, outer, n, inner, Identity<T>(op)); break;
            case ScanOp.Max: ScanWith<T, MaximumOperator<T>>(xs, ds, ts, c, outer, n, inner, Identity<T>(op)); break;
            default: ScanWith<T, MinimumOperator<T>>(xs, ds, ts, c, outer, n, inner, Identity<T>(op)); break;
        }
    }

    private static void ScanWith<T, TOp>(ReadOnlySpan<T> x, Span<T> d, ReadOnlySpan<T> totals, int c, int outer, int n, int inner, T id)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
    {
        // The carry of each line: the totals of the preceding tiles along the axis, combined in tile order.
        var carry = new T[outer * inner];
        carry.AsSpan().Fill(id);
        for (int o = 0; o < outer; o++)
        {
            Span<T> co = carry.AsSpan(o * inner, inner);
            for (int k = 0; k < c; k++)
            {
                Elementwise.Binary<T, TOp>(co, totals.Slice(((o * c) + k) * inner, inner), co);
            }
        }

        for (int o = 0; o < outer; o++)
        {
            int start = o * n * inner;
            if (inner == 1)
            {
                ScanLoops.Inclusive<T, TOp>(x.Slice(start, n), d.Slice(start, n), carry[o]);
            }
            else
            {
                ScanLoops.Rows<T, TOp>(x.Slice(start, n * inner), d.Slice(start, n * inner), carry.AsSpan(o * inner, inner), inner);
            }
        }
    }
}
