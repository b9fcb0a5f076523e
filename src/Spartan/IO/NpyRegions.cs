using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Spartan.IO;

/// <summary>
/// The contiguous byte runs of a box inside a C-order array: trailing axes the box spans fully are merged, so a
/// row-split tile is one run. Runs come in increasing file order and fill the destination (the box, C-order)
/// front to back.
/// </summary>
internal sealed class RunCursor
{
    private readonly long[] _fileStrides;
    private readonly long[] _ul;
    private readonly long[] _box;
    private readonly long[] _idx;
    private readonly int _inner;
    private readonly long _runElems;
    private readonly int _itemSize;
    private long _count;

    public RunCursor(ReadOnlySpan<long> fileShape, ReadOnlySpan<long> ul, ReadOnlySpan<long> lr, int itemSize)
    {
        int rank = fileShape.Length;
        _itemSize = itemSize;
        _fileStrides = new Shape(fileShape.ToArray()).Strides();
        _ul = ul.ToArray();
        _box = new long[rank];
        long total = 1;
        for (int a = 0; a < rank; a++)
        {
            _box[a] = lr[a] - ul[a];
            total *= _box[a];
        }

        TotalBytes = total * itemSize;
        if (rank == 0)
        {
            _inner = -1;
            _runElems = 1;
        }
        else
        {
            _inner = rank - 1;
            _runElems = _box[_inner];
            while (_inner > 0 && _box[_inner] == fileShape[_inner])
            {
                _inner--;
                _runElems *= _box[_inner];
            }
        }

        _idx = new long[Math.Max(0, _inner)];
        _count = total == 0 ? 0 : total / _runElems;
        RunBytes = _runElems * itemSize;

        // The distance between consecutive runs, for deciding between one read per run and a read-ahead window.
        StrideBytes = _inner > 0 ? _fileStrides[_inner - 1] * itemSize : RunBytes;
        FirstOffset = OffsetOf();
        Runs = _count;
    }

    /// <summary>Bytes of one run.</summary>
    public long RunBytes { get; }

    /// <summary>File distance between the starts of consecutive runs (along the innermost iterated axis).</summary>
    public long StrideBytes { get; }

    /// <summary>Number of runs.</summary>
    public long Runs { get; }

    /// <summary>Bytes of the whole box.</summary>
    public long TotalBytes { get; }

    /// <summary>File offset (relative to the data start) of the first run.</summary>
    public long FirstOffset { get; }

    /// <summary>File offset (relative to the data start) of the current run.</summary>
    public long FileOffset { get; private set; }

    /// <summary>Destination offset of the current run.</summary>
    public long DestOffset { get; private set; }

    /// <summary>File offset just past the last run.</summary>
    public long EndOffset
    {
        get
        {
            if (Runs == 0)
            {
                return FirstOffset;
            }

            long off = 0;
            for (int a = 0; a < _ul.Length; a++)
            {
                long i = a < _inner ? _ul[a] + _box[a] - 1 : _ul[a];
                off += i * _fileStrides[a];
            }

            return off * _itemSize + RunBytes;
        }
    }

    private bool _started;

    /// <summary>Advances to the next run; false when done.</summary>
    public bool MoveNext()
    {
        if (_count == 0)
        {
            return false;
        }

        if (_started)
        {
            int k = _inner - 1;
            while (k >= 0 && ++_idx[k] >= _box[k])
            {
                _idx[k] = 0;
                k--;
            }

            DestOffset += RunBytes;
        }

        _started = true;
        _count--;
        FileOffset = OffsetOf();
        return true;
    }

    private long OffsetOf()
    {
        long off = 0;
        for (int a = 0; a < _ul.Length; a++)
        {
            long i = a < _inner ? _ul[a] + _idx[a] : _ul[a];
            off += i * _fileStrides[a];
        }

        return off * _itemSize;
    }
}

/// <summary>Positional reads of a .npy data source: a file, or a stream read forward only (a deflated .npz member).</summary>
internal abstract class ByteSource : IDisposable
{
    protected ByteSource(string path) => Path = path;

    public string Path { get; }

    /// <summary>Whether <see cref="Read"/> is positional and thread-safe, so several lanes may read at once.</summary>
    public virtual bool IsPositional => false;

    /// <summary>Fills <paramref name="dst"/> from <paramref name="offset"/>, or throws naming the file if it ends first.</summary>
    public abstract void Read(long offset, Span<byte> dst);

    public abstract void Dispose();

    protected InvalidDataException Truncated(long offset, long want) =>
        new($"{Path}: truncated: needed {want} bytes at offset {offset}, but the file ends first");
}

/// <summary>A file read with positional reads (thread-safe, no shared position).</summary>
internal sealed class FileByteSource : ByteSource
{
    private readonly SafeFileHandle _handle;

    public FileByteSource(string path) : base(path)
    {
        _handle = FileIO.OpenRead(path);
        Length = RandomAccess.GetLength(_handle);
    }

    public long Length { get; }

    public override bool IsPositional => true;

    public override void Read(long offset, Span<byte> dst)
    {
        long at = offset;
        while (!dst.IsEmpty)
        {
            int n = RandomAccess.Read(_handle, dst[..Math.Min(dst.Length, 1 << 30)], at);
            if (n == 0)
            {
                throw Truncated(offset, dst.Length);
            }

            dst = dst[n..];
            at += n;
        }
    }

    public override void Dispose() => _handle.Dispose();
}

/// <summary>A stream read forward only; gaps are skipped by reading and discarding.</summary>
internal sealed class StreamByteSource : ByteSource
{
    private readonly Stream _stream;
    private long _pos;

    public StreamByteSource(Stream stream, long position, string path) : base(path)
    {
        _stream = stream;
        _pos = position;
    }

    public override void Read(long offset, Span<byte> dst)
    {
        if (offset < _pos)
        {
            throw new InvalidOperationException($"{Path}: backward read at {offset} after {_pos} on a forward-only stream");
        }

        if (offset > _pos && _stream.CanSeek)
        {
            _stream.Position = offset;
            _pos = offset;
        }

        if (offset > _pos)
        {
            byte[] scratch = ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                while (_pos < offset)
                {
                    int n = _stream.Read(scratch, 0, (int)Math.Min(scratch.Length, offset - _pos));
                    if (n == 0)
                    {
                        throw Truncated(offset, dst.Length);
                    }

                    _pos += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        int total = 0;
        while (total < dst.Length)
        {
            int n = _stream.Read(dst[total..]);
            if (n == 0)
            {
                throw Truncated(offset, dst.Length);
            }

            total += n;
        }

        _pos += total;
    }

    public override void Dispose() => _stream.Dispose();
}

/// <summary>Reads and writes boxes of .npy data: byte order, Fortran order, bool normalization, checksums.</summary>
internal static class NpyRegions
{
    /// <summary>Read-ahead window for short runs that lie close together.</summary>
    private const int Window = 8 << 20;

    /// <summary>Reads the box [<paramref name="ul"/>, <paramref name="lr"/>) of the array a header describes into
    /// <paramref name="dest"/> (shaped like the box, row-major), converting to this machine's byte order.</summary>
    public static void ReadBox(ByteSource src, NpyHeader h, ReadOnlySpan<long> ul, ReadOnlySpan<long> lr, NDArray dest, IOProgressHub.Token progress)
    {
        int rank = h.Shape.Rank;
        if (!h.Fortran || rank < 2)
        {
            ReadC(src, h.DataOffset, h.Shape.Dims, ul, lr, dest.AsBytes(), h.DType.SizeOf(), progress);
        }
        else
        {
            // A Fortran-order file is the C-order file of the transposed array: read the transposed box, then
            // reverse its axes into place.
            long[] rs = Reverse(h.Shape.Dims), rul = Reverse(ul), rlr = Reverse(lr);
            var tdims = new long[rank];
            for (int a = 0; a < rank; a++)
            {
                tdims[a] = rlr[a] - rul[a];
            }

            NDArray t = NDArray.Uninitialized(new Shape(tdims), h.DType);
            ReadC(src, h.DataOffset, rs, rul, rlr, t.AsBytes(), h.DType.SizeOf(), progress);
            ReverseAxes(t, dest);
        }

        Normalize(dest, h.BigEndian);
    }

    /// <summary>Reads the runs of a C-order box into <paramref name="dest"/>: large or scattered runs one read each,
    /// short close runs through a read-ahead window.</summary>
    private static void ReadC(ByteSource src, long dataOffset, ReadOnlySpan<long> shape, ReadOnlySpan<long> ul, ReadOnlySpan<long> lr, Span<byte> dest, int itemSize, IOProgressHub.Token progress)
    {
        var c = new RunCursor(shape, ul, lr, itemSize);
        if (c.Runs == 0)
        {
            return;
        }

        bool direct = c.RunBytes >= (64 << 10) || c.StrideBytes - c.RunBytes > 4 * c.RunBytes;
        if (direct)
        {
            long reported = 0;
            while (c.MoveNext())
            {
                Span<byte> into = dest.Slice((int)c.DestOffset, (int)c.RunBytes);
                if (src.IsPositional && c.RunBytes >= 2L * FileIO.SegmentBytes)
                {
                    ReadLanes(src, dataOffset, c.FileOffset, into, FileIO.SegmentBytes, null, 0, progress);
                    continue;
                }

                src.Read(dataOffset + c.FileOffset, into);
                reported += c.RunBytes;
                if (reported >= (16 << 20))
                {
                    progress.Add(reported);
                    reported = 0;
                }
            }

            progress.Add(reported);
            return;
        }

        long end = c.EndOffset;
        byte[] buf = ArrayPool<byte>.Shared.Rent((int)Math.Min(Window, end - c.FirstOffset));
        try
        {
            long wlo = 0, whi = 0;
            while (c.MoveNext())
            {
                if (c.FileOffset < wlo || c.FileOffset + c.RunBytes > whi)
                {
                    wlo = c.FileOffset;
                    whi = Math.Min(end, wlo + buf.Length);
                    src.Read(dataOffset + wlo, buf.AsSpan(0, (int)(whi - wlo)));
                    progress.Add(whi - wlo);
                }

                buf.AsSpan((int)(c.FileOffset - wlo), (int)c.RunBytes).CopyTo(dest.Slice((int)c.DestOffset));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>Reads a C-order box of a stored tile file, verifying every checksum chunk it touches: the chunks
    /// covering the needed bytes are read whole (a window at a time), hashed, then their needed parts copied out.</summary>
    public static void ReadVerified(ByteSource src, NpyHeader h, ReadOnlySpan<long> ul, ReadOnlySpan<long> lr, Span<byte> dest, ulong[] hashes, int chunkBytes, IOProgressHub.Token progress)
    {
        int es = h.DType.SizeOf();
        var c = new RunCursor(h.Shape.Dims, ul, lr, es);
        if (c.Runs == 0)
        {
            return;
        }

        long dataLen = h.DataBytes;
        long end = c.EndOffset;
        if (src.IsPositional && c.Runs == 1 && c.FirstOffset % chunkBytes == 0 && (end % chunkBytes == 0 || end == dataLen) && c.RunBytes >= 2L * FileIO.SegmentBytes)
        {
            // The common case, a whole tile (or whole rows of a row-split one): one run of whole chunks, read straight
            // into place on several lanes, each lane verifying its segment while the others wait on the disk.
            int segment = Math.Max(1, FileIO.SegmentBytes / chunkBytes) * chunkBytes;
            ReadLanes(src, h.DataOffset, c.FirstOffset, dest[..(int)c.RunBytes], segment, hashes, chunkBytes, progress);
            return;
        }

        int window = Math.Max(chunkBytes, Window / chunkBytes * chunkBytes);
        byte[]? buf = null;
        try
        {
            bool has = c.MoveNext();
            long consumed = 0;
            while (has)
            {
                long at = c.FileOffset + consumed;
                long wlo = at / chunkBytes * chunkBytes;
                long lastChunkEnd = Math.Min(dataLen, (end + chunkBytes - 1) / chunkBytes * chunkBytes);
                long whi = Math.Min(lastChunkEnd, wlo + window);
                long runEnd = c.FileOffset + c.RunBytes;
                if (at == wlo && runEnd >= whi)
                {
                    // The window lies inside one run: read it straight into place and hash it there.
                    Span<byte> into = dest.Slice((int)(c.DestOffset + consumed), (int)(whi - wlo));
                    src.Read(h.DataOffset + wlo, into);
                    Verify(into, wlo, chunkBytes, hashes, src.Path);
                    consumed += whi - wlo;
                }
                else
                {
                    buf ??= ArrayPool<byte>.Shared.Rent(window);
                    Span<byte> w = buf.AsSpan(0, (int)(whi - wlo));
                    src.Read(h.DataOffset + wlo, w);
                    Verify(w, wlo, chunkBytes, hashes, src.Path);
                    while (has)
                    {
                        long rs = c.FileOffset + consumed, re = c.FileOffset + c.RunBytes;
                        if (rs >= whi)
                        {
                            break;
                        }

                        long take = Math.Min(re, whi) - rs;
                        w.Slice((int)(rs - wlo), (int)take).CopyTo(dest.Slice((int)(c.DestOffset + consumed)));
                        consumed += take;
                        if (consumed == c.RunBytes)
                        {
                            has = c.MoveNext();
                            consumed = 0;
                        }
                    }
                }

                if (consumed == c.RunBytes && has)
                {
                    has = c.MoveNext();
                    consumed = 0;
                }

                progress.Add(whi - wlo);
            }
        }
        finally
        {
            if (buf is not null)
            {
                ArrayPool<byte>.Shared.Return(buf);
            }
        }
    }

    /// <summary>Reads <paramref name="dest"/>.Length bytes of data starting at data offset <paramref name="at"/>
    /// (the file offset minus the header's <paramref name="dataOffset"/>) straight into <paramref name="dest"/>,
    /// <paramref name="segment"/> bytes per read on several lanes at once. With <paramref name="hashes"/>, each segment
    /// (whole chunks: the caller aligns <paramref name="at"/> and <paramref name="segment"/> to them) is verified as
    /// soon as it is in.</summary>
    private static unsafe void ReadLanes(ByteSource src, long dataOffset, long at, Span<byte> dest, int segment, ulong[]? hashes, int chunkBytes, IOProgressHub.Token progress)
    {
        fixed (byte* p = dest)
        {
            nint start = (nint)p;
            FileIO.ForSegments(dest.Length, segment, FileIO.ReadLanes, (off, len) =>
            {
                var into = new Span<byte>((byte*)start + off, len);
                src.Read(dataOffset + at + off, into);
                if (hashes is not null)
                {
                    Verify(into, at + off, chunkBytes, hashes, src.Path);
                }

                progress.Add(len);
            });
        }
    }

    /// <summary>Writes the checksum of each <paramref name="chunkBytes"/> chunk of <paramref name="data"/> to
    /// <paramref name="hashes"/> (one per chunk, the last chunk possibly short).</summary>
    public static void ChunkHashes(ReadOnlySpan<byte> data, int chunkBytes, Span<ulong> hashes)
    {
        for (int k = 0, start = 0; start < data.Length; k++, start += chunkBytes)
        {
            hashes[k] = XxHash3.HashToUInt64(data.Slice(start, Math.Min(chunkBytes, data.Length - start)));
        }
    }

    private static void Verify(ReadOnlySpan<byte> window, long windowStart, int chunkBytes, ulong[] hashes, string path)
    {
        for (int off = 0; off < window.Length; off += chunkBytes)
        {
            long k = (windowStart + off) / chunkBytes;
            int len = Math.Min(chunkBytes, window.Length - off);
            ulong got = XxHash3.HashToUInt64(window.Slice(off, len));
            if (k >= hashes.Length || got != hashes[k])
            {
                long from = windowStart + off;
                throw new InvalidDataException($"{path}: checksum mismatch in data bytes {from}..{from + len} (chunk {k}): the tile file was modified or replaced since it was saved");
            }
        }
    }

    /// <summary>Writes <paramref name="src"/> (the box, row-major) into its place in a C-order file with positional
    /// writes of at most one segment each. One writer per tile: every tile of a .npy file writes the same file, and
    /// more writers per tile only contend for its inode lock (see <see cref="FileIO.WriteLanes"/>).</summary>
    public static void WriteBox(FileIO.Writer file, long dataOffset, ReadOnlySpan<long> fileShape, ReadOnlySpan<long> ul, ReadOnlySpan<long> lr, ReadOnlySpan<byte> src, int itemSize, IOProgressHub.Token progress)
    {
        var c = new RunCursor(fileShape, ul, lr, itemSize);
        long reported = 0;
        while (c.MoveNext())
        {
            long at = dataOffset + c.FileOffset;
            ReadOnlySpan<byte> run = src.Slice((int)c.DestOffset, (int)c.RunBytes);
            while (!run.IsEmpty)
            {
                int n = Math.Min(run.Length, FileIO.SegmentBytes);
                file.Write(at, run[..n]);
                at += n;
                run = run[n..];
                reported += n;
                if (reported >= FileIO.SegmentBytes)
                {
                    progress.Add(reported);
                    reported = 0;
                }
            }
        }

        progress.Add(reported);
    }

    /// <summary>Converts file byte order to this machine's, and maps any non-zero bool byte to 1.</summary>
    private static void Normalize(NDArray a, bool bigEndian)
    {
        switch (a.DType)
        {
            case DType.Bool:
            {
                Span<byte> b = a.AsBytes();
                TensorPrimitives.Min(b, (byte)1, b);
                break;
            }

            case DType.Int32 or DType.Float32 when bigEndian == BitConverter.IsLittleEndian:
            {
                Span<int> s = MemoryMarshal.Cast<byte, int>(a.AsBytes());
                BinaryPrimitives.ReverseEndianness(s, s);
                break;
            }

            case DType.Int64 or DType.Float64 when bigEndian == BitConverter.IsLittleEndian:
            {
                Span<long> s = MemoryMarshal.Cast<byte, long>(a.AsBytes());
                BinaryPrimitives.ReverseEndianness(s, s);
                break;
            }
        }
    }

    private static long[] Reverse(ReadOnlySpan<long> s)
    {
        long[] r = s.ToArray();
        Array.Reverse(r);
        return r;
    }

    /// <summary>dest[i0, ..., in-1] = src[in-1, ..., i0].</summary>
    private static void ReverseAxes(NDArray src, NDArray dest)
    {
        switch (src.DType.SizeOf())
        {
            case 1: ReverseAxes(MemoryMarshal.Cast<byte, byte>(src.AsBytes()), MemoryMarshal.Cast<byte, byte>(dest.AsBytes()), dest.Shape); break;
            case 4: ReverseAxes(MemoryMarshal.Cast<byte, int>(src.AsBytes()), MemoryMarshal.Cast<byte, int>(dest.AsBytes()), dest.Shape); break;
            default: ReverseAxes(MemoryMarshal.Cast<byte, long>(src.AsBytes()), MemoryMarshal.Cast<byte, long>(dest.AsBytes()), dest.Shape); break;
        }
    }

    private static void ReverseAxes<T>(ReadOnlySpan<T> src, Span<T> dest, Shape destShape) where T : unmanaged
    {
        int rank = destShape.Rank;
        if (destShape.Size == 0)
        {
            return;
        }

        // Source strides: the source is the destination with its axes reversed, row-major.
        var ss = new long[rank];
        long acc = 1;
        for (int a = 0; a < rank; a++)
        {
            ss[a] = acc;
            acc *= destShape.Dims[a];
        }

        long last = destShape.Dims[rank - 1], lastStride = ss[rank - 1];
        var idx = new long[rank - 1];
        int o = 0;
        while (true)
        {
            long s0 = 0;
            for (int a = 0; a < rank - 1; a++)
            {
                s0 += idx[a] * ss[a];
            }

            for (long j = 0; j < last; j++)
            {
                dest[o++] = src[(int)(s0 + j * lastStride)];
            }

            int k = rank - 2;
            while (k >= 0 && ++idx[k] >= destShape.Dims[k])
            {
                idx[k] = 0;
                k--;
            }

            if (k < 0)
            {
                return;
            }
        }
    }
}
