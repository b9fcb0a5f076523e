using System.Buffers.Binary;
using System.Text;

namespace Spartan.Cluster.Wire;

/// <summary>Writes the little-endian wire format into one growable buffer. Bulk data (tile bytes) is copied in one
/// block, never element by element.</summary>
internal sealed class WireWriter
{
    private byte[] _buffer;
    private int _length;

    public WireWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public int Length => _length;

    /// <summary>The written bytes; when the buffer was sized exactly, the buffer itself (no copy).</summary>
    public byte[] ToArray()
    {
        if (_length > WireLimits.MaxMessageBytes)
        {
            throw new SpartanException(
                $"a cluster message of {_length:N0} bytes exceeds the limit of {WireLimits.MaxMessageBytes:N0} bytes (docs/cluster.md); use a smaller tileHint so that each tile is smaller");
        }

        return _length == _buffer.Length ? _buffer : _buffer.AsSpan(0, _length).ToArray();
    }

    public void Byte(byte v) => Span(1)[0] = v;

    public void Bool(bool v) => Byte(v ? (byte)1 : (byte)0);

    public void Int(int v) => BinaryPrimitives.WriteInt32LittleEndian(Span(4), v);

    public void Long(long v) => BinaryPrimitives.WriteInt64LittleEndian(Span(8), v);

    public void ULong(ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Span(8), v);

    public void Double(double v) => BinaryPrimitives.WriteDoubleLittleEndian(Span(8), v);

    public void Guid(Guid v) => v.TryWriteBytes(Span(16));

    public void String(string v)
    {
        int n = Encoding.UTF8.GetByteCount(v);
        Int(n);
        Encoding.UTF8.GetBytes(v, Span(n));
    }

    public void NullableString(string? v)
    {
        Bool(v is not null);
        if (v is not null)
        {
            String(v);
        }
    }

    public void Bytes(ReadOnlySpan<byte> data)
    {
        Int(data.Length);
        data.CopyTo(Span(data.Length));
    }

    /// <summary>A block of bytes without a length prefix (the reader knows its length).</summary>
    public void RawBlock(ReadOnlySpan<byte> data)
    {
        if ((long)_length + data.Length > WireLimits.MaxMessageBytes)
        {
            throw new SpartanException(
                $"a cluster message would exceed the limit of {WireLimits.MaxMessageBytes:N0} bytes with a block of {data.Length:N0} bytes (docs/cluster.md); use a smaller tileHint so that each tile is smaller");
        }

        data.CopyTo(Span(data.Length));
    }

    public void Longs(ReadOnlySpan<long> values)
    {
        Int(values.Length);
        foreach (long v in values)
        {
            Long(v);
        }
    }

    private Span<byte> Span(int n)
    {
        if (_length + n > _buffer.Length)
        {
            long want = Math.Max((long)_buffer.Length * 2, (long)_length + n);
            Array.Resize(ref _buffer, (int)Math.Min(want, Array.MaxLength));
        }

        Span<byte> s = _buffer.AsSpan(_length, n);
        _length += n;
        return s;
    }
}
