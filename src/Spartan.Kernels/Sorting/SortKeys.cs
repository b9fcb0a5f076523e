using System.Runtime.CompilerServices;

namespace Spartan.Kernels.Sorting;

/// <summary>
/// Maps elements to unsigned 64-bit keys whose unsigned order is NumPy's sort order: integers by value, floats by
/// value with every NaN last. Two mappings exist:
/// <list type="bullet">
/// <item><see cref="Value{T}"/> is invertible (except that every NaN becomes one canonical NaN), so a sort can sort
/// keys and map them back; -0.0 sorts just before +0.0, which NumPy treats as equal, so either order is a valid sort;</item>
/// <item><see cref="Order{T}"/> maps values that compare equal to one key (-0.0 and +0.0; all NaNs), so ties are
/// exactly NumPy's ties: a stable sort by it is NumPy's stable argsort.</item>
/// </list>
/// Supported element types: double, float, long, int, byte (bool).
/// </summary>
public static class SortKeys
{
    private const ulong Sign64 = 0x8000_0000_0000_0000UL;
    private const uint Sign32 = 0x8000_0000U;

    /// <summary>The invertible key of <paramref name="x"/> (NaN: the canonical NaN's key, above +inf).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Value<T>(T x) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            double d = Unsafe.As<T, double>(ref x);
            ulong b = double.IsNaN(d) ? 0x7FF8_0000_0000_0000UL : BitConverter.DoubleToUInt64Bits(d);
            return (b & Sign64) != 0 ? ~b : b | Sign64;
        }

        if (typeof(T) == typeof(float))
        {
            float f = Unsafe.As<T, float>(ref x);
            uint b = float.IsNaN(f) ? 0x7FC0_0000U : BitConverter.SingleToUInt32Bits(f);
            return (b & Sign32) != 0 ? ~b : b | Sign32;
        }

        if (typeof(T) == typeof(long))
        {
            return (ulong)Unsafe.As<T, long>(ref x) ^ Sign64;
        }

        if (typeof(T) == typeof(int))
        {
            return (uint)Unsafe.As<T, int>(ref x) ^ Sign32;
        }

        if (typeof(T) == typeof(byte))
        {
            return Unsafe.As<T, byte>(ref x) != 0 ? 1UL : 0UL;
        }

        throw new NotSupportedException($"sort keys of {typeof(T).Name} are not supported");
    }

    /// <summary>The key under which values that NumPy compares equal (and all NaNs) coincide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Order<T>(T x) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            double d = Unsafe.As<T, double>(ref x);
            return Value(d == 0 ? 0.0 : d);
        }

        if (typeof(T) == typeof(float))
        {
            float f = Unsafe.As<T, float>(ref x);
            return Value(f == 0 ? 0f : f);
        }

        return Value(x);
    }

    /// <summary>The element whose <see cref="Value{T}"/> key is <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromValue<T>(ulong key) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            ulong b = (key & Sign64) != 0 ? key & ~Sign64 : ~key;
            double d = BitConverter.UInt64BitsToDouble(b);
            return Unsafe.As<double, T>(ref d);
        }

        if (typeof(T) == typeof(float))
        {
            uint k = (uint)key;
            uint b = (k & Sign32) != 0 ? k & ~Sign32 : ~k;
            float f = BitConverter.UInt32BitsToSingle(b);
            return Unsafe.As<float, T>(ref f);
        }

        if (typeof(T) == typeof(long))
        {
            long l = (long)(key ^ Sign64);
            return Unsafe.As<long, T>(ref l);
        }

        if (typeof(T) == typeof(int))
        {
            int i = (int)((uint)key ^ Sign32);
            return Unsafe.As<int, T>(ref i);
        }

        if (typeof(T) == typeof(byte))
        {
            byte b = (byte)key;
            return Unsafe.As<byte, T>(ref b);
        }

        throw new NotSupportedException($"sort keys of {typeof(T).Name} are not supported");
    }

    /// <summary>Fills <paramref name="keys"/> with the <see cref="Value{T}"/> keys of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToValueKeys<T>(ReadOnlySpan<T> x, Span<ulong> keys) where T : unmanaged
    {
        for (int i = 0; i < x.Length; i++)
        {
            keys[i] = Value(x[i]);
        }
    }

    /// <summary>Fills <paramref name="keys"/> with the <see cref="Order{T}"/> keys of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToOrderKeys<T>(ReadOnlySpan<T> x, Span<ulong> keys) where T : unmanaged
    {
        for (int i = 0; i < x.Length; i++)
        {
            keys[i] = Order(x[i]);
        }
    }

    /// <summary>Maps <see cref="Value{T}"/> keys back to elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromValueKeys<T>(ReadOnlySpan<ulong> keys, Span<T> x) where T : unmanaged
    {
        for (int i = 0; i < keys.Length; i++)
        {
            x[i] = FromValue<T>(keys[i]);
        }
    }
}
