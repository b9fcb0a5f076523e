using System.Globalization;
using System.Runtime.InteropServices;
using Spartan.Runtime;

namespace Spartan.IO;

/// <summary>
/// The tiled store: a directory with one .npy file per tile and a manifest.
/// <code>
/// dir/manifest.json                 the current save; replaced by an atomic rename, last
/// dir/gen-000007-1a2b3c4d/t000000.npy   the tiles of one save ("generation"), one file per tile
/// </code>
/// A save writes its tiles into a fresh generation folder (each worker writes its own tiles, fsynced), fsyncs the
/// folder, writes the manifest under a temporary name, fsyncs it, and renames it over manifest.json. Until that
/// rename the previous manifest and its generation are untouched, so a crash or a full disk leaves the previous
/// save loadable. After it, generations other than the new and the previous one are deleted. The new generation
/// reuses the files of an older one when there is one (see <see cref="PrepareGeneration"/>), so a lazy load of the
/// save before the previous one stops working from the start of the next save rather than from its end (its
/// checksums refuse the overwritten files). One writer at a time.
/// </summary>
internal static class TiledStore
{
    /// <summary>Saves an evaluated array to <paramref name="directory"/>.</summary>
    public static async Task<StoreManifest> SaveAsync(DistArray d, string directory, IProgress<double>? progress, SpartanOptions options, CancellationToken ct)
    {
        string dir = Path.GetFullPath(directory);
        if (File.Exists(dir))
        {
            throw new IOException($"{dir}: is a file, not a store directory");
        }

        Directory.CreateDirectory(dir);
        string? previous = StoreManifest.TryReadGeneration(dir);
        long number = previous is not null && previous.Length > 10 && long.TryParse(previous.AsSpan(4, 6), NumberStyles.None, CultureInfo.InvariantCulture, out long p) ? p + 1 : 1;
        string generation = $"gen-{number % 1_000_000:D6}-{Random.Shared.Next():x8}";
        string genDir = Path.Combine(dir, generation);
        string manifestPath = Path.Combine(dir, StoreManifest.FileName);
        string tmp = FileIO.TempNameFor(manifestPath);
        TileSet ts = d.TileSet;
        int chunk = StoreManifest.DefaultChunkBytes;
        long token = IOProgressHub.Register("save", dir, ts.Bytes, progress, options);
        StoreManifest manifest;
        try
        {
            PrepareGeneration(dir, genDir, previous, ts.Grid.Count);
            var writes = new Task<NDArray>[ts.Grid.Count];
            var files = new string[writes.Length];
            for (int g = 0; g < writes.Length; g++)
            {
                TileExtent e = ts.Grid.Extent(g);
                files[g] = $"{generation}/t{g:D6}.npy";
                var task = new TileTask(new StoreWriteKernel(Path.Combine(genDir, $"t{g:D6}.npy"), chunk, token), [ts.Input(e)], e, [e], [d.DType], [ts.Tiles[g]]);
                writes[g] = ts.Master.Workers[ts.Tiles[g].Worker].TileOpAsync(task, ct);
            }

            await Task.WhenAll(writes).ConfigureAwait(false);
            FileIO.SyncDirectory(genDir);
            var tiles = new StoreTile[writes.Length];
            for (int g = 0; g < tiles.Length; g++)
            {
                ulong[] hashes = MemoryMarshal.Cast<long, ulong>(writes[g].Result.AsSpan<long>()).ToArray();
                tiles[g] = new StoreTile(files[g], Path.Combine(genDir, $"t{g:D6}.npy"), ts.Grid.Extent(g), hashes);
            }

            manifest = new StoreManifest(dir, d.DType, d.Shape, ts.Grid, chunk, generation, tiles);
            byte[] text = manifest.Serialize();
            try
            {
                using (var w = new FileIO.Writer(tmp, FileMode.CreateNew, text.Length))
                {
                    w.Write(0, text);
                    w.Sync();
                }
            }
            catch (IOException e) when (!e.Message.Contains(tmp, StringComparison.Ordinal))
            {
                throw new IOException($"{tmp}: writing the manifest failed: {e.Message}", e);
            }

            ct.ThrowIfCancellationRequested();
            FileIO.Publish(tmp, manifestPath);
        }
        catch (Exception e)
        {
            IOProgressHub.Abandon(token);
            FileIO.TryDelete(tmp);
            FileIO.TryDelete(genDir);
            if (e is IOException or OperationCanceledException or SpartanException)
            {
                throw;
            }

            throw new IOException($"{dir}: save failed: {e.Message}; the previous save, if any, is intact", e);
        }

        IOProgressHub.Complete(token);
        Cleanup(dir, generation, previous);
        return manifest;
    }

    /// <summary>Creates the new generation's folder. If an old generation is lying around (the one before the
    /// previous save, or a failed save's), it is renamed into place instead and its tile files are overwritten in
    /// place: rewriting blocks a file already owns is several times faster than allocating new ones on a thin or
    /// discard-mounted disk (measured 2.4-3.6 GB/s against 0.1-2 GB/s, bench/results/2026-11-29-io-2gb.md). Only the
    /// published save is never touched; the recycled one was due for deletion after this save anyway. Files the new
    /// tiling does not need are deleted.</summary>
    private static void PrepareGeneration(string dir, string genDir, string? published, int tiles)
    {
        foreach (string old in Directory.EnumerateDirectories(dir, "gen-*"))
        {
            if (Path.GetFileName(old) == published)
            {
                continue;
            }

            try
            {
                Directory.Move(old, genDir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not recyclable (in use, or gone meanwhile): the next candidate, or a fresh folder.
                continue;
            }

            foreach (string f in Directory.EnumerateFileSystemEntries(genDir))
            {
                string name = Path.GetFileName(f);
                bool keep = name.Length == 11 && name.StartsWith('t') && name.EndsWith(".npy", StringComparison.Ordinal)
                    && int.TryParse(name.AsSpan(1, 6), NumberStyles.None, CultureInfo.InvariantCulture, out int g) && g < tiles
                    && File.Exists(f);
                if (!keep)
                {
                    FileIO.TryDelete(f);
                }
            }

            return;
        }

        Directory.CreateDirectory(genDir);
    }

    /// <summary>Deletes generations other than the current and the previous one, and stale temporary manifests.</summary>
    private static void Cleanup(string dir, string current, string? previous)
    {
        try
        {
            foreach (string g in Directory.EnumerateDirectories(dir, "gen-*"))
            {
                string name = Path.GetFileName(g);
                if (name != current && name != previous)
                {
                    FileIO.TryDelete(g);
                }
            }

            foreach (string f in Directory.EnumerateFiles(dir, StoreManifest.FileName + ".tmp-*"))
            {
                FileIO.TryDelete(f);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleanup is best effort; the next save tries again.
        }
    }

    /// <summary>Parses a partial-load region: integers (the axis is dropped) and step-1 slices, NumPy-style bounds.</summary>
    public static (long[] Ul, long[] Lr, bool[] Dropped) Region(Shape shape, SliceIndex[] region)
    {
        ArgumentNullException.ThrowIfNull(region);
        int rank = shape.Rank;
        if (region.Length > rank)
        {
            throw new ArgumentException($"{region.Length} indices given for a stored array of rank {rank} (shape {shape})", nameof(region));
        }

        var ul = new long[rank];
        var lr = shape.ToArray();
        var dropped = new bool[rank];
        for (int a = 0; a < region.Length; a++)
        {
            SliceIndex s = region[a];
            long n = shape.Dims[a];
            switch (s.Kind)
            {
                case SliceKind.Index:
                {
                    long i = s.Start ?? 0;
                    long k = i < 0 ? i + n : i;
                    if (k < 0 || k >= n)
                    {
                        throw new ArgumentOutOfRangeException(nameof(region), i, $"index {i} is out of bounds for axis {a} with size {n}");
                    }

                    ul[a] = k;
                    lr[a] = k + 1;
                    dropped[a] = true;
                    break;
                }

                case SliceKind.Slice when s.Step == 1:
                    ul[a] = Bound(s.Start, s.StartFromEnd, 0, n);
                    lr[a] = Math.Max(ul[a], Bound(s.Stop, s.StopFromEnd, n, n));
                    break;

                case SliceKind.Slice:
                    throw new ArgumentException($"PartialLoad supports only step-1 slices, but axis {a} has '{s}' (step {s.Step}); load the range and slice the result instead", nameof(region));

                default:
                    throw new ArgumentException($"PartialLoad supports integers and step-1 slices, not {s} (axis {a})", nameof(region));
            }
        }

        return (ul, lr, dropped);
    }

    private static long Bound(long? v, bool fromEnd, long dflt, long n)
    {
        if (v is not long x)
        {
            return dflt;
        }

        long k = fromEnd ? n - x : x < 0 ? x + n : x;
        return Math.Clamp(k, 0, n);
    }
}
