using System.Text;
using System.Text.Json;
using Spartan.IO;
using static Spartan.Tests.IO.IOTestUtil;

namespace Spartan.Tests.IO;

public class StoreTests
{
    public static TheoryData<DType, int> TypesAndWorkers() => NpyTests.TypesAndWorkers();

    [Theory]
    [MemberData(nameof(TypesAndWorkers))]
    public void SaveLoadRoundTripIsExact(DType t, int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        using var tmp = new TempDir();
        (Shape, Shape?)[] layouts = [((10, 7), (3, 5)), (17, 4), ((4, 5, 6), (3, 2, 5)), (Shape.Scalar, null), ((0, 3), null)];
        int k = 0;
        foreach ((Shape shape, Shape? hint) in layouts)
        {
            NDArray a = Sample(t, shape, k);
            string dir = tmp[$"s{k++}"];
            Sp.Save(Sp.FromArray(a, tileHint: hint), dir);
            Expr loaded = Sp.Load(dir);
            AssertSame(a, loaded.Glom());
            if (hint is Shape h)
            {
                Assert.Equal(Sp.FromArray(a, tileHint: h).Evaluate().Tiles.Count, loaded.Evaluate().Tiles.Count);
            }
        }
    }

    [Fact]
    public void LoadsOntoOtherWorkerCountsAndTileHints()
    {
        using var tmp = new TempDir();
        NDArray a = Sample(DType.Float64, (23, 11));
        using (SpartanContext.StartLocal(3))
        {
            Sp.Save(Sp.FromArray(a, tileHint: (5, 4)), tmp["s"]);
        }

        foreach (int w in (int[])[1, 2, 5])
        {
            using var ctx = SpartanContext.StartLocal(w);
            AssertSame(a, Sp.Load(tmp["s"]).Glom());
            DistArray d = Sp.Load(tmp["s"], tileHint: (7, 3)).Evaluate();
            Assert.Equal(4 * 4, d.Tiles.Count);
            AssertSame(a, d.Glom());
            Assert.Equal(a.ToArray<double>().Sum() * 2, (Sp.Load(tmp["s"]) * 2).Sum().Glom().ToScalar<double>(), 1e-6);
        }
    }

    /// <summary>Tiles of several 8 MiB segments go through the parallel lanes (writes hashed per segment, reads
    /// verified per segment, a short last chunk); repeated saves recycle the oldest generation's files, also when the
    /// new tiling has fewer tiles.</summary>
    [Fact]
    public void LargeTilesUseParallelLanesAndRecycleOldGenerations()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        const long n = 2_700_001;
        NDArray a = Sample(DType.Float64, new Shape(n), 1);
        NDArray b = Sample(DType.Float64, new Shape(n), 2);
        Sp.Save(Sp.FromArray(a, tileHint: new Shape(n / 2 + 1)), tmp["s"]);
        Sp.Save(Sp.FromArray(b, tileHint: new Shape(n / 2 + 1)), tmp["s"]);
        AssertSame(b, Sp.Load(tmp["s"]).Glom());
        string[] before = Directory.GetDirectories(tmp["s"], "gen-*");
        Assert.Equal(2, before.Length);

        // The third save reuses the first save's folder (2 tile files) for its single tile.
        Sp.Save(Sp.FromArray(a, tileHint: new Shape(n)), tmp["s"]);
        AssertSame(a, Sp.Load(tmp["s"]).Glom());
        string[] after = Directory.GetDirectories(tmp["s"], "gen-*");
        Assert.Equal(2, after.Length);
        string current = JsonDocument.Parse(File.ReadAllBytes(tmp["s/manifest.json"])).RootElement.GetProperty("manifest").GetProperty("generation").GetString()!;
        string[] files = Directory.GetFiles(Path.Combine(tmp["s"], current));
        Assert.Equal([Path.Combine(tmp["s"], current, "t000000.npy")], files);
        AssertSame(a, Sp.FromNpy(files[0]).Glom());

        Sp.ToNpy(Sp.FromArray(a, tileHint: new Shape(n / 2 + 1)), tmp["a.npy"]);
        AssertSame(a, Sp.FromNpy(tmp["a.npy"], tileHint: new Shape(n / 3 + 1)).Glom());

        // A flipped byte in the third 8 MiB segment is caught by that segment's lane.
        using (var f = new FileStream(files[0], FileMode.Open, FileAccess.ReadWrite))
        {
            long at = f.Length - (n * 8) + (17L << 20) + 5;
            f.Position = at;
            int v = f.ReadByte();
            f.Position = at;
            f.WriteByte((byte)(v ^ 0x40));
        }

        Exception e = AssertClearError(() => Sp.Load(tmp["s"]).Glom(), files[0]);
        Assert.Contains("checksum mismatch", e.ToString());
        Assert.Contains("(chunk 17)", e.ToString());
    }

    [Fact]
    public void StoreLayoutIsOneNpyPerTilePlusAManifest()
    {
        using var ctx = SpartanContext.StartLocal(3);
        using var tmp = new TempDir();
        NDArray a = Sample(DType.Int64, (10, 7));
        Sp.Save(Sp.FromArray(a, tileHint: (3, 5)), tmp["s"]);
        string[] gens = Directory.GetDirectories(tmp["s"], "gen-*");
        Assert.Single(gens);
        Assert.Equal(8, Directory.GetFiles(gens[0], "*.npy").Length);
        Assert.True(File.Exists(Path.Combine(tmp["s"], "manifest.json")));
        // Each tile is a plain .npy file.
        NDArray t0 = Sp.FromNpy(Path.Combine(gens[0], "t000000.npy")).Glom();
        Assert.Equal(new Shape(3, 5), t0.Shape);
        Assert.Equal(a.Item<long>(2, 4), t0.Item<long>(2, 4));
    }

    [Fact]
    public void PartialLoadReadsTheRegion()
    {
        using var ctx = SpartanContext.StartLocal(3);
        using var tmp = new TempDir();
        NDArray a = Sample(DType.Int32, (20, 9, 4));
        Sp.Save(Sp.FromArray(a, tileHint: (6, 4, 3)), tmp["s"]);
        int[] all = a.ToArray<int>();
        int At(long i, long j, long k) => all[(i * 9 + j) * 4 + k];

        NDArray r = Sp.PartialLoad(tmp["s"], 3..17, 2..7, ..).Glom();
        Assert.Equal(new Shape(14, 5, 4), r.Shape);
        for (long i = 0; i < 14; i++)
        {
            for (long j = 0; j < 5; j++)
            {
                for (long k = 0; k < 4; k++)
                {
                    Assert.Equal(At(i + 3, j + 2, k), r.Item<int>(i, j, k));
                }
            }
        }

        NDArray row = Sp.PartialLoad(tmp["s"], 7, 1..^1).Glom();
        Assert.Equal(new Shape(7, 4), row.Shape);
        Assert.Equal(At(7, 1, 0), row.Item<int>(0, 0));
        Assert.Equal(At(7, 7, 3), row.Item<int>(6, 3));

        NDArray one = Sp.PartialLoad(tmp["s"], -1, 8, 3).Glom();
        Assert.Equal(Shape.Scalar, one.Shape);
        Assert.Equal(At(19, 8, 3), one.ToScalar<int>());

        NDArray empty = Sp.PartialLoad(tmp["s"], 5..5).Glom();
        Assert.Equal(new Shape(0, 9, 4), empty.Shape);
        AssertSame(a, Sp.PartialLoad(tmp["s"]).Glom());

        Assert.Throws<ArgumentException>(() => Sp.PartialLoad(tmp["s"], SliceIndex.Range(0, 10, 2)));
        Assert.Throws<ArgumentException>(() => Sp.PartialLoad(tmp["s"], SliceIndex.NewAxis));
        Assert.Throws<ArgumentException>(() => Sp.PartialLoad(tmp["s"], 1, 2, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sp.PartialLoad(tmp["s"], 20));
    }

    [Fact]
    public void PartialLoadReadsOnlyTheTilesAndChunksItNeeds()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        // 4 tiles of 2 MiB rows each = 4 checksum chunks per tile.
        Sp.Save(Sp.Rand((4096, 256), seed: 3, tileHint: (1024, 256)), tmp["s"]);
        string gen = Directory.GetDirectories(tmp["s"], "gen-*")[0];
        // Damage tiles the region does not touch, and a chunk of the touched tile it does not need.
        Corrupt(Path.Combine(gen, "t000000.npy"), 1000);
        Corrupt(Path.Combine(gen, "t000003.npy"), 1000);
        using var t1 = new FileStream(Path.Combine(gen, "t000001.npy"), FileMode.Open);
        t1.Position = t1.Length - 10;
        t1.WriteByte(0x55);
        t1.Dispose();
        double[] all = Sp.Rand((4096, 256), seed: 3).Glom().ToArray<double>();
        NDArray got = Sp.PartialLoad(tmp["s"], 1100..1200).Glom();
        Assert.Equal(new Shape(100, 256), got.Shape);
        Assert.Equal(all[(1100 * 256)..(1200 * 256)], got.ToArray<double>());
        AssertClearError(() => Sp.Load(tmp["s"]).Glom(), "t00000");
    }

    private static void Corrupt(string file, long at)
    {
        using var fs = new FileStream(file, FileMode.Open);
        fs.Position = at;
        int b = fs.ReadByte();
        fs.Position = at;
        fs.WriteByte((byte)(b ^ 0xFF));
    }

    [Fact]
    public void ResaveKeepsThePreviousGenerationAndDropsOlderOnes()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        for (int i = 0; i < 4; i++)
        {
            Sp.Save(Sp.Full((5, 5), i), tmp["s"]);
            Assert.Equal(i, Sp.Load(tmp["s"]).Glom().Item<double>(4, 4));
        }

        Assert.Equal(2, Directory.GetDirectories(tmp["s"], "gen-*").Length);
    }

    [Fact]
    public void ChecksumFailureNamesTheTileFile()
    {
        using var ctx = SpartanContext.StartLocal(3);
        using var tmp = new TempDir();
        Sp.Save(Sp.Arange(1000), tmp["s"]);
        string gen = Directory.GetDirectories(tmp["s"], "gen-*")[0];
        string victim = Directory.GetFiles(gen, "*.npy").OrderBy(f => f).Last();
        Corrupt(victim, new FileInfo(victim).Length - 3);
        Exception e = AssertClearError(() => Sp.Load(tmp["s"]).Glom(), Path.GetFileName(victim));
        Assert.Contains("checksum", e.ToString());
    }

    [Fact]
    public void ReplacedTileFileIsRefused()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        Sp.Save(Sp.FromArray(Enumerable.Range(0, 100).Select(i => (long)i).ToArray(), tileHint: 25), tmp["s"]);
        string gen = Directory.GetDirectories(tmp["s"], "gen-*")[0];
        string victim = Path.Combine(gen, "t000002.npy");
        // Same shape and dtype, other values.
        Sp.ToNpy(Sp.Arange(25) * 2, victim);
        AssertClearError(() => Sp.Load(tmp["s"]).Glom(), "t000002.npy");
        // Other dtype.
        Sp.ToNpy(Sp.Ones(25), victim);
        Exception e = AssertClearError(() => Sp.Load(tmp["s"]).Glom(), "t000002.npy");
        Assert.Contains("replaced", e.ToString());
        File.Delete(victim);
        AssertClearError(() => Sp.Load(tmp["s"]).Glom(), "t000002.npy");
    }

    [Fact]
    public void ManifestChecksumFailure()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        Sp.Save(Sp.Arange(10), tmp["s"]);
        string mf = Path.Combine(tmp["s"], "manifest.json");
        string text = File.ReadAllText(mf);
        File.WriteAllText(mf, text.Replace("\"shape\": [\n      10\n    ]", "\"shape\": [\n      11\n    ]", StringComparison.Ordinal).Replace("10\n", "11\n", StringComparison.Ordinal));
        Exception e = AssertClearError(() => Sp.Load(tmp["s"]), "manifest.json");
        Assert.Contains("checksum", e.Message);
        File.WriteAllText(mf, "{ not json");
        AssertClearError(() => Sp.Load(tmp["s"]), "manifest.json");
        File.WriteAllText(mf, "[]");
        AssertClearError(() => Sp.Load(tmp["s"]), "manifest.json");
    }

    [Fact]
    public void PathEscapingTheStoreIsRefused()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        Sp.Save(Sp.Arange(10), tmp["s"]);
        foreach (string evil in (string[])["../evil.npy", "/etc/passwd", "gen/../../x.npy", "..\\x.npy"])
        {
            RewriteManifest(tmp["s"], body => body.Replace(JsonSerializer.Serialize(FirstFile(body)), JsonSerializer.Serialize(evil), StringComparison.Ordinal));
            Exception e = AssertClearError(() => Sp.Load(tmp["s"]), "manifest.json");
            Assert.Contains("escapes the store", e.Message);
            Sp.Save(Sp.Arange(10), tmp["s"]);
        }
    }

    /// <summary>Edits the manifest body and re-signs it, as an attacker who knows the format could.</summary>
    internal static void RewriteManifest(string dir, Func<string, string> edit)
    {
        string mf = Path.Combine(dir, "manifest.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(mf));
        string body = edit(doc.RootElement.GetProperty("manifest").GetRawText());
        ulong h = System.IO.Hashing.XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(body));
        File.WriteAllText(mf, $"{{\"checksum\": \"xxh3-64:{h:x16}\", \"manifest\": {body}}}");
    }

    private static string FirstFile(string body)
    {
        using JsonDocument d = JsonDocument.Parse(body);
        return d.RootElement.GetProperty("tiles")[0].GetProperty("file").GetString()!;
    }

    [Fact]
    public void HostileManifestValuesGiveClearErrors()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        string[] edits =
        [
            "\"dtype\": \"complex128\"",
            "\"version\": 99",
            "\"chunkBytes\": 1",
        ];
        foreach (string edit in edits)
        {
            Sp.Save(Sp.Arange(10), tmp["s"]);
            string key = edit.Split(':')[0];
            RewriteManifest(tmp["s"], body =>
            {
                int i = body.IndexOf(key, StringComparison.Ordinal);
                int j = body.IndexOf(',', i);
                return body[..i] + edit + body[j..];
            });
            AssertClearError(() => Sp.Load(tmp["s"]), "manifest.json");
        }
    }

    [Fact]
    public void SaveProgressIsReported()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        var p = new SyncProgress();
        Sp.Save(Sp.Rand((4000, 100), seed: 2, tileHint: (500, 100)), tmp["s"], p);
        Assert.Equal(1.0, p.Values[^1]);
        Assert.True(p.Values.Count >= 3);
        var l = new SyncProgress();
        Sp.Load(tmp["s"], progress: l).Evaluate();
        Assert.Equal(1.0, l.Values[^1]);
    }

    [Fact]
    public void OptionsProgressSinkSeesLargeOperations()
    {
        var seen = new List<IOProgressInfo>();
        var sink = new InfoSink(seen);
        using var ctx = SpartanContext.StartLocal(new SpartanOptions { Workers = 2, IOProgress = sink, IOProgressMinBytes = 1_000_000 });
        using var tmp = new TempDir();
        Sp.Save(Sp.Ones(1000), tmp["small"]);
        Assert.Empty(seen);
        Sp.Save(Sp.Ones((1000, 200)), tmp["big"]);
        Assert.Contains(seen, i => i.Operation == "save" && i.Fraction == 1.0 && i.BytesTotal == 1_600_000);
    }

    private sealed class InfoSink(List<IOProgressInfo> seen) : IProgress<IOProgressInfo>
    {
        public void Report(IOProgressInfo value)
        {
            lock (seen)
            {
                seen.Add(value);
            }
        }
    }
}

/// <summary>Tests that install the write hook run in one class, so they never overlap.</summary>
public class StoreFailureTests
{
    [Fact]
    public void DiskFullDuringSaveKeepsThePreviousSave()
    {
        using var ctx = SpartanContext.StartLocal(3);
        using var tmp = new TempDir();
        NDArray a = Sample(DType.Float64, (40, 30));
        Sp.Save(Sp.FromArray(a, tileHint: (10, 30)), tmp["s"]);
        foreach (long budget in (long[])[0, 100, 2000])
        {
            FileIO.WriteHook = FullDisk(tmp.Path, budget);
            try
            {
                Exception e = AssertClearError(() => Sp.Save(Sp.Zeros((40, 30), tileHint: (10, 30)), tmp["s"]), tmp.Path);
                Assert.Contains("No space left", e.ToString());
            }
            finally
            {
                FileIO.WriteHook = null;
            }

            AssertSame(a, Sp.Load(tmp["s"]).Glom());
            Assert.Single(Directory.GetDirectories(tmp["s"], "gen-*"));
            Assert.Empty(Directory.GetFiles(tmp["s"], "*.tmp-*"));
        }
    }

    [Fact]
    public void ManifestWriteFailureKeepsThePreviousSave()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        Sp.Save(Sp.Arange(50), tmp["s"]);
        FileIO.WriteHook = FullDisk(Path.Combine(tmp["s"], "manifest.json.tmp"), 10);
        try
        {
            AssertClearError(() => Sp.Save(Sp.Arange(50) * 3, tmp["s"]), "manifest.json");
        }
        finally
        {
            FileIO.WriteHook = null;
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), Sp.Load(tmp["s"]).Glom().ToArray<long>());
    }

    [Fact]
    public void DiskFullDuringToNpyKeepsTheOldFile()
    {
        using var ctx = SpartanContext.StartLocal(3);
        using var tmp = new TempDir();
        Sp.ToNpy(Sp.Arange(300), tmp["a.npy"]);
        FileIO.WriteHook = FullDisk(tmp.Path, 1000);
        try
        {
            AssertClearError(() => Sp.ToNpy(Sp.Arange(300) * 2, tmp["a.npy"]), "a.npy");
        }
        finally
        {
            FileIO.WriteHook = null;
        }

        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), Sp.FromNpy(tmp["a.npy"]).Glom().ToArray<long>());
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));
    }

    /// <summary>A write hook that fails like a full disk once <paramref name="budget"/> bytes in all are written to
    /// files whose path starts with <paramref name="prefix"/>.</summary>
    private static Action<string, int> FullDisk(string prefix, long budget)
    {
        long written = 0;
        return (path, bytes) =>
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && Interlocked.Add(ref written, bytes) > budget)
            {
                throw new IOException("No space left on device");
            }
        };
    }
}
