using System.Buffers.Binary;
using System.Text;

namespace Spartan.Cluster.Wire;

/// <summary>Reads the wire format, checking every length against what is left, so a truncated or hostile message
/// fails with <see cref="InvalidDataException"/> instead of allocating what it claims.</summary>
internal sealed class WireReader
{
    private readonly byte[] _data;
    private int _pos;

    public WireReader(byte[] data) => _data = data ?? throw new InvalidDataException("empty cluster message");

    public int Remaining => _data.Length - _pos;

    public void End()
    {
        if (_pos != _data.Length)
        {
            throw new InvalidDataException($"cluster message has {_data.Length - _pos} unexpected trailing bytes");
        }
    }

    public byte Byte() => Span(1)[0];

    public bool Bool() => Byte() switch
    {
        0 => false,
        1 => true,
        var b => throw new InvalidDataException($"bad boolean {b} in a cluster message"),
    };

    public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Span(4));

    public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Span(8));

    public ulong ULong() => BinaryPrimitives.ReadUInt64LittleEndian(Span(8));

    public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Span(8));

    public Guid Guid() => new(Span(16));

    /// <summary>A count of items that each take at least <paramref name="minItemBytes"/> bytes.</summary>
    public int Count(int minItemBytes = 1)
    {
        int n = Int();
        if (n < 0 || (long)n * Math.Max(1, minItemBytes) > Remaining)
        {
            throw new InvalidDataException($"cluster message claims {n} items but has only {Remaining} bytes left");
        }

        return n;
    }

    public string String() => Encoding.UTF8.GetString(Span(Count()));

    public string? NullableString() => Bool() ? String() : null;

    public ReadOnlySpan<byte> Bytes() => Span(Count());

    public long[] Longs()
    {
        var v = new long[Count(8)];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Long();
        }

        return v;
    }

    public TEnum Enum<TEnum>()
        where TEnum : struct, Enum
    {
        int v = Int();
        TEnum e = (TEnum)(object)v;
        return System.Enum.IsDefined(e) ? e : throw new InvalidDataException($"unknown {typeof(TEnum).Name} value {v} in a cluster message");
    }

    public ReadOnlySpan<byte> Raw(long n)
    {
        if (n < 0 || n > Remaining)
        {
            throw new InvalidDataException($"cluster message claims {n} data bytes but has only {Remaining} left");
        }

        return Span((int)n);
    }

    private ReadOnlySpan<byte> Span(int n)
    {
        if (n < 0 || n > _data.Length - _pos)
        {
            throw new InvalidDataException($"truncated cluster message: needed {n} bytes at offset {_pos} of {_data.Length}");
        }

        ReadOnlySpan<byte> s = _data.AsSpan(_pos, n);
        _pos += n;
        return s;
    }
}
