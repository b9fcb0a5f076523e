using System.IO.Compression;
using System.Runtime.InteropServices;
using Spartan.Runtime;

namespace Spartan.IO;

/// <summary>A kernel that reads or writes files on the worker that runs it. Plain data, like every kernel spec.</summary>
public abstract record FileKernel : KernelSpec;

/// <summary>Reads the task's output extent from a .npy file (or a member of a .npz archive): each tile task reads
/// only its own region, on its own worker.</summary>
/// <param name="Path">The .npy file, or the .npz archive holding <paramref name="Member"/>.</param>
/// <param name="Member">The archive member, or null for a plain .npy file.</param>
/// <param name="DataOffset">Where the element data starts (after the header).</param>
/// <param name="DType">The element type.</param>
/// <param name="BigEndian">Whether the file stores elements big-endian.</param>
/// <param name="Fortran">Whether the file is in Fortran (column-major) order.</param>
/// <param name="FileShape">The shape of the whole array in the file.</param>
/// <param name="ExpectedLength">The file (or member) length the header implies; a different length means the file changed.</param>
/// <param name="Progress">Progress token (0: none).</param>
public sealed record NpyReadKernel(string Path, string? Member, long DataOffset, DType DType, bool BigEndian, bool Fortran, long[] FileShape, long ExpectedLength, long Progress) : FileKernel;

/// <summary>Writes input 0 (one tile) into its place in a preallocated C-order .npy file; returns a 0-d Int64 count of
/// bytes written.</summary>
/// <param name="Path">The file, already created with its header and full length.</param>
/// <param name="DataOffset">Where the element data starts.</param>
/// <param name="FileShape">The shape of the whole array.</param>
/// <param name="Progress">Progress token (0: none).</param>
public sealed record NpyWriteKernel(string Path, long DataOffset, long[] FileShape, long Progress) : FileKernel;

/// <summary>Writes input 0 (one tile) as a .npy file and fsyncs it; returns the data's chunk checksums (XXH3-64,
/// one per <paramref name="ChunkBytes"/> bytes) as a 1-d Int64 array.</summary>
/// <param name="Path">The tile file to create, or to overwrite in place when the save recycled an old generation's
/// file.</param>
/// <param name="ChunkBytes">Bytes per checksum chunk.</param>
/// <param name="Progress">Progress token (0: none).</param>
public sealed record StoreWriteKernel(string Path, int ChunkBytes, long Progress) : FileKernel;

/// <summary>One stored tile file a <see cref="StoreReadKernel"/> reads from.</summary>
/// <param name="Path">The tile's .npy file.</param>
/// <param name="Ul">The tile's upper-left corner in the stored array.</param>
/// <param name="Lr">The tile's lower-right corner (exclusive).</param>
/// <param name="Hashes">The XXH3-64 checksum of each chunk of the tile's data.</param>
public sealed record StorePiece(string Path, long[] Ul, long[] Lr, ulong[] Hashes);

/// <summary>Assembles the task's output extent from the stored tile files that overlap it, verifying the checksum of
/// every chunk read. The output may drop axes the load indexed with a single position.</summary>
/// <param name="Pieces">The stored tiles that overlap the output extent.</param>
/// <param name="DType">The element type.</param>
/// <param name="RegionUl">Where the loaded region starts in the stored array.</param>
/// <param name="Dropped">Per stored axis: whether the output drops it (indexed by one position).</param>
/// <param name="ChunkBytes">Bytes per checksum chunk.</param>
/// <param name="Progress">Progress token (0: none).</param>
public sealed record StoreReadKernel(StorePiece[] Pieces, DType DType, long[] RegionUl, bool[] Dropped, int ChunkBytes, long Progress) : FileKernel;

/// <summary>Runs file kernels on a worker. Every failure names the file.</summary>
internal static class FileKernels
{
    public static NDArray[] Run(FileKernel kernel, NDArray[] inputs, TileTask task)
    {
        string path = kernel switch
        {
            NpyReadKernel r => r.Path,
            NpyWriteKernel w => w.Path,
            StoreWriteKernel s => s.Path,
            _ => "the store",
        };
        try
        {
            return kernel switch
            {
                NpyReadKernel r => [ReadNpy(r, task.OutputExtents[0])],
                NpyWriteKernel w => [WriteNpy(w, inputs[0], task.Domain)],
                StoreWriteKernel s => [WriteTile(s, inputs[0])],
                StoreReadKernel s => [ReadStore(s, task.OutputExtents[0])],
                _ => throw new NotSupportedException($"unknown file kernel {kernel.GetType().Name}"),
            };
        }
        catch (IOException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is not (IOException or InvalidDataException or NotSupportedException or OperationCanceledException))
        {
            throw new IOException($"{path}: {e.Message}", e);
        }
    }

    private static NDArray ReadNpy(NpyReadKernel k, TileExtent extent)
    {
        var h = new NpyHeader(k.DType, k.BigEndian, k.Fortran, new Shape(k.FileShape), k.DataOffset, 1);
        NDArray dest = NDArray.Uninitialized(extent.Shape, k.DType);
        using ByteSource src = OpenSource(k);
        NpyRegions.ReadBox(src, h, extent.UlSpan, extent.LrSpan, dest, new IOProgressHub.Token(k.Progress));
        return dest;
    }

    private static ByteSource OpenSource(NpyReadKernel k)
    {
        if (k.Member is null)
        {
            var f = new FileByteSource(k.Path);
            if (f.Length != k.ExpectedLength)
            {
                f.Dispose();
                throw new IOException($"{k.Path}: the file changed after it was opened: it now has {f.Length} bytes, not {k.ExpectedLength}");
            }

            return f;
        }

        ZipArchive zip = Npz.Open(k.Path);
        try
        {
            ZipArchiveEntry entry = zip.GetEntry(k.Member) ?? throw new IOException($"{k.Path}: the archive no longer holds '{k.Member}'");
            if (entry.Length != k.ExpectedLength)
            {
                throw new IOException($"{k.Path}: member '{k.Member}' changed after it was opened: it now has {entry.Length} bytes, not {k.ExpectedLength}");
            }

            return new ZipMemberSource(zip, entry.Open(), $"{k.Path}[{k.Member}]");
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    private static NDArray WriteNpy(NpyWriteKernel k, NDArray tile, TileExtent extent)
    {
        // Positional writes go straight to the file (no stream buffer to flush); the caller fsyncs the whole file once
        // every tile is in.
        using (var w = new FileIO.Writer(k.Path, FileMode.Open))
        {
            NpyRegions.WriteBox(w, k.DataOffset, k.FileShape, extent.UlSpan, extent.LrSpan, tile.AsBytes(), tile.DType.SizeOf(), new IOProgressHub.Token(k.Progress));
        }

        return NDArray.From(new[] { tile.Bytes }, Shape.Scalar);
    }

    /// <summary>Writes a tile file straight from the tile's buffer: segments of whole checksum chunks go out on
    /// two lanes, each lane hashing its segment just before writing it (so hashing overlaps the other lane's write),
    /// and the file is fsynced once at the end.</summary>
    private static unsafe NDArray WriteTile(StoreWriteKernel k, NDArray tile)
    {
        byte[] header = NpyHeader.Build(tile.DType, tile.Shape);
        Span<byte> data = tile.AsBytes();
        long length = data.Length;
        int chunk = k.ChunkBytes;
        var hashes = new ulong[(length + chunk - 1) / chunk];
        int segment = Math.Max(1, FileIO.SegmentBytes / chunk) * chunk;
        var token = new IOProgressHub.Token(k.Progress);
        try
        {
            // A file already there was recycled from an old generation: overwrite its blocks rather than replace
            // them (see TiledStore.PrepareGeneration); a new one gets its full length preallocated.
            long total = header.Length + length;
            bool recycled = File.Exists(k.Path);
            using var w = recycled ? new FileIO.Writer(k.Path, FileMode.Open) : new FileIO.Writer(k.Path, FileMode.CreateNew, total);
            if (recycled)
            {
                w.SetLength(total);
            }

            w.Write(0, header);
            fixed (byte* p = data)
            {
                nint start = (nint)p;
                FileIO.ForSegments(length, segment, FileIO.WriteLanes, (off, len) =>
                {
                    var seg = new ReadOnlySpan<byte>((byte*)start + off, len);
                    NpyRegions.ChunkHashes(seg, chunk, hashes.AsSpan((int)(off / chunk)));
                    w.Write(header.Length + off, seg);
                    token.Add(len);
                });
            }

            w.Sync();
        }
        catch (IOException e) when (!e.Message.Contains(k.Path, StringComparison.Ordinal))
        {
            throw new IOException($"{k.Path}: writing the tile failed: {e.Message}", e);
        }

        return NDArray.From(MemoryMarshal.Cast<ulong, long>(hashes).ToArray(), new Shape(hashes.Length));
    }

    private static NDArray ReadStore(StoreReadKernel k, TileExtent extent)
    {
        int rank = k.RegionUl.Length;
        var ful = new long[rank];
        var flr = new long[rank];
        for (int a = 0, o = 0; a < rank; a++)
        {
            if (k.Dropped[a])
            {
                ful[a] = k.RegionUl[a];
                flr[a] = k.RegionUl[a] + 1;
            }
            else
            {
                ful[a] = k.RegionUl[a] + extent.UlSpan[o];
                flr[a] = k.RegionUl[a] + extent.LrSpan[o];
                o++;
            }
        }

        var fdims = new long[rank];
        for (int a = 0; a < rank; a++)
        {
            fdims[a] = flr[a] - ful[a];
        }

        NDArray output = NDArray.Uninitialized(extent.Shape, k.DType);
        var full = new NDArray(output.Buffer, new Shape(fdims), k.DType);
        var token = new IOProgressHub.Token(k.Progress);
        foreach (StorePiece p in k.Pieces)
        {
            var iul = new long[rank];
            var ilr = new long[rank];
            var rel = new long[rank];
            var idims = new long[rank];
            bool covers = true;
            for (int a = 0; a < rank; a++)
            {
                iul[a] = Math.Max(ful[a], p.Ul[a]) - p.Ul[a];
                ilr[a] = Math.Min(flr[a], p.Lr[a]) - p.Ul[a];
                idims[a] = Math.Max(0, ilr[a] - iul[a]);
                rel[a] = Math.Max(ful[a], p.Ul[a]) - ful[a];
                covers &= idims[a] == fdims[a];
            }

            using var src = new FileByteSource(p.Path);
            NpyHeader h = TileHeader(p, k, src);
            if (covers)
            {
                NpyRegions.ReadVerified(src, h, iul, ilr, full.AsBytes(), p.Hashes, k.ChunkBytes, token);
            }
            else
            {
                NDArray part = NDArray.Uninitialized(new Shape(idims), k.DType);
                NpyRegions.ReadVerified(src, h, iul, ilr, part.AsBytes(), p.Hashes, k.ChunkBytes, token);
                Regions.Copy(part, new long[rank], full, rel, idims);
            }
        }

        return output;
    }

    /// <summary>Reads a stored tile's header and checks it against the manifest.</summary>
    private static NpyHeader TileHeader(StorePiece p, StoreReadKernel k, FileByteSource src)
    {
        NpyHeader h;
        using (var s = new FileStream(FileIO.OpenRead(p.Path), FileAccess.Read, 4096))
        {
            h = NpyHeader.Read(s, p.Path);
        }

        var dims = new long[p.Ul.Length];
        for (int a = 0; a < dims.Length; a++)
        {
            dims[a] = p.Lr[a] - p.Ul[a];
        }

        var expected = new Shape(dims);
        if (h.DType != k.DType || h.Shape != expected || h.Fortran || h.BigEndian)
        {
            throw new InvalidDataException($"{p.Path}: the tile file holds {(h.BigEndian ? "big-endian " : "")}{(h.Fortran ? "Fortran-order " : "")}{h.DType.Name()}{h.Shape}, but the manifest says {k.DType.Name()}{expected}: the file was replaced");
        }

        if (src.Length != h.DataOffset + h.DataBytes)
        {
            throw new InvalidDataException($"{p.Path}: the tile file has {src.Length} bytes, but its header and the manifest need {h.DataOffset + h.DataBytes}: it was truncated or replaced");
        }

        long chunks = (h.DataBytes + k.ChunkBytes - 1) / k.ChunkBytes;
        if (p.Hashes.Length != chunks)
        {
            throw new InvalidDataException($"{p.Path}: the manifest lists {p.Hashes.Length} checksums for this tile, but its {h.DataBytes} bytes need {chunks}");
        }

        return h;
    }

    /// <summary>A zip member's stream, read forward, owning its archive.</summary>
    private sealed class ZipMemberSource : ByteSource
    {
        private readonly ZipArchive _zip;
        private readonly StreamByteSource _inner;

        public ZipMemberSource(ZipArchive zip, Stream member, string path) : base(path)
        {
            _zip = zip;
            _inner = new StreamByteSource(member, 0, path);
        }

        public override void Read(long offset, Span<byte> dst) => _inner.Read(offset, dst);

        public override void Dispose()
        {
            _inner.Dispose();
            _zip.Dispose();
        }
    }
}
