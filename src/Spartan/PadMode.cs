namespace Spartan;

/// <summary>How <see cref="Sp.Stencil(Expr, Expr, int, PadMode, string, int)"/> treats the image border: which value
/// stands for a position outside the image (index x of an axis of length n). The names and meanings are
/// scipy.ndimage's.</summary>
public enum PadMode
{
    /// <summary>No padding: only windows that lie wholly inside the image, so each spatial axis shrinks to
    /// (n - k) / stride + 1.</summary>
    Valid,

    /// <summary>Zeros outside the image (scipy 'constant' with cval 0).</summary>
    Zero,

    /// <summary>The image mirrored about its edge, the edge element repeated: (d c b a | a b c d | d c b a), that is
    /// x = -1 reads 0 and x = n reads n - 1 (scipy.ndimage's default 'reflect', NumPy pad 'symmetric').</summary>
    Reflect,

    /// <summary>The edge element repeated: (a a a a | a b c d | d d d d) (scipy 'nearest', NumPy pad 'edge').</summary>
    Nearest,

    /// <summary>The image repeated periodically: (a b c d | a b c d | a b c d) (scipy 'wrap', NumPy pad 'wrap').</summary>
    Wrap,
}
