using Spartan.Runtime;

namespace Spartan.IO;

/// <summary>Single .npy files: describing one for a lazy distributed read, and writing a distributed array into one
/// (each worker writes its own tiles at their offsets of a preallocated temporary file, which is then fsynced and
/// renamed over the target, so a failed write never leaves a half-written file under the target name).</summary>
internal static class NpyFile
{
    /// <summary>Parses the header of <paramref name="path"/> and checks the file length against it.</summary>
    public static NpyHeader Describe(string path)
    {
        using FileStream fs = FileIO.OpenReadStream(path);
        NpyHeader h = NpyHeader.Read(fs, path);
        CheckLength(path, h, fs.Length);
        return h;
    }

    /// <summary>Throws unless exactly the header's data follows the header.</summary>
    public static void CheckLength(string where, NpyHeader h, long length)
    {
        long have = length - h.DataOffset;
        if (have < h.DataBytes)
        {
            throw new InvalidDataException($"{where}: truncated: shape {h.Shape} of {h.DType.Name()} needs {h.DataBytes} data bytes, but only {have} follow the header");
        }

        if (have > h.DataBytes)
        {
            throw new InvalidDataException($"{where}: {have} data bytes follow the header, but shape {h.Shape} of {h.DType.Name()} describes {h.DataBytes}: the shape or dtype does not match the data length");
        }
    }

    /// <summary>Writes an evaluated array to <paramref name="path"/> as a C-order little-endian .npy file.</summary>
    public static async Task WriteAsync(DistArray d, string path, IProgress<double>? progress, SpartanOptions options, CancellationToken ct)
    {
        string? dir = Path.GetDirectoryName(path);
        if (dir is not null && !Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"{path}: cannot write: directory {dir} does not exist");
        }

        TileSet ts = d.TileSet;
        byte[] header = NpyHeader.Build(d.DType, d.Shape);
        string tmp = FileIO.TempNameFor(path);
        long token = IOProgressHub.Register("to_npy", path, ts.Bytes, progress, options);
        try
        {
            using (var w = new FileIO.Writer(tmp, FileMode.CreateNew, header.Length + ts.Bytes))
            {
                w.Write(0, header);
                w.SetLength(header.Length + ts.Bytes);
            }

            long[] dims = d.Shape.ToArray();
            var writes = new Task<NDArray>[ts.Grid.Count];
            for (int g = 0; g < writes.Length; g++)
            {
                TileExtent e = ts.Grid.Extent(g);
                var task = new TileTask(new NpyWriteKernel(tmp, header.Length, dims, token), [ts.Input(e)], e, [e], [d.DType], [ts.Tiles[g]]);
                writes[g] = ts.Master.Workers[ts.Tiles[g].Worker].TileOpAsync(task, ct);
            }

            await Task.WhenAll(writes).ConfigureAwait(false);
            using (var w = new FileIO.Writer(tmp, FileMode.Open))
            {
                w.Sync();
            }

            FileIO.Publish(tmp, path);
        }
        catch (Exception e)
        {
            IOProgressHub.Abandon(token);
            FileIO.TryDelete(tmp);
            if (e is IOException && !e.Message.Contains(tmp, StringComparison.Ordinal))
            {
                throw new IOException($"{tmp}: writing {path} failed: {e.Message}; the file {path} was not changed", e);
            }

            throw;
        }

        IOProgressHub.Complete(token);
    }
}
