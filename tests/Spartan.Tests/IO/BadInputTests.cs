using System.Buffers.Binary;
using System.Text;
using static Spartan.Tests.IO.IOTestUtil;

namespace Spartan.Tests.IO;

public class BadInputTests
{
    private static string Write(TempDir tmp, string name, byte[] data)
    {
        File.WriteAllBytes(tmp[name], data);
        return tmp[name];
    }

    private static byte[] Valid() => MakeNpy(Sample(DType.Float64, (6, 4)));

    [Fact]
    public void MissingFileAndDirectory()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        Exception e = AssertClearError(() => Sp.FromNpy(tmp["missing.npy"]), "missing.npy");
        Assert.IsAssignableFrom<FileNotFoundException>(e);
        AssertClearError(() => Sp.FromNpy(Path.Combine(tmp.Path, "nodir", "x.npy")), "x.npy");
        AssertClearError(() => Sp.Load(tmp["nostore"]), "nostore");
        AssertClearError(() => Sp.Load(tmp.Path), "manifest.json");
        AssertClearError(() => Sp.ToNpy(Sp.Ones(3), Path.Combine(tmp.Path, "nodir", "y.npy")), "y.npy");
        AssertClearError(() => Sp.FromNpz(tmp["missing.npz"], "a"), "missing.npz");
    }

    [Fact]
    public void TruncatedFiles()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        byte[] v = Valid();
        foreach (int len in (int[])[0, 3, 8, 9, 50, 127, 128, v.Length - 1])
        {
            string f = Write(tmp, $"t{len}.npy", v[..len]);
            AssertClearError(() => Sp.FromNpy(f), $"t{len}.npy");
        }
    }

    [Fact]
    public void ExtraTrailingData()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        string f = Write(tmp, "long.npy", [.. Valid(), 1, 2, 3]);
        Exception e = AssertClearError(() => Sp.FromNpy(f), "long.npy");
        Assert.Contains("does not match the data length", e.Message);
    }

    [Fact]
    public void WrongMagicAndVersion()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        byte[] v = Valid();
        v[1] = (byte)'X';
        Assert.Contains("magic", AssertClearError(() => Sp.FromNpy(Write(tmp, "m.npy", v)), "m.npy").Message);
        byte[] zip = [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Contains("FromNpz", AssertClearError(() => Sp.FromNpy(Write(tmp, "z.npy", zip)), "z.npy").Message);
        byte[] w = Valid();
        w[6] = 9;
        Assert.Contains("version 9.0", AssertClearError(() => Sp.FromNpy(Write(tmp, "v.npy", w)), "v.npy").Message);
    }

    [Fact]
    public void HeaderTooLong()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        byte[] v = MakeNpy(Sample(DType.Int32, 4), version: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(v.AsSpan(8), uint.MaxValue);
        Exception e = AssertClearError(() => Sp.FromNpy(Write(tmp, "h.npy", v)), "h.npy");
        Assert.Contains("limit", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False}", "'shape'")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6, 4), 'extra': True}", "unexpected key")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (24), }", "not a tuple")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6, -4), }", "negative")]
    [InlineData("{'descr': '<f8', 'fortran_order': 1, 'shape': (6, 4), }", "expected")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6, 4), ", "expected")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6, 4), } junk", "after the header")]
    [InlineData("__import__('os').system('x')", "expected '{'")]
    [InlineData("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6, 4), }", "duplicate")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 4), }", "too large")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", "shape")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6, 5), }", "truncated")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (6, 3), }", "does not match")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), }", "does not match")]
    [InlineData("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (6, 4), }", "structured")]
    public void MalformedHeaders(string dict, string expected)
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        byte[] v = MakeNpy(Sample(DType.Float64, (6, 4)), dictOverride: dict);
        Exception e = AssertClearError(() => Sp.FromNpy(Write(tmp, "bad.npy", v)), "bad.npy");
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("<c16", "complex128")]
    [InlineData("|O", "object")]
    [InlineData("<u2", "uint16")]
    [InlineData("<U5", "unicode")]
    [InlineData("<f2", "float16")]
    public void UnsupportedDtypesAreNamed(string descr, string name)
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        byte[] v = MakeNpy(Sample(DType.Float64, (6, 4)), dictOverride: $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (6, 4), }}");
        Exception e = AssertClearError(() => Sp.FromNpy(Write(tmp, "u.npy", v)), "u.npy");
        Assert.IsType<InvalidDataException>(e);
        Assert.Contains($"'{descr}'", e.Message);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void FileChangedBetweenBuildAndEvaluate()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        string f = Write(tmp, "c.npy", Valid());
        Expr x = Sp.FromNpy(f);
        File.WriteAllBytes(f, Valid()[..100]);
        AssertClearError(() => x.Glom(), "c.npy");
    }

    [Fact]
    public void CorruptNpz()
    {
        using var ctx = SpartanContext.StartLocal(1);
        using var tmp = new TempDir();
        string f = Write(tmp, "c.npz", Encoding.ASCII.GetBytes("PK this is not a zip file at all, really"));
        AssertClearError(() => Sp.FromNpz(f, "a"), "c.npz");
    }

    [Fact]
    public void FuzzedNpyFilesGiveTheRightDataOrAClearError()
    {
        using var ctx = SpartanContext.StartLocal(2);
        using var tmp = new TempDir();
        NDArray a = Sample(DType.Int32, (9, 5));
        byte[] valid = MakeNpy(a);
        var rng = new Random(12345);
        int ok = 0, failed = 0;
        string f = tmp["f.npy"];
        for (int i = 0; i < 2500; i++)
        {
            byte[] m = (byte[])valid.Clone();
            switch (rng.Next(5))
            {
                case 0:
                    m[rng.Next(m.Length)] = (byte)rng.Next(256);
                    break;
                case 1:
                    m = m[..rng.Next(m.Length)];
                    break;
                case 2:
                {
                    // Mutate inside the header text, where the parser is.
                    int at = 10 + rng.Next(70);
                    m[at] = (byte)"(),:'{} 0123456789-TrueFalse<>|fib"[rng.Next(34)];
                    break;
                }

                case 3:
                    for (int k = 0; k < 4; k++)
                    {
                        m[rng.Next(Math.Min(m.Length, 128))] ^= (byte)(1 << rng.Next(8));
                    }

                    break;
                default:
                    m = [.. m, .. new byte[rng.Next(1, 64)]];
                    break;
            }

            File.WriteAllBytes(f, m);
            try
            {
                NDArray r = Sp.FromNpy(f, tileHint: rng.Next(2) == 0 ? (Shape?)null : new Shape(4, 3)).Glom();
                ok++;
                if (m.Length == valid.Length && m.AsSpan(0, 128).SequenceEqual(valid.AsSpan(0, 128)))
                {
                    // Same header: the data must be exactly the file's bytes.
                    Assert.Equal(a.Shape, r.Shape);
                    Assert.True(r.AsBytes().SequenceEqual(m.AsSpan(128)));
                }
            }
            catch (Exception e)
            {
                failed++;
                AssertClear(e, "f.npy");
            }
        }

        Assert.True(ok > 50 && failed > 500, $"ok={ok} failed={failed}");
    }
}
