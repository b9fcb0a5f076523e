using System.Runtime.CompilerServices;
using Spartan.Expressions;
using Spartan.Runtime;

namespace Spartan;

/// <summary>The builtins: creation, elementwise functions, reductions, user kernels. Every function builds a lazy
/// expression; nothing runs until it is evaluated.</summary>
public static partial class Sp
{
    /// <summary>An array of zeros (Float64 unless <paramref name="dtype"/> is given).</summary>
    public static Expr Zeros(Shape shape, DType? dtype = null, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Fill(shape, 0, dtype, tileHint, "zeros", file, line);

    /// <summary>An array of ones.</summary>
    public static Expr Ones(Shape shape, DType? dtype = null, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Fill(shape, 1, dtype, tileHint, "ones", file, line);

    /// <summary>An array filled with <paramref name="value"/> (converted to the dtype as NumPy's astype would).</summary>
    public static Expr Full(Shape shape, double value, DType? dtype = null, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Fill(shape, value, dtype, tileHint, $"full({value})", file, line);

    /// <summary>An array whose contents are unspecified in NumPy; here it reads as zeros (never garbage).</summary>
    public static Expr Empty(Shape shape, DType? dtype = null, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Fill(shape, 0, dtype, tileHint, "empty", file, line);

    /// <summary>Zeros with the shape and dtype of <paramref name="x"/>.</summary>
    public static Expr ZerosLike(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Fill(Expr.Arg(x, nameof(x)).Shape, 0, x.DType, null, "zeros_like", file, line);

    /// <summary>Ones with the shape and dtype of <paramref name="x"/>.</summary>
    public static Expr OnesLike(Expr x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Fill(Expr.Arg(x, nameof(x)).Shape, 1, x.DType, null, "ones_like", file, line);

    /// <summary>0, 1, ..., stop-1 as Int64.</summary>
    public static Expr Arange(long stop, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Arange(0, stop, 1, tileHint, file, line);

    /// <summary>start, start+step, ... up to (not including) stop, as Int64.</summary>
    public static Expr Arange(long start, long stop, long step = 1, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (step == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "arange step cannot be zero");
        }

        long n = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        return Source(new Shape(Math.Max(0, n)), DType.Int64, new ArangeKernel(start, step, true), tileHint, $"arange({start}, {stop}, {step})", file, line);
    }

    /// <summary>start, start+step, ... below stop, as Float64 (length ceil((stop-start)/step), as NumPy).</summary>
    public static Expr Arange(double start, double stop, double step = 1, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (step == 0 || !double.IsFinite(step))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "arange step must be finite and non-zero");
        }

        if (!double.IsFinite(start) || !double.IsFinite(stop))
        {
            throw new ArgumentOutOfRangeException(double.IsFinite(start) ? nameof(stop) : nameof(start), "arange bounds must be finite");
        }

        double n = Math.Ceiling((stop - start) / step);
        return Source(new Shape((long)Math.Max(0, n)), DType.Float64, new ArangeKernel(start, step, false), tileHint, $"arange({start}, {stop}, {step})", file, line);
    }

    /// <summary>The n×n identity matrix.</summary>
    public static Expr Eye(long n, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Eye(n, n, 0, null, null, file, line);

    /// <summary>An n×m matrix with ones on diagonal <paramref name="k"/>.</summary>
    public static Expr Eye(long n, long m, long k = 0, DType? dtype = null, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Source(new Shape(n, m), dtype ?? DType.Float64, new EyeKernel(k), tileHint, $"eye(k={k})", file, line);

    /// <summary>The n×n identity matrix.</summary>
    public static Expr Identity(long n, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Eye(n, n, 0, null, null, file, line);

    /// <summary>From a 1-d array, the square matrix with it on the diagonal; from a 2-d array, its main diagonal.</summary>
    public static Expr Diag(Expr v, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(v, nameof(v));
        CallSite site = CallSite.At(file, line);
        Node vn = v.Node;
        switch (v.Ndim)
        {
            case 1:
            {
                long n = v.Shape[0];
                Node eye = new SourceNode(new Shape(n, n), DType.Bool, new EyeKernel(0), null, "eye", ContextFor(vn), site);
                return Expr.Wrap(Ops.Where(eye, vn, new ScalarNode(0, 0, vn.DType, weak: true), site));
            }

            case 2:
            {
                // x[i, i] is the only unmasked term of row i (or column i), so the sum is exact.
                long n = v.Shape[0], m = v.Shape[1];
                Node eye = new SourceNode(v.Shape, DType.Bool, new EyeKernel(0), null, "eye", ContextFor(vn), site);
                Node masked = Ops.Where(eye, vn, new ScalarNode(0, 0, vn.DType, weak: true), site);
                Node diag = ReductionBuilder.Reduce(Reduction.Sum, masked, n <= m ? 1 : 0, false, site, "diag");
                return Expr.Wrap(Ops.Cast(diag, vn.DType, site));
            }

            default:
                throw new ArgumentException($"Diag needs a 1-d or 2-d array, got shape {v.Shape}", nameof(v));
        }
    }

    /// <summary>Uniform [0, 1) Float64 values; the same seed gives the same array on any tiling and worker count.</summary>
    public static Expr Rand(Shape shape, int? seed = null, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Source(shape, DType.Float64, new RandomKernel(RandomDistribution.Uniform, Key(seed, 0x52414E44), 0, 0), tileHint, $"rand(seed={seed})", file, line);

    /// <summary>Standard normal Float64 values; the same seed gives the same array on any tiling and worker count.</summary>
    public static Expr Randn(Shape shape, int? seed = null, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Source(shape, DType.Float64, new RandomKernel(RandomDistribution.Normal, Key(seed, 0x4E4F524D), 0, 0), tileHint, $"randn(seed={seed})", file, line);

    /// <summary>Int64 values uniform in [low, high).</summary>
    public static Expr RandInt(Shape shape, long low, long high, int? seed = null, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (low >= high)
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"RandInt needs low < high, got low={low}, high={high}");
        }

        return Source(shape, DType.Int64, new RandomKernel(RandomDistribution.Integer, Key(seed, 0x494E5453), low, high), tileHint, $"randint({low}, {high}, seed={seed})", file, line);
    }

    /// <summary>A distributed copy of a local array (copied at the call, so later changes to it do not matter).</summary>
    public static Expr FromArray(NDArray a, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(a);
        NDArray copy = NDArray.Uninitialized(a.Shape, a.DType);
        Array.Copy(a.Buffer, copy.Buffer, a.Buffer.Length);
        return Expr.Wrap(new ArrayNode(copy, tileHint, SpartanContext.Current, CallSite.At(file, line)));
    }

    /// <summary>A distributed copy of a 1-d C# array.</summary>
    public static Expr FromArray<T>(T[] a, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        FromArray(NDArray.From(a ?? throw new ArgumentNullException(nameof(a))), tileHint, file, line);

    /// <summary>A distributed copy of a 2-d C# array.</summary>
    public static Expr FromArray<T>(T[,] a, Shape? tileHint = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        FromArray(NDArray.From(a ?? throw new ArgumentNullException(nameof(a))), tileHint, file, line);

    /// <summary>Number of elements of <paramref name="x"/>.</summary>
    public static long Size(Expr x) => Expr.Arg(x, nameof(x)).Size;

    private static Expr Fill(Shape shape, double value, DType? dtype, Shape? tileHint, string label, string file, int line)
    {
        DType t = dtype ?? DType.Float64;
        Expr.CheckDType(t, nameof(dtype));
        return Source(shape, t, new FillKernel(value), tileHint, label, file, line);
    }

    private static Expr Source(Shape shape, DType dtype, KernelSpec kernel, Shape? tileHint, string label, string file, int line) =>
        Expr.Wrap(new SourceNode(shape, dtype, kernel, tileHint, label, SpartanContext.Current, CallSite.At(file, line)));

    private static SpartanContext ContextFor(Node n) => n.Context ?? SpartanContext.Current;

    // A null seed is drawn once, here, so the expression replays the same values after a failure.
    private static ulong Key(int? seed, ulong salt) => SplitMix64((ulong)(seed ?? System.Random.Shared.Next()) ^ (salt << 32));

    private static ulong SplitMix64(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
