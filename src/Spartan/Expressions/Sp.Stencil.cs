using System.Runtime.CompilerServices;
using Spartan.Expressions;

namespace Spartan;

public static partial class Sp
{
    /// <summary>
    /// A stencil: the 2-d correlation of images with filters, tile by tile where the images live, each tile reading
    /// only a halo of KH / 2 rows and KW / 2 columns from its neighbouring tiles (no re-tiling).
    /// <para>Forms: (H, W) images with a (KH, KW) filter give (H', W'); NCHW images (N, C, H, W) with OIHW filters
    /// (O, C, KH, KW) give (N, O, H', W'), summed over the C channels. out[i, j] = sum over a &lt; KH, b &lt; KW of
    /// filter[a, b] * img[i * stride + a - KH / 2, j * stride + b - KW / 2], positions outside the image read as
    /// <paramref name="pad"/> says. This is a correlation, the filter is not flipped: scipy.ndimage.correlate with
    /// origin 0 (for a symmetric filter, such as a blur, also scipy.ndimage.convolve); with PadMode.Reflect and stride 1 it
    /// equals scipy.ndimage.correlate(img, filter, mode='reflect'), even-sized filters included.</para>
    /// <para>H' = ceil(H / stride) (and W' likewise); with <see cref="PadMode.Valid"/> there is no padding and no
    /// offset (out[i, j] reads img[i * stride + a, j * stride + b]), H' = (H - KH) / stride + 1. The result is float64,
    /// or float32 when neither operand is float64 and one is float32 (NumPy promotion, integers computed as float64).</para>
    /// </summary>
    /// <param name="images">(H, W) or (N, C, H, W) images.</param>
    /// <param name="filters">A (KH, KW) filter for 2-d images, (O, C, KH, KW) filters for NCHW images.</param>
    /// <param name="stride">The step between output positions on both spatial axes (at least 1).</param>
    /// <param name="pad">How positions outside the image read (default zeros).</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    /// <exception cref="ShapeMismatchException">The ranks are not (2, 2) or (4, 4), the channel counts differ, a filter
    /// is empty, or a Valid filter is larger than the image.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The stride is below 1 or the pad mode is unknown.</exception>
    public static Expr Stencil(Expr images, Expr filters, int stride = 1, PadMode pad = PadMode.Zero, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(images, nameof(images));
        Expr.Arg(filters, nameof(filters));
        if (stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "stencil stride must be at least 1");
        }

        if (!Enum.IsDefined(pad))
        {
            throw new ArgumentOutOfRangeException(nameof(pad), pad, "unknown PadMode");
        }

        Shape s = images.Shape, f = filters.Shape;
        bool planar = s.Rank == 2 && f.Rank == 2;
        if (!planar && !(s.Rank == 4 && f.Rank == 4))
        {
            throw new ShapeMismatchException($"Stencil needs (H, W) images with a (KH, KW) filter or NCHW images with OIHW filters, got images {s} and filters {f}", nameof(filters));
        }

        if (!planar && s[1] != f[1])
        {
            throw new ShapeMismatchException($"Stencil channel mismatch: images {s} have {s[1]} channels (axis 1) but filters {f} have {f[1]}", nameof(filters));
        }

        long kh = f[-2], kw = f[-1], h = s[-2], w = s[-1];
        if (kh == 0 || kw == 0)
        {
            throw new ShapeMismatchException($"Stencil filters {f} are empty (a zero spatial extent)", nameof(filters));
        }

        if (kh > int.MaxValue / 4 || kw > int.MaxValue / 4)
        {
            throw new ShapeMismatchException($"Stencil filters {f} are too large", nameof(filters));
        }

        long oh, ow;
        if (pad == PadMode.Valid)
        {
            if (kh > h || kw > w)
            {
                throw new ShapeMismatchException($"Stencil with PadMode.Valid needs the filter to fit in the image, got filters {f} for images {s}", nameof(filters));
            }

            oh = ((h - kh) / stride) + 1;
            ow = ((w - kw) / stride) + 1;
        }
        else
        {
            oh = (h + stride - 1) / stride;
            ow = (w + stride - 1) / stride;
        }

        Shape shape = planar ? new Shape(oh, ow) : new Shape(s[0], f[0], oh, ow);
        DType t = DTypes.Promote(images.DType, filters.DType);
        if (!t.IsFloat())
        {
            t = DType.Float64;
        }

        return Expr.Wrap(new StencilNode(images.Node, filters.Node, stride, pad, shape, t, CallSite.At(file, line)));
    }

    /// <summary>A stencil of (H, W) images with a local (KH, KW) filter: <see cref="Stencil(Expr, Expr, int, PadMode, string, int)"/>
    /// with the filter sent to the workers as a small array.</summary>
    /// <param name="images">(H, W) images.</param>
    /// <param name="filter">The filter, filter[a, b] weighting img[i + a - KH / 2, j + b - KW / 2] (for stride 1).</param>
    /// <param name="stride">The step between output positions on both spatial axes (at least 1).</param>
    /// <param name="pad">How positions outside the image read (default zeros).</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    public static Expr Stencil(Expr images, double[,] filter, int stride = 1, PadMode pad = PadMode.Zero, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Expr.Arg(images, nameof(images));
        Expr f = FromArray(filter, null, file, line);
        return Stencil(images, f, stride, pad, file, line);
    }

    /// <summary>Max pooling: the maximum of each <paramref name="poolSize"/> x <paramref name="poolSize"/> window of the
    /// last two axes, windows <paramref name="stride"/> apart, no padding: (H, W) gives (H', W'), NCHW (N, C, H', W'),
    /// with H' = (H - poolSize) / stride + 1. The dtype is kept; NaN propagates, as NumPy's max.</summary>
    /// <param name="images">(H, W) or (N, C, H, W) images.</param>
    /// <param name="poolSize">The window's height and width (at least 1).</param>
    /// <param name="stride">The step between windows (at least 1).</param>
    /// <param name="file">Caller file (filled in by the compiler).</param>
    /// <param name="line">Caller line (filled in by the compiler).</param>
    /// <exception cref="ShapeMismatchException">The images are not 2-d or 4-d, or smaller than one window.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The pool size or stride is below 1.</exception>
    public static Expr MaxPool(Expr images, int poolSize = 2, int stride = 2, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        Expr.Arg(images, nameof(images));
        if (poolSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(poolSize), poolSize, "MaxPool pool size must be at least 1");
        }

        if (stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "MaxPool stride must be at least 1");
        }

        Shape s = images.Shape;
        if (s.Rank is not (2 or 4))
        {
            throw new ShapeMismatchException($"MaxPool needs (H, W) or (N, C, H, W) images, got shape {s}", nameof(images));
        }

        long h = s[-2], w = s[-1];
        if (h < poolSize || w < poolSize)
        {
            throw new ShapeMismatchException($"MaxPool window {poolSize}x{poolSize} does not fit in images {s}", nameof(images));
        }

        long oh = ((h - poolSize) / stride) + 1, ow = ((w - poolSize) / stride) + 1;
        Shape shape = s.Rank == 2 ? new Shape(oh, ow) : new Shape(s[0], s[1], oh, ow);
        return Expr.Wrap(new MaxPoolNode(images.Node, poolSize, stride, shape, CallSite.At(file, line)));
    }
}
