using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Spartan.Kernels.Operators;

namespace Spartan.Kernels.Templates;

/// <summary>Reads a contiguous input.</summary>
public readonly struct Load<T> : IExpressionNode<T, Load<T>>
    where T : unmanaged
{
    private readonly T[] _buffer;
    private readonly nint _offset;

    private Load(T[] buffer, nint offset)
    {
        _buffer = buffer;
        _offset = offset;
    }

    /// <inheritdoc/>
    public T At(nint i) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _offset + i);

    /// <inheritdoc/>
    public Vector256<T> At256(nint i) => Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_buffer), (nuint)(_offset + i));

    /// <inheritdoc/>
    public Vector512<T> At512(nint i) => Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_buffer), (nuint)(_offset + i));

    /// <inheritdoc/>
    public static Load<T> Bind(ref LeafBinder binder)
    {
        (T[] buffer, nint offset) = binder.NextInput<T>();
        return new Load<T>(buffer, offset);
    }
}

/// <summary>Reads every second element of an input (a view with step 2 along the walked axis, as <c>x[::2]</c>). Its
/// vector forms read one element past the last even they return, so a driver never takes a vector that ends at the
/// last element of a range (<see cref="ExpressionFold"/> leaves that to its scalar tail).</summary>
public readonly struct LoadEvens<T> : IExpressionNode<T, LoadEvens<T>>
    where T : unmanaged
{
    private readonly T[] _buffer;
    private readonly nint _offset;

    private LoadEvens(T[] buffer, nint offset)
    {
        _buffer = buffer;
        _offset = offset;
    }

    /// <inheritdoc/>
    public T At(nint i) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _offset + (2 * i));

    /// <inheritdoc/>
    public Vector256<T> At256(nint i) => Loops.Strided.Evens256(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _offset + (2 * i)));

    /// <inheritdoc/>
    public Vector512<T> At512(nint i) => Loops.Strided.Evens512(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _offset + (2 * i)));

    /// <inheritdoc/>
    public static LoadEvens<T> Bind(ref LeafBinder binder)
    {
        (T[] buffer, nint offset) = binder.NextInput<T>();
        return new LoadEvens<T>(buffer, offset);
    }
}

/// <summary>A constant, converted to <typeparamref name="T"/> as a filled register would be.</summary>
public readonly struct Constant<T> : IExpressionNode<T, Constant<T>>
    where T : unmanaged, INumberBase<T>
{
    private readonly T _value;

    private Constant(T value) => _value = value;

    /// <inheritdoc/>
    public T At(nint i) => _value;

    /// <inheritdoc/>
    public Vector256<T> At256(nint i) => Vector256.Create(_value);

    /// <inheritdoc/>
    public Vector512<T> At512(nint i) => Vector512.Create(_value);

    /// <inheritdoc/>
    public static Constant<T> Bind(ref LeafBinder binder) => new(T.CreateTruncating(binder.NextConstant()));
}

/// <summary>op(a).</summary>
public readonly struct Unary<T, TOp, TA> : IExpressionNode<T, Unary<T, TOp, TA>>
    where T : unmanaged
    where TOp : IUnaryOperator<T>
    where TA : struct, IExpressionNode<T, TA>
{
    private readonly TA _a;

    private Unary(TA a) => _a = a;

    /// <inheritdoc/>
    public T At(nint i) => TOp.Invoke(_a.At(i));

    /// <inheritdoc/>
    public Vector256<T> At256(nint i) => TOp.Invoke(_a.At256(i));

    /// <inheritdoc/>
    public Vector512<T> At512(nint i) => TOp.Invoke(_a.At512(i));

    /// <inheritdoc/>
    public static Unary<T, TOp, TA> Bind(ref LeafBinder binder) => new(TA.Bind(ref binder));
}

/// <summary>op(a, b).</summary>
public readonly struct Binary<T, TOp, TA, TB> : IExpressionNode<T, Binary<T, TOp, TA, TB>>
    where T : unmanaged
    where TOp : IBinaryOperator<T>
    where TA : struct, IExpressionNode<T, TA>
    where TB : struct, IExpressionNode<T, TB>
{
    private readonly TA _a;
    private readonly TB _b;

    private Binary(TA a, TB b)
    {
        _a = a;
        _b = b;
    }

    /// <inheritdoc/>
    public T At(nint i) => TOp.Invoke(_a.At(i), _b.At(i));

    /// <inheritdoc/>
    public Vector256<T> At256(nint i) => TOp.Invoke(_a.At256(i), _b.At256(i));

    /// <inheritdoc/>
    public Vector512<T> At512(nint i) => TOp.Invoke(_a.At512(i), _b.At512(i));

    /// <inheritdoc/>
    public static Binary<T, TOp, TA, TB> Bind(ref LeafBinder binder)
    {
        TA a = TA.Bind(ref binder);
        return new Binary<T, TOp, TA, TB>(a, TB.Bind(ref binder));
    }
}
