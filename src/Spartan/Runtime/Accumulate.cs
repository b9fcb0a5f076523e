using System.Numerics;
using Spartan.Kernels.Loops;
using Spartan.Kernels.Operators;

namespace Spartan.Runtime;

/// <summary>Combines two arrays of the same shape and dtype with a <see cref="ReduceOp"/>.</summary>
internal static class Accumulate
{
    /// <summary>A new array holding op(a, b) elementwise. And/Or are logical for bool and bitwise for integers.</summary>
    public static NDArray Apply(ReduceOp op, NDArray a, NDArray b)
    {
        if (a.DType != b.DType || a.Shape != b.Shape)
        {
            throw new ArgumentException($"cannot combine {a.DType.Name()}{a.Shape} with {b.DType.Name()}{b.Shape}", nameof(b));
        }

        if (op == ReduceOp.Replace)
        {
            return b;
        }

        NDArray r = NDArray.Uninitialized(a.Shape, a.DType);
        switch (a.DType)
        {
            case DType.Float64: Floats<double>(op, a, b, r); break;
            case DType.Float32: Floats<float>(op, a, b, r); break;
            case DType.Int64: Integers<long>(op, a, b, r); break;
            case DType.Int32: Integers<int>(op, a, b, r); break;
            default: Integers<byte>(op, a, b, r, isBool: true); break;
        }

        return r;
    }

    private static void Floats<T>(ReduceOp op, NDArray a, NDArray b, NDArray r) where T : unmanaged, INumber<T>
    {
        if (op is ReduceOp.And or ReduceOp.Or)
        {
            throw new ArgumentException($"{op} needs bool or integer data, not {a.DType.Name()}", nameof(op));
        }

        Numbers<T>(op, a, b, r);
    }

    private static void Integers<T>(ReduceOp op, NDArray a, NDArray b, NDArray r, bool isBool = false) where T : unmanaged, IBinaryInteger<T>
    {
        Span<T> x = Regions.As<T>(a), y = Regions.As<T>(b), d = Regions.As<T>(r);
        switch (op)
        {
            case ReduceOp.And: Elementwise.Binary<T, AndOperator<T>>(x, y, d); break;
            case ReduceOp.Or: Elementwise.Binary<T, OrOperator<T>>(x, y, d); break;
            // Bool add and multiply are NumPy's logical or / and.
            case ReduceOp.Add when isBool: Elementwise.Binary<T, OrOperator<T>>(x, y, d); break;
            case ReduceOp.Multiply when isBool: Elementwise.Binary<T, AndOperator<T>>(x, y, d); break;
            default: Numbers<T>(op, a, b, r); break;
        }
    }

    private static void Numbers<T>(ReduceOp op, NDArray a, NDArray b, NDArray r) where T : unmanaged, INumber<T>
    {
        Span<T> x = Regions.As<T>(a), y = Regions.As<T>(b), d = Regions.As<T>(r);
        switch (op)
        {
            case ReduceOp.Add: Elementwise.Binary<T, AddOperator<T>>(x, y, d); break;
            case ReduceOp.Multiply: Elementwise.Binary<T, MultiplyOperator<T>>(x, y, d); break;
            case ReduceOp.Max: Elementwise.Binary<T, MaximumOperator<T>>(x, y, d); break;
            case ReduceOp.Min: Elementwise.Binary<T, MinimumOperator<T>>(x, y, d); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "unknown reduce op");
        }
    }
}
