using System.IO.Compression;
using System.Text;
using static Spartan.Tests.IO.IOTestUtil;

namespace Spartan.Tests.IO;

public class NpyTests
{
    public static TheoryData<DType, int> TypesAndWorkers()
    {
        var d = new TheoryData<DType, int>();
        foreach (DType t in AllTypes)
        {
            d.Add(t, 1);
            d.Add(t, 3);
        }

        return d;
    }

    private static readonly (Shape Shape, Shape? Hint)[] Layouts =
    [
        ((10, 7), (3, 5)),
        (17, 4),
        ((4, 5, 6), (3, 2, 5)),
        ((6, 1), null),
        (Shape.Scalar, null),
        ((0, 3), null),
        ((5000, 3), (777, 2)),
    ];

    [Theory]
    [MemberData(nameof(TypesAndWorkers))]
    public void ToNpyFromNpyRoundTripIsExact(DType t, int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        using var tmp = new TempDir();
        int k = 0;
        foreach ((Shape shape, Shape? hint) in Layouts)
        {
            NDArray a = Sample(t, shape, k);
            string f = tmp[$"a{k++}.npy"];
            Sp.ToNpy(Sp.FromArray(a, tileHint: hint), f);
            AssertSame(a, Sp.FromNpy(f).Glom());
            AssertSame(a, Sp.FromNpy(f, tileHint: hint).Glom());
            Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));
        }
    }

    [Fact]
    public void HeaderIsByteIdenticalToNumPy124()
    {
        using var tmp = new TempDir();
        using var ctx = SpartanContext.StartLocal(2);
        Sp.ToNpy(Sp.FromArray(NDArray.From(new double[12], new Shape(3, 4))), tmp["a.npy"]);
        byte[] b = File.ReadAllBytes(tmp["a.npy"]);
        Assert.Equal(128 + 96, b.Length);
        string expected = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }" + new string(' ', 58) + "\n";
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }, b[..10]);
        Assert.Equal(expected, Encoding.Latin1.GetString(b, 10, 118));
    }

    [Theory]
    [MemberData(nameof(TypesAndWorkers))]
    public void ReadsEveryVersionByteOrderAndMemoryOrder(DType t, int workers)
    {
        using var ctx = SpartanContext.StartLocal(workers);
        using var tmp = new TempDir();
        int k = 0;
        foreach ((Shape shape, Shape? hint) in Layouts)
        {
            NDArray a = Sample(t, shape, k);
            foreach (int version in (int[])[1, 2, 3])
            {
                foreach (bool big in (bool[])[false, true])
                {
                    foreach (bool fortran in (bool[])[false, true])
                    {
                        string f = tmp[$"v{version}-{big}-{fortran}-{k}.npy"];
                        File.WriteAllBytes(f, MakeNpy(a, version, big, fortran));
                        AssertSame(a, Sp.FromNpy(f, tileHint: hint).Glom());
                    }
                }
            }

            k++;
        }
    }

    [Fact]
    public void BoolBytesOtherThanZeroAndOneReadAsTrue()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        byte[] f = MakeNpy(NDArray.From(new[] { true, false, true, false }));
        f[^4] = 7;
        f[^2] = 255;
        File.WriteAllBytes(tmp["b.npy"], f);
        Assert.Equal(new[] { true, false, true, false }, Sp.FromNpy(tmp["b.npy"]).Glom().ToArray<bool>());
        Assert.Equal(2L, Sp.FromNpy(tmp["b.npy"]).AsType(DType.Int64).Sum().Glom().ToScalar<long>());
    }

    [Fact]
    public void ReadingIsLazyAndRereadsTheFile()
    {
        using var ctx = SpartanContext.StartLocal(3);
        using var tmp = new TempDir();
        NDArray a = Sample(DType.Float64, (100, 10));
        File.WriteAllBytes(tmp["a.npy"], MakeNpy(a));
        Expr x = Sp.FromNpy(tmp["a.npy"], tileHint: (7, 10));
        Assert.Equal(new Shape(100, 10), x.Shape);
        Assert.Equal(DType.Float64, x.DType);
        DistArray d = x.Evaluate();
        Assert.Equal(15, d.Tiles.Count);
        Assert.Equal(3, d.Tiles.Select(t => t.Worker).Distinct().Count());
        Expr y = d * 2;
        d.Dispose();
        NDArray twice = y.Glom();
        Assert.Equal(a.ToArray<double>().Select(v => v * 2), twice.ToArray<double>());
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void ReadsNpzStoredAndDeflated(CompressionLevel level)
    {
        using var ctx = SpartanContext.StartLocal(3);
        using var tmp = new TempDir();
        NDArray a = Sample(DType.Int64, (50, 9));
        NDArray b = Sample(DType.Float32, 33);
        NDArray c = Sample(DType.Int32, (8, 7, 3));
        using (ZipArchive zip = ZipFile.Open(tmp["z.npz"], ZipArchiveMode.Create))
        {
            Add(zip, "a.npy", MakeNpy(a), level);
            Add(zip, "b.npy", MakeNpy(b, bigEndian: true), level);
            Add(zip, "c.npy", MakeNpy(c, fortran: true), level);
        }

        AssertSame(a, Sp.FromNpz(tmp["z.npz"], "a", tileHint: (7, 4)).Glom());
        AssertSame(b, Sp.FromNpz(tmp["z.npz"], "b.npy", tileHint: 5).Glom());
        AssertSame(c, Sp.FromNpz(tmp["z.npz"], "c", tileHint: (3, 2, 2)).Glom());
        ArgumentException e = Assert.Throws<ArgumentException>(() => Sp.FromNpz(tmp["z.npz"], "nope"));
        Assert.Contains("z.npz", e.Message);
        Assert.Contains("a, b, c", e.Message);
    }

    internal static void Add(ZipArchive zip, string name, byte[] data, CompressionLevel level)
    {
        ZipArchiveEntry e = zip.CreateEntry(name, level);
        using Stream s = e.Open();
        s.Write(data);
    }

    [Fact]
    public void ProgressIsReported()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        var seen = new SyncProgress();
        Sp.ToNpy(Sp.Rand((2000, 100), seed: 1, tileHint: (100, 100)), tmp["p.npy"], seen);
        Assert.Equal(1.0, seen.Values[^1]);
        Assert.True(seen.Values.Count > 2, $"only {seen.Values.Count} reports");
        Assert.Equal(seen.Values.OrderBy(v => v), seen.Values);
        var read = new SyncProgress();
        Sp.FromNpy(tmp["p.npy"], tileHint: (100, 100), progress: read).Evaluate();
        Assert.Equal(1.0, read.Values[^1]);
    }
}

/// <summary>An IProgress that records synchronously (Progress&lt;T&gt; posts asynchronously).</summary>
internal sealed class SyncProgress : IProgress<double>
{
    public List<double> Values { get; } = [];

    public void Report(double value)
    {
        lock (Values)
        {
            Values.Add(value);
        }
    }
}
