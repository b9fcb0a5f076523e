using System.Buffers.Binary;
using System.Text;

namespace Spartan.Tests.IO;

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spartan-io-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class IOTestUtil
{
    public static readonly DType[] AllTypes = [DType.Bool, DType.Int32, DType.Int64, DType.Float32, DType.Float64];

    /// <summary>Deterministic values that exercise every byte of the element (negative, large, fractional, NaN).</summary>
    public static NDArray Sample(DType t, Shape shape, int salt = 0)
    {
        int n = checked((int)shape.Size);
        switch (t)
        {
            case DType.Bool: return NDArray.From(Enumerable.Range(0, n).Select(i => (i + salt) % 3 == 0).ToArray(), shape);
            case DType.Int32: return NDArray.From(Enumerable.Range(0, n).Select(i => unchecked((i + salt) * 1_000_003 - 77)).ToArray(), shape);
            case DType.Int64: return NDArray.From(Enumerable.Range(0, n).Select(i => unchecked((long)(i + salt) * 1_000_000_007_123L - 5)).ToArray(), shape);
            case DType.Float32: return NDArray.From(Enumerable.Range(0, n).Select(i => i == 5 ? float.NaN : (i + salt) * 0.37f - 11.5f).ToArray(), shape);
            default: return NDArray.From(Enumerable.Range(0, n).Select(i => i == 3 ? double.NegativeInfinity : (i + salt) * 1.0 / 3 - 1e300 * (i % 2)).ToArray(), shape);
        }
    }

    public static void AssertSame(NDArray expected, NDArray actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.True(expected.AsBytes().SequenceEqual(actual.AsBytes()), $"data differs for {expected.DType.Name()}{expected.Shape}");
    }

    public static string Descr(DType t, char order) => t switch
    {
        DType.Bool => "|b1",
        DType.Int32 => $"{order}i4",
        DType.Int64 => $"{order}i8",
        DType.Float32 => $"{order}f4",
        _ => $"{order}f8",
    };

    /// <summary>A hand-made .npy file: any version, byte order and memory order.</summary>
    public static byte[] MakeNpy(NDArray a, int version = 1, bool bigEndian = false, bool fortran = false, string? dictOverride = null)
    {
        string dict = dictOverride ?? $"{{'descr': '{Descr(a.DType, bigEndian ? '>' : '<')}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {a.Shape}, }}";
        int pre = version == 1 ? 10 : 12;
        int pad = 64 - ((pre + dict.Length + 1) % 64);
        string header = dict + new string(' ', pad) + "\n";
        byte[] hb = version == 3 ? Encoding.UTF8.GetBytes(header) : Encoding.Latin1.GetBytes(header);
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        if (version == 1)
        {
            var b = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)hb.Length);
            ms.Write(b);
        }
        else
        {
            var b = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)hb.Length);
            ms.Write(b);
        }

        ms.Write(hb);
        ms.Write(DataBytes(a, bigEndian, fortran));
        return ms.ToArray();
    }

    /// <summary>The array's element bytes in the given byte and memory order.</summary>
    public static byte[] DataBytes(NDArray a, bool bigEndian, bool fortran)
    {
        int es = a.DType.SizeOf();
        byte[] c = a.AsBytes().ToArray();
        byte[] r = new byte[c.Length];
        long[] dims = a.Shape.ToArray();
        int rank = dims.Length;
        long n = a.Size;
        var idx = new long[rank];
        for (long flat = 0; flat < n; flat++)
        {
            long rem = flat;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d] = rem % dims[d];
                rem /= dims[d];
            }

            long target = flat;
            if (fortran)
            {
                target = 0;
                long stride = 1;
                for (int d = 0; d < rank; d++)
                {
                    target += idx[d] * stride;
                    stride *= dims[d];
                }
            }

            Array.Copy(c, flat * es, r, target * es, es);
            if (bigEndian)
            {
                Array.Reverse(r, (int)(target * es), es);
            }
        }

        return r;
    }

    /// <summary>Asserts that <paramref name="action"/> fails with a clear error naming <paramref name="fileHint"/>:
    /// an IOException, InvalidDataException or SpartanException (whose cause chain holds one of the first two).</summary>
    public static Exception AssertClearError(Action action, string fileHint)
    {
        Exception e = Assert.ThrowsAny<Exception>(action);
        AssertClear(e, fileHint);
        return e;
    }

    public static void AssertClear(Exception e, string fileHint)
    {
        bool kindOk = e is IOException or InvalidDataException or ArgumentException
            || (e is SpartanException && Chain(e).Any(x => x is IOException or InvalidDataException));
        Assert.True(kindOk, $"unexpected exception kind {e.GetType().Name}: {e}");
        Assert.True(e is not (NullReferenceException or IndexOutOfRangeException or OutOfMemoryException or InvalidCastException), e.ToString());
        Assert.True(Chain(e).Any(x => x.Message.Contains(fileHint, StringComparison.Ordinal)), $"message does not name '{fileHint}': {e.Message}");
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }
}
