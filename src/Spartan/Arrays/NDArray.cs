using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Spartan;

/// <summary>A local, dense, row-major n-d array: what a tile holds and what <see cref="Expr.Glom"/> returns.
/// At most <see cref="Array.MaxLength"/> elements.</summary>
public sealed class NDArray
{
    internal NDArray(Array buffer, Shape shape, DType dtype, bool pooled = false)
    {
        Buffer = buffer;
        Shape = shape;
        DType = dtype;
        Pooled = pooled;
    }

    /// <summary>A sparse tile: <paramref name="csr"/> describes a (rows × cols) block; <see cref="Buffer"/> is its values.</summary>
    internal NDArray(CsrParts csr, Shape shape)
    {
        Buffer = csr.Values;
        Shape = shape;
        DType = DType.Float64;
        Csr = csr;
    }

    /// <summary>The CSR payload when this is a sparse tile (then <see cref="Buffer"/> is not a dense row-major buffer:
    /// every dense path must check this); null for dense arrays.</summary>
    internal CsrParts? Csr { get; }

    /// <summary>Whether the buffer came from the tile buffer pool: it goes back there when its tile is destroyed.</summary>
    internal bool Pooled { get; }

    /// <summary>The extents.</summary>
    public Shape Shape { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>Number of elements.</summary>
    public long Size => Shape.Size;

    /// <summary>Bytes of element data.</summary>
    public long Bytes => Csr?.Bytes ?? Shape.Size * DType.SizeOf();

    /// <summary>The typed backing array (bool[], int[], long[], float[] or double[]), exactly Size long.</summary>
    internal Array Buffer { get; }

    /// <summary>A zero-filled array.</summary>
    public static NDArray Empty(Shape shape, DType dtype)
    {
        int n = CheckedLength(shape);
        Array buffer = dtype switch
        {
            DType.Bool => new bool[n],
            DType.Int32 => new int[n],
            DType.Int64 => new long[n],
            DType.Float32 => new float[n],
            DType.Float64 => new double[n],
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
        };
        HugePages.Advise(buffer, dtype.SizeOf());
        return new NDArray(buffer, shape, dtype);
    }

    /// <summary>An array whose contents the caller overwrites completely (no zeroing).</summary>
    internal static NDArray Uninitialized(Shape shape, DType dtype) => new(UninitializedBuffer(dtype, CheckedLength(shape)), shape, dtype);

    /// <summary>A fresh buffer of <paramref name="length"/> elements, not zeroed, advised for huge pages when large.</summary>
    internal static Array UninitializedBuffer(DType dtype, int length)
    {
        Array buffer = dtype switch
        {
            DType.Bool => GC.AllocateUninitializedArray<bool>(length),
            DType.Int32 => GC.AllocateUninitializedArray<int>(length),
            DType.Int64 => GC.AllocateUninitializedArray<long>(length),
            DType.Float32 => GC.AllocateUninitializedArray<float>(length),
            DType.Float64 => GC.AllocateUninitializedArray<double>(length),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
        };
        HugePages.Advise(buffer, dtype.SizeOf());
        return buffer;
    }

    /// <summary>Wraps a copy of <paramref name="data"/> (row-major) with the given shape.</summary>
    public static NDArray From<T>(T[] data, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        DType dtype = DTypes.Of<T>();
        if (data.LongLength != shape.Size)
        {
            throw new ShapeMismatchException($"data has {data.LongLength} elements but shape {shape} needs {shape.Size}", nameof(data));
        }

        return new NDArray(data.Clone() as T[] ?? throw new InvalidOperationException(), shape, dtype);
    }

    /// <summary>A 1-d copy of <paramref name="data"/>.</summary>
    public static NDArray From<T>(T[] data) => From(data, new Shape(data?.LongLength ?? throw new ArgumentNullException(nameof(data))));

    /// <summary>A 2-d copy of <paramref name="data"/>.</summary>
    public static NDArray From<T>(T[,] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        DType dtype = DTypes.Of<T>();
        var flat = new T[data.Length];
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe2D(data), data.Length).CopyTo(flat);
        return new NDArray(flat, new Shape(data.GetLength(0), data.GetLength(1)), dtype);
    }

    /// <summary>A kernel's fresh output buffer, from the tile buffer pool when large; the caller overwrites it all and
    /// stores it as exactly one tile.</summary>
    internal static NDArray Rent(Shape shape, DType dtype)
    {
        Array buffer = Runtime.BufferPool.Rent(dtype, CheckedLength(shape), out bool pooled);
        return new NDArray(buffer, shape, dtype, pooled);
    }

    /// <summary>A copy of a System.Numerics.Tensors tensor (dense or strided).</summary>
    public static NDArray FromTensor<T>(ReadOnlyTensorSpan<T> tensor)
    {
        DType dtype = DTypes.Of<T>();
        var dims = new long[tensor.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = tensor.Lengths[i];
        }

        var shape = new Shape(dims);
        var flat = new T[CheckedLength(shape)];
        tensor.FlattenTo(flat);
        return new NDArray(flat, shape, dtype);
    }

    /// <summary>A copy of a System.Numerics.Tensors tensor.</summary>
    public static NDArray FromTensor<T>(Tensor<T> tensor) => FromTensor((ReadOnlyTensorSpan<T>)tensor.AsReadOnlyTensorSpan());

    /// <summary>The buffer itself, no copy. Throws <see cref="InvalidCastException"/> if T does not match the dtype.</summary>
    public Span<T> AsSpan<T>()
    {
        CheckDense();
        CheckType<T>();
        return ((T[])Buffer).AsSpan();
    }

    /// <summary>The raw bytes of the buffer.</summary>
    internal Span<byte> AsBytes() => CheckDense() ? default : DType switch
    {
        DType.Bool => MemoryMarshal.AsBytes(((bool[])Buffer).AsSpan()),
        DType.Int32 => MemoryMarshal.AsBytes(((int[])Buffer).AsSpan()),
        DType.Int64 => MemoryMarshal.AsBytes(((long[])Buffer).AsSpan()),
        DType.Float32 => MemoryMarshal.AsBytes(((float[])Buffer).AsSpan()),
        _ => MemoryMarshal.AsBytes(((double[])Buffer).AsSpan()),
    };

    /// <summary>A flat row-major copy.</summary>
    public T[] ToArray<T>() => AsSpan<T>().ToArray();

    /// <summary>A copy as a 2-d array; the array must be 2-d.</summary>
    public T[,] To2D<T>()
    {
        CheckType<T>();
        if (Shape.Rank != 2)
        {
            throw new InvalidOperationException($"To2D needs a 2-d array, but the shape is {Shape}");
        }

        var r = new T[Shape[0], Shape[1]];
        AsSpan<T>().CopyTo(MemoryMarshal.CreateSpan(ref Unsafe2D(r), r.Length));
        return r;
    }

    /// <summary>One element; negative indices count from the end.</summary>
    public T Item<T>(params long[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != Shape.Rank)
        {
            throw new ArgumentException($"{index.Length} indices given for an array of rank {Shape.Rank}", nameof(index));
        }

        long flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            long n = Shape.Dims[i];
            long k = index[i] < 0 ? index[i] + n : index[i];
            if (k < 0 || k >= n)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index[i], $"index {index[i]} is out of bounds for axis {i} with size {n}");
            }

            flat = flat * n + k;
        }

        return AsSpan<T>()[(int)flat];
    }

    /// <summary>The value of a 0-d (or one-element) array.</summary>
    public T ToScalar<T>()
    {
        if (Shape.Size != 1)
        {
            throw new InvalidOperationException($"ToScalar needs a single element, but the shape is {Shape}");
        }

        return AsSpan<T>()[0];
    }

    /// <summary>A copy as a System.Numerics.Tensors tensor of the same shape.</summary>
    public Tensor<T> ToTensor<T>()
    {
        CheckType<T>();
        var lengths = new nint[Shape.Rank];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = (nint)Shape.Dims[i];
        }

        return Tensor.Create(ToArray<T>(), lengths);
    }

    /// <summary>A readable summary, NumPy style for small arrays.</summary>
    public override string ToString() => ArrayFormatter.Format(this);

    internal static int CheckedLength(Shape shape)
    {
        if (shape.Size > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"a local array of shape {shape} has {shape.Size} elements, more than the {Array.MaxLength} a .NET array can hold");
        }

        return (int)shape.Size;
    }

    /// <summary>Throws for a sparse tile, whose buffer must never be read as dense data (returns false otherwise).</summary>
    private bool CheckDense() => Csr is null ? false
        : throw new InvalidOperationException($"a sparse (CSR) tile of shape {Shape} has no dense buffer; this path needs ToDense() first (sparse tiles cannot cross the cluster wire or be read as regions)");

    private void CheckType<T>()
    {
        if (typeof(T) != DType.ClrType())
        {
            throw new InvalidCastException($"the array holds {DType.Name()} ({DType.ClrType().Name}), not {typeof(T).Name}");
        }
    }

    private static ref T Unsafe2D<T>(T[,] a) => ref System.Runtime.CompilerServices.Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference((Array)a));
}
