using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace Spartan.IO;

/// <summary>One tile of a store: its file (relative to the store, and resolved), its box, and its chunk checksums.</summary>
internal sealed record StoreTile(string File, string FullPath, TileExtent Extent, ulong[] Hashes);

/// <summary>
/// The manifest of a tiled store (<c>manifest.json</c>): shape, dtype, the tile grid, and per tile its file and the
/// XXH3-64 checksum of every chunk of its data. The manifest carries a checksum of its own body, so a damaged
/// manifest is refused, not half-trusted. Reading validates everything before anything is allocated by size, and
/// refuses tile paths that leave the store directory.
/// </summary>
internal sealed class StoreManifest
{
    public const string FileName = "manifest.json";
    public const string Format = "spartan-store";
    public const int Version = 1;
    public const int DefaultChunkBytes = 1 << 20;
    private const long MaxManifestBytes = 64L << 20;

    public StoreManifest(string directory, DType dtype, Shape shape, TileGrid grid, int chunkBytes, string generation, StoreTile[] tiles)
    {
        Directory = directory;
        DType = dtype;
        Shape = shape;
        Grid = grid;
        ChunkBytes = chunkBytes;
        Generation = generation;
        Tiles = tiles;
    }

    /// <summary>The store directory (full path).</summary>
    public string Directory { get; }

    public DType DType { get; }

    public Shape Shape { get; }

    public TileGrid Grid { get; }

    public int ChunkBytes { get; }

    public string Generation { get; }

    public StoreTile[] Tiles { get; }

    /// <summary>The manifest text (UTF-8 JSON).</summary>
    public byte[] Serialize()
    {
        var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", Version);
            w.WriteString("dtype", DType.Name());
            w.WritePropertyName("shape");
            WriteLongs(w, Shape.Dims);
            w.WritePropertyName("bounds");
            w.WriteStartArray();
            for (int a = 0; a < Grid.Rank; a++)
            {
                WriteLongs(w, Grid.Bounds(a));
            }

            w.WriteEndArray();
            w.WriteNumber("chunkBytes", ChunkBytes);
            w.WriteString("checksum", "xxh3-64");
            w.WriteString("generation", Generation);
            w.WritePropertyName("tiles");
            w.WriteStartArray();
            foreach (StoreTile t in Tiles)
            {
                w.WriteStartObject();
                w.WriteString("file", t.File);
                w.WritePropertyName("ul");
                WriteLongs(w, t.Extent.UlSpan);
                w.WritePropertyName("lr");
                WriteLongs(w, t.Extent.LrSpan);
                w.WritePropertyName("hashes");
                w.WriteStartArray();
                foreach (ulong h in t.Hashes)
                {
                    w.WriteStringValue(h.ToString("x16", CultureInfo.InvariantCulture));
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        byte[] bodyBytes = body.ToArray();
        var outer = new MemoryStream();
        using (var w = new Utf8JsonWriter(outer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("checksum", "xxh3-64:" + XxHash3.HashToUInt64(bodyBytes).ToString("x16", CultureInfo.InvariantCulture));
            w.WritePropertyName("manifest");
            w.WriteRawValue(bodyBytes, skipInputValidation: true);
            w.WriteEndObject();
        }

        return outer.ToArray();
    }

    /// <summary>Reads and validates the manifest of the store at <paramref name="directory"/>.</summary>
    public static StoreManifest Read(string directory)
    {
        string dir = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(dir))
        {
            throw System.IO.File.Exists(dir)
                ? new IOException($"{dir}: is a file, not a store directory (use Sp.FromNpy for .npy files)")
                : new DirectoryNotFoundException($"{dir}: store directory not found");
        }

        string path = Path.Combine(dir, FileName);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: not found: {dir} is not a Spartan store (no {FileName})", path);
        }

        byte[] text;
        using (FileStream fs = FileIO.OpenReadStream(path))
        {
            if (fs.Length > MaxManifestBytes)
            {
                throw new InvalidDataException($"{path}: manifest of {fs.Length} bytes is larger than the {MaxManifestBytes}-byte limit");
            }

            text = new byte[fs.Length];
            fs.ReadExactly(text);
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("checksum", out JsonElement sum) || !root.TryGetProperty("manifest", out JsonElement body))
            {
                throw new InvalidDataException($"{path}: not a Spartan store manifest (no 'checksum' and 'manifest' members)");
            }

            byte[] raw = Encoding.UTF8.GetBytes(body.GetRawText());
            string want = "xxh3-64:" + XxHash3.HashToUInt64(raw).ToString("x16", CultureInfo.InvariantCulture);
            if (sum.ValueKind != JsonValueKind.String || sum.GetString() != want)
            {
                throw new InvalidDataException($"{path}: manifest checksum mismatch (recorded {Clip(sum.ToString())}, computed {want}): the manifest is corrupt or was edited");
            }

            return Parse(body, dir, path);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: manifest is not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or OverflowException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{path}: malformed manifest: {e.Message}", e);
        }
    }

    /// <summary>The generation a store's manifest names, or null when there is no readable manifest.</summary>
    public static string? TryReadGeneration(string dir)
    {
        try
        {
            return Read(dir).Generation;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static StoreManifest Parse(JsonElement m, string dir, string path)
    {
        InvalidDataException Bad(string what) => new($"{path}: malformed manifest: {what}");

        if (Str(m, "format") != Format)
        {
            throw Bad($"format is not '{Format}'");
        }

        long version = m.GetProperty("version").GetInt64();
        if (version != Version)
        {
            throw Bad($"store format version {version} is not supported (this build reads version {Version})");
        }

        string dtypeName = Str(m, "dtype");
        DType dtype = Enum.GetValues<DType>().FirstOrDefault(t => t.Name() == dtypeName, (DType)(-1));
        if (!Enum.IsDefined(dtype))
        {
            throw Bad($"unsupported dtype '{Clip(dtypeName)}'");
        }

        long[] dims = Longs(m.GetProperty("shape"), 32, "shape");
        Shape shape;
        try
        {
            shape = new Shape(dims);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Bad($"shape: {e.Message}");
        }

        JsonElement bounds = m.GetProperty("bounds");
        if (bounds.ValueKind != JsonValueKind.Array || bounds.GetArrayLength() != shape.Rank)
        {
            throw Bad($"'bounds' must list one array of split points per axis ({shape.Rank})");
        }

        var b = new long[shape.Rank][];
        long tileCount = 1;
        for (int a = 0; a < shape.Rank; a++)
        {
            b[a] = Longs(bounds[a], 1 << 20, $"bounds[{a}]");
            if (b[a].Length < 2 || b[a][0] != 0 || b[a][^1] != shape.Dims[a])
            {
                throw Bad($"bounds[{a}] must run from 0 to {shape.Dims[a]}");
            }

            for (int i = 1; i < b[a].Length; i++)
            {
                if (b[a][i] < b[a][i - 1])
                {
                    throw Bad($"bounds[{a}] is not sorted");
                }
            }

            tileCount *= b[a].Length - 1;
            if (tileCount > 1 << 24)
            {
                throw Bad("more than 16M tiles");
            }
        }

        var grid = new TileGrid(shape, b);
        long chunk = m.GetProperty("chunkBytes").GetInt64();
        if (chunk is < 4096 or > 1L << 30)
        {
            throw Bad($"chunkBytes {chunk} is outside 4096..2^30");
        }

        if (Str(m, "checksum") != "xxh3-64")
        {
            throw Bad($"checksum kind '{Clip(Str(m, "checksum"))}' is not supported");
        }

        string generation = Str(m, "generation");
        JsonElement tiles = m.GetProperty("tiles");
        if (tiles.ValueKind != JsonValueKind.Array || tiles.GetArrayLength() != grid.Count)
        {
            throw Bad($"the grid has {grid.Count} tiles but 'tiles' lists {(tiles.ValueKind == JsonValueKind.Array ? tiles.GetArrayLength() : 0)}");
        }

        string root = dir.EndsWith(Path.DirectorySeparatorChar) ? dir : dir + Path.DirectorySeparatorChar;
        var list = new StoreTile[grid.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int g = 0; g < list.Length; g++)
        {
            JsonElement t = tiles[g];
            string file = Str(t, "file");
            string full = Path.GetFullPath(Path.Combine(root, file));
            if (file.Length == 0 || Path.IsPathRooted(file) || file.Contains('\\', StringComparison.Ordinal) || !full.StartsWith(root, StringComparison.Ordinal) || !seen.Add(full))
            {
                throw new InvalidDataException($"{path}: tile {g} has path '{Clip(file)}', which escapes the store directory {dir} (or repeats another tile's)");
            }

            TileExtent e = grid.Extent(g);
            if (!Longs(t.GetProperty("ul"), 32, "ul").AsSpan().SequenceEqual(e.UlSpan) || !Longs(t.GetProperty("lr"), 32, "lr").AsSpan().SequenceEqual(e.LrSpan))
            {
                throw Bad($"tile {g} corners do not match the grid ({e})");
            }

            long bytes = e.Size * dtype.SizeOf();
            long chunks = (bytes + chunk - 1) / chunk;
            JsonElement hs = t.GetProperty("hashes");
            if (hs.ValueKind != JsonValueKind.Array || hs.GetArrayLength() != chunks)
            {
                throw Bad($"tile {g} needs {chunks} chunk checksums");
            }

            var hashes = new ulong[chunks];
            for (int k = 0; k < hashes.Length; k++)
            {
                string? hex = hs[k].GetString();
                if (hex is null || hex.Length != 16 || !ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out hashes[k]))
                {
                    throw Bad($"tile {g} checksum {k} is not 16 hex digits");
                }
            }

            list[g] = new StoreTile(file, full, e, hashes);
        }

        return new StoreManifest(dir, dtype, shape, grid, (int)chunk, generation, list);
    }

    private static string Str(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' must be a string");

    private static long[] Longs(JsonElement e, int max, string name)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() > max)
        {
            throw new FormatException($"'{name}' must be an array of at most {max} integers");
        }

        var r = new long[e.GetArrayLength()];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = e[i].GetInt64();
        }

        return r;
    }

    private static void WriteLongs(Utf8JsonWriter w, ReadOnlySpan<long> values)
    {
        w.WriteStartArray();
        foreach (long v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "..." : s;
}
