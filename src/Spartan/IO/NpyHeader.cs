using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Spartan.IO;

/// <summary>
/// The header of a NumPy .npy file (format versions 1.0, 2.0 and 3.0): the dtype, byte order, memory order and
/// shape, and where the data starts. The parser accepts only the Python dict literal that NumPy writes
/// (<c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }</c>), never evaluates anything, and bounds
/// every length before allocating, so a hostile file gives an <see cref="InvalidDataException"/> naming the file.
/// </summary>
internal sealed record NpyHeader(DType DType, bool BigEndian, bool Fortran, Shape Shape, long DataOffset, int Version)
{
    /// <summary>The magic string every .npy file starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Headers longer than this are refused: NumPy's own limit is 10,000 bytes, and a real header for any
    /// shape we can hold is far below it.</summary>
    public const int MaxHeaderBytes = 100_000;

    /// <summary>Bytes of element data the header describes.</summary>
    public long DataBytes => Shape.Size * DType.SizeOf();

    /// <summary>Reads and parses the header at the start of <paramref name="stream"/>; <paramref name="path"/> names the
    /// file in errors. The stream is left just after the header.</summary>
    public static NpyHeader Read(Stream stream, string path)
    {
        Span<byte> pre = stackalloc byte[12];
        int got = ReadFully(stream, pre[..8]);
        if (got < 8)
        {
            throw new InvalidDataException($"{path}: truncated .npy file: {got} bytes, shorter than the 10-byte .npy preamble");
        }

        if (!pre[..6].SequenceEqual(Magic))
        {
            string hint = pre[0] == (byte)'P' && pre[1] == (byte)'K' ? " (it looks like a zip archive: use Sp.FromNpz for .npz files)" : "";
            throw new InvalidDataException($"{path}: not a .npy file: it starts with {Convert.ToHexString(pre[..6])}, not the .npy magic 934E554D5059 (\\x93NUMPY){hint}");
        }

        int major = pre[6], minor = pre[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            throw new InvalidDataException($"{path}: unsupported .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are supported");
        }

        int lenBytes = major == 1 ? 2 : 4;
        got = ReadFully(stream, pre.Slice(8, lenBytes));
        if (got < lenBytes)
        {
            throw new InvalidDataException($"{path}: truncated .npy file: the header length field is cut off");
        }

        long headerLen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
        if (headerLen > MaxHeaderBytes)
        {
            throw new InvalidDataException($"{path}: .npy header length {headerLen} exceeds the {MaxHeaderBytes}-byte limit (corrupt or hostile file)");
        }

        var header = new byte[headerLen];
        got = ReadFully(stream, header);
        if (got < headerLen)
        {
            throw new InvalidDataException($"{path}: truncated .npy file: the header says {headerLen} bytes but only {got} follow");
        }

        string text;
        try
        {
            text = major == 3 ? new UTF8Encoding(false, true).GetString(header) : Encoding.Latin1.GetString(header);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: .npy 3.0 header is not valid UTF-8", e);
        }

        return Parse(text, path, 8 + lenBytes + headerLen, major);
    }

    /// <summary>Parses the header dict text.</summary>
    public static NpyHeader Parse(string text, string path, long dataOffset, int version)
    {
        var p = new DictParser(text, path);
        Dictionary<string, object> d = p.ParseDict();
        foreach (string key in d.Keys)
        {
            if (key is not ("descr" or "fortran_order" or "shape"))
            {
                throw new InvalidDataException($"{path}: .npy header has an unexpected key '{key}'; expected exactly 'descr', 'fortran_order' and 'shape'");
            }
        }

        foreach (string key in (string[])["descr", "fortran_order", "shape"])
        {
            if (!d.ContainsKey(key))
            {
                throw new InvalidDataException($"{path}: .npy header has no '{key}' key");
            }
        }

        if (d["descr"] is not string descr)
        {
            throw new InvalidDataException($"{path}: structured dtypes (a list 'descr') are not supported; Spartan reads bool, int32, int64, float32 and float64 arrays");
        }

        if (d["fortran_order"] is not bool fortran)
        {
            throw new InvalidDataException($"{path}: .npy header 'fortran_order' must be True or False");
        }

        if (d["shape"] is not long[] dims)
        {
            throw new InvalidDataException($"{path}: .npy header 'shape' must be a tuple of integers");
        }

        (DType dtype, bool big) = ParseDescr(descr, path);
        Shape shape;
        try
        {
            shape = new Shape(dims);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"{path}: .npy header shape is invalid: {e.Message}", e);
        }

        if (shape.Size > long.MaxValue / dtype.SizeOf())
        {
            throw new InvalidDataException($"{path}: .npy header shape {shape} of {dtype.Name()} is larger than any file");
        }

        return new NpyHeader(dtype, big, fortran, shape, dataOffset, version);
    }

    /// <summary>Maps a NumPy dtype string to a dtype and byte order, or throws naming the unsupported dtype.</summary>
    public static (DType DType, bool BigEndian) ParseDescr(string descr, string path)
    {
        string code = descr;
        char order = '=';
        if (code.Length > 0 && code[0] is '<' or '>' or '|' or '=')
        {
            order = code[0];
            code = code[1..];
        }

        DType? t = code switch
        {
            "b1" or "?" => DType.Bool,
            "i4" => DType.Int32,
            "i8" => DType.Int64,
            "f4" => DType.Float32,
            "f8" => DType.Float64,
            _ => null,
        };
        if (t is not DType dtype)
        {
            string name = code switch
            {
                "O" => "object",
                "c8" => "complex64",
                "c16" => "complex128",
                "c32" => "complex256",
                "f2" => "float16",
                "f16" => "longdouble",
                "i1" => "int8",
                "i2" => "int16",
                "u1" => "uint8",
                "u2" => "uint16",
                "u4" => "uint32",
                "u8" => "uint64",
                _ when code.StartsWith('U') => "unicode string",
                _ when code.StartsWith('S') => "byte string",
                _ when code.StartsWith('V') => "void/structured",
                _ when code.StartsWith("M8", StringComparison.Ordinal) => "datetime64",
                _ when code.StartsWith("m8", StringComparison.Ordinal) => "timedelta64",
                _ => "unknown",
            };
            throw new InvalidDataException($"{path}: unsupported dtype '{Printable(descr)}' ({name}); Spartan reads bool ('|b1'), int32 ('<i4'), int64 ('<i8'), float32 ('<f4') and float64 ('<f8'), in either byte order");
        }

        // '|' (not applicable) and '=' (native) both mean this machine's order, as NumPy reads them.
        bool big = order == '>' || (order is '=' or '|' && !BitConverter.IsLittleEndian);
        return (dtype, dtype.SizeOf() > 1 && big);
    }

    /// <summary>The header NumPy 1.24 writes for a C-order little-endian array, byte for byte (including its spare
    /// space for growing the first axis and the 64-byte alignment of the data).</summary>
    public static byte[] Build(DType dtype, Shape shape)
    {
        string descr = dtype switch
        {
            DType.Bool => "|b1",
            DType.Int32 => "<i4",
            DType.Int64 => "<i8",
            DType.Float32 => "<f4",
            _ => "<f8",
        };
        var sb = new StringBuilder();
        sb.Append("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': ").Append(shape.ToString()).Append(", }");
        if (shape.Rank > 0)
        {
            sb.Append(' ', Math.Max(0, 21 - shape.Dims[0].ToString(CultureInfo.InvariantCulture).Length));
        }

        string dict = sb.ToString();
        foreach (int version in (int[])[1, 2])
        {
            int pre = version == 1 ? 10 : 12;
            int pad = 64 - ((pre + dict.Length + 1) % 64);
            int hlen = dict.Length + pad + 1;
            if (version == 1 && hlen > ushort.MaxValue)
            {
                continue;
            }

            var bytes = new byte[pre + hlen];
            Magic.CopyTo(bytes);
            bytes[6] = (byte)version;
            bytes[7] = 0;
            if (version == 1)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)hlen);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)hlen);
            }

            Encoding.Latin1.GetBytes(dict, bytes.AsSpan(pre));
            bytes.AsSpan(pre + dict.Length, pad).Fill((byte)' ');
            bytes[^1] = (byte)'\n';
            return bytes;
        }

        throw new InvalidOperationException("unreachable: a version 2.0 header always fits");
    }

    private static string Printable(string s) => s.Length > 40 ? s[..40] + "..." : s;

    private static int ReadFully(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>A parser for the subset of Python literals a .npy header uses: a dict of string keys whose values are
    /// strings, True/False, tuples of non-negative integers, or (for structured dtypes, which are refused later) lists.</summary>
    private ref struct DictParser
    {
        private const int MaxRank = 64;
        private readonly string _s;
        private readonly string _path;
        private int _i;

        public DictParser(string s, string path)
        {
            _s = s;
            _path = path;
            _i = 0;
        }

        public Dictionary<string, object> ParseDict()
        {
            var d = new Dictionary<string, object>(StringComparer.Ordinal);
            SkipWs();
            Expect('{');
            SkipWs();
            while (Peek() != '}')
            {
                string key = ParseString();
                SkipWs();
                Expect(':');
                SkipWs();
                object value = ParseValue();
                if (!d.TryAdd(key, value))
                {
                    throw Error($"duplicate key '{key}'");
                }

                SkipWs();
                if (Peek() == ',')
                {
                    _i++;
                    SkipWs();
                }
                else if (Peek() != '}')
                {
                    throw Error("expected ',' or '}'");
                }
            }

            _i++;
            SkipWs();
            if (_i != _s.Length)
            {
                throw Error("unexpected text after the header dict");
            }

            return d;
        }

        private object ParseValue()
        {
            char c = Peek();
            if (c is '\'' or '"')
            {
                return ParseString();
            }

            if (c == '(')
            {
                return ParseTuple();
            }

            if (c == '[')
            {
                SkipBracketed();
                return new object();
            }

            if (Word("True"))
            {
                return true;
            }

            if (Word("False"))
            {
                return false;
            }

            throw Error("expected a string, True, False or a tuple");
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var dims = new List<long>();
            bool trailingComma = false;
            SkipWs();
            while (Peek() != ')')
            {
                if (dims.Count == MaxRank)
                {
                    throw Error($"shape has more than {MaxRank} axes");
                }

                dims.Add(ParseInt());
                SkipWs();
                trailingComma = false;
                if (Peek() == ',')
                {
                    _i++;
                    trailingComma = true;
                    SkipWs();
                }
                else if (Peek() != ')')
                {
                    throw Error("expected ',' or ')' in the shape tuple");
                }
            }

            _i++;
            if (dims.Count == 1 && !trailingComma)
            {
                throw Error("'(n)' is an integer, not a tuple: a 1-d shape is written '(n,)'");
            }

            return [.. dims];
        }

        private long ParseInt()
        {
            int start = _i;
            if (Peek() == '-')
            {
                throw Error("negative dimension in the shape");
            }

            while (_i < _s.Length && char.IsAsciiDigit(_s[_i]))
            {
                _i++;
            }

            if (_i == start)
            {
                throw Error("expected an integer in the shape");
            }

            if (!long.TryParse(_s.AsSpan(start, _i - start), NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            {
                throw Error($"dimension {_s.AsSpan(start, Math.Min(_i - start, 30))} is too large");
            }

            // Python 2 wrote long integers with an L suffix.
            if (_i < _s.Length && _s[_i] == 'L')
            {
                _i++;
            }

            return v;
        }

        private string ParseString()
        {
            char q = Peek();
            if (q is not ('\'' or '"'))
            {
                throw Error("expected a quoted string");
            }

            _i++;
            int start = _i;
            while (_i < _s.Length && _s[_i] != q)
            {
                if (_s[_i] is '\\' or '\n')
                {
                    throw Error("escapes and newlines are not allowed in header strings");
                }

                _i++;
            }

            if (_i >= _s.Length)
            {
                throw Error("unterminated string");
            }

            string r = _s[start.._i];
            _i++;
            return r;
        }

        private void SkipBracketed()
        {
            int depth = 0;
            do
            {
                if (_i >= _s.Length)
                {
                    throw Error("unterminated list");
                }

                char c = _s[_i++];
                if (c is '[' or '(')
                {
                    depth++;
                }
                else if (c is ']' or ')')
                {
                    depth--;
                }
            }
            while (depth > 0);
        }

        private bool Word(string w)
        {
            if (string.CompareOrdinal(_s, _i, w, 0, w.Length) == 0)
            {
                _i += w.Length;
                return true;
            }

            return false;
        }

        private readonly char Peek() => _i < _s.Length ? _s[_i] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"expected '{c}'");
            }

            _i++;
        }

        private void SkipWs()
        {
            while (_i < _s.Length && _s[_i] is ' ' or '\t' or '\n' or '\r')
            {
                _i++;
            }
        }

        private readonly InvalidDataException Error(string what)
        {
            string near = _s.Substring(Math.Min(_i, _s.Length), Math.Min(20, Math.Max(0, _s.Length - _i)));
            return new InvalidDataException($"{_path}: malformed .npy header: {what} at character {_i} (near \"{near}\")");
        }
    }
}
