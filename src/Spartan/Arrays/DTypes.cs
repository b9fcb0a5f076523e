namespace Spartan;

/// <summary>Facts about dtypes and NumPy 2 (NEP 50) type promotion.</summary>
public static class DTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this DType t) => t switch
    {
        DType.Bool => 1,
        DType.Int32 => 4,
        DType.Int64 => 8,
        DType.Float32 => 4,
        DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    /// <summary>Whether the dtype is Float32 or Float64.</summary>
    public static bool IsFloat(this DType t) => t is DType.Float32 or DType.Float64;

    /// <summary>Whether the dtype is Int32 or Int64.</summary>
    public static bool IsInteger(this DType t) => t is DType.Int32 or DType.Int64;

    /// <summary>The NumPy name of the dtype ("float64", "bool", ...).</summary>
    public static string Name(this DType t) => t switch
    {
        DType.Bool => "bool",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    /// <summary>The CLR element type that stores the dtype.</summary>
    public static Type ClrType(this DType t) => t switch
    {
        DType.Bool => typeof(bool),
        DType.Int32 => typeof(int),
        DType.Int64 => typeof(long),
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    /// <summary>The dtype stored as <typeparamref name="T"/>; throws for other types.</summary>
    public static DType Of<T>() => typeof(T) == typeof(double) ? DType.Float64
        : typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(long) ? DType.Int64
        : typeof(T) == typeof(int) ? DType.Int32
        : typeof(T) == typeof(bool) ? DType.Bool
        : throw new ArgumentException($"element type {typeof(T).Name} is not supported; use bool, int, long, float or double", nameof(T));

    /// <summary>Promotes two strong dtypes as NumPy does: bool &lt; int32 &lt; int64 &lt; float32 &lt; float64,
    /// except that a float32 with a 32- or 64-bit integer gives float64.</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b)
        {
            return a;
        }

        if (a == DType.Bool)
        {
            return b;
        }

        if (b == DType.Bool)
        {
            return a;
        }

        if (a.IsFloat() && b.IsFloat())
        {
            return DType.Float64;
        }

        if (a.IsInteger() && b.IsInteger())
        {
            return DType.Int64;
        }

        // One float, one integer: float32 cannot hold int32 or int64 exactly, so NumPy goes to float64.
        return DType.Float64;
    }

    /// <summary>Promotes with NEP 50 weak scalars: a weak (literal) operand adopts the other's kind when it can.</summary>
    public static DType Promote(DType a, bool aWeak, DType b, bool bWeak)
    {
        if (aWeak == bWeak)
        {
            return Promote(a, b);
        }

        (DType strong, DType weak) = aWeak ? (b, a) : (a, b);
        return Kind(weak) <= Kind(strong) ? strong : weak switch
        {
            // A weak int with a bool array gives the default integer; a weak float with an integer array, float64.
            DType.Int64 or DType.Int32 => DType.Int64,
            _ => DType.Float64,
        };
    }

    /// <summary>Bool = 0, integer = 1, float = 2: the NEP 50 kind order.</summary>
    internal static int Kind(DType t) => t == DType.Bool ? 0 : t.IsInteger() ? 1 : 2;
}
