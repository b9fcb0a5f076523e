using System.Diagnostics;
using static Spartan.Tests.IO.IOTestUtil;

namespace Spartan.Tests.IO;

/// <summary>Files written by NumPy load exactly, and NumPy loads ours exactly. NumPy must be installed
/// (apt-get install python3-numpy): these tests fail, not skip, without it.</summary>
public class NumpyInteropTests
{
    private const string Python = "/usr/bin/python3";

    private static string Run(string script)
    {
        var psi = new ProcessStartInfo(File.Exists(Python) ? Python : "python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start python3");
        p.StandardInput.Close();
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "python3 did not finish in 120 s");
        Assert.True(p.ExitCode == 0, $"python3 failed ({p.ExitCode}): {err.Result}");
        return output;
    }

    private static void RequireNumpy()
    {
        try
        {
            Run("import numpy");
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException or System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"NumPy interop tests need NumPy for {Python}: install it with 'apt-get install -y python3-numpy' (CI installs it in .ci/run). Cause: {e.Message}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void NumpyFilesLoadExactly(int workers)
    {
        RequireNumpy();
        using var tmp = new TempDir();
        string d = tmp.Path.Replace("\\", "/", StringComparison.Ordinal);
        Run($$"""
import numpy as np
d = '{{d}}'
i = np.arange(10 * 7, dtype=np.int64).reshape(10, 7) * 1000000007 - 5
np.save(d + '/i8.npy', i)
np.save(d + '/i4be.npy', (i % 100000).astype('>i4'))
np.save(d + '/f8f.npy', np.asfortranarray(np.sin(i.astype(np.float64))))
np.save(d + '/f4.npy', np.linspace(-3, 3, 31, dtype=np.float32))
np.save(d + '/b.npy', (i % 3 == 0))
np.save(d + '/s.npy', np.float64(2.5))
np.save(d + '/v2.npy', np.arange(6.0).reshape(2, 3), allow_pickle=False)
np.savez(d + '/z.npz', a=i, b=np.arange(5, dtype=np.int32))
np.savez_compressed(d + '/zc.npz', a=i, b=np.arange(1000.0) * 0.5 - 3)
for name in ['i8', 'i4be', 'f8f', 'f4', 'b', 's', 'v2']:
    a = np.load(d + '/' + name + '.npy')
    np.ascontiguousarray(a.astype(a.dtype.newbyteorder('<'))).tofile(d + '/' + name + '.raw')
""");
        using var ctx = SpartanContext.StartLocal(workers);
        foreach ((string name, DType t, Shape s) in new (string, DType, Shape)[]
                 {
                     ("i8", DType.Int64, (10, 7)), ("i4be", DType.Int32, (10, 7)), ("f8f", DType.Float64, (10, 7)),
                     ("f4", DType.Float32, 31), ("b", DType.Bool, (10, 7)), ("s", DType.Float64, Shape.Scalar), ("v2", DType.Float64, (2, 3)),
                 })
        {
            NDArray r = Sp.FromNpy(tmp[name + ".npy"], tileHint: s == new Shape(10, 7) ? new Shape(3, 5) : (Shape?)null).Glom();
            Assert.Equal(t, r.DType);
            Assert.Equal(s, r.Shape);
            Assert.True(r.AsBytes().SequenceEqual(File.ReadAllBytes(tmp[name + ".raw"])), $"{name} differs");
        }

        NDArray za = Sp.FromNpz(tmp["z.npz"], "a").Glom();
        AssertSame(Sp.FromNpy(tmp["i8.npy"]).Glom(), za);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, Sp.FromNpz(tmp["z.npz"], "b").Glom().ToArray<int>());
        AssertSame(za, Sp.FromNpz(tmp["zc.npz"], "a", tileHint: (4, 7)).Glom());
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * 0.5 - 3), Sp.FromNpz(tmp["zc.npz"], "b", tileHint: 77).Glom().ToArray<double>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void NumpyLoadsOurFilesExactly(int workers)
    {
        RequireNumpy();
        using var tmp = new TempDir();
        using var ctx = SpartanContext.StartLocal(workers);
        foreach (DType t in AllTypes)
        {
            NDArray a = Sample(t, (11, 7));
            Sp.ToNpy(Sp.FromArray(a, tileHint: (3, 5)), tmp[$"{t}.npy"]);
            File.WriteAllBytes(tmp[$"{t}.raw"], a.AsBytes().ToArray());
            Sp.Save(Sp.FromArray(a, tileHint: (4, 3)), tmp[$"{t}-store"]);
        }

        string d = tmp.Path.Replace("\\", "/", StringComparison.Ordinal);
        string output = Run($$"""
import numpy as np, glob, json
d = '{{d}}'
names = {'Bool': '|b1', 'Int32': '<i4', 'Int64': '<i8', 'Float32': '<f4', 'Float64': '<f8'}
for t, descr in names.items():
    a = np.load(d + '/' + t + '.npy', allow_pickle=False)
    raw = np.fromfile(d + '/' + t + '.raw', dtype=descr).reshape(11, 7)
    assert a.dtype == np.dtype(descr), (t, a.dtype)
    assert a.shape == (11, 7), a.shape
    assert a.tobytes() == raw.tobytes(), t
    m = json.load(open(d + '/' + t + '-store/manifest.json'))['manifest']
    whole = np.zeros((11, 7), dtype=descr)
    for tile in m['tiles']:
        part = np.load(d + '/' + t + '-store/' + tile['file'], allow_pickle=False)
        (r0, c0), (r1, c1) = tile['ul'], tile['lr']
        whole[r0:r1, c0:c1] = part
    assert whole.tobytes() == raw.tobytes(), t + ' store'
print('ok')
""");
        Assert.Equal("ok", output.Trim());
    }
}
