using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Spartan.Kernels.Operators;
using Spartan.Kernels.Reductions;

namespace Spartan.Kernels.Templates;

/// <summary>
/// Folds an expression template over one chunk in the fixed order of <see cref="Fold.Chunk{T, TOp}"/> (element i into
/// lane i mod 16, the lanes by the fixed tree, the tail in order), so a reduction over a compiled expression gives the
/// bits of folding the interpreter's block: the values come from registers instead of a block buffer. Any vector
/// width holds whole lanes (16 is a multiple of every vector's count), so the width does not change the result.
/// </summary>
public static class ExpressionFold
{
    /// <summary>op-fold of e(0 .. n−1) from <paramref name="identity"/>; n at most <see cref="Fold.ChunkLength"/> (not checked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Chunk<T, TOp, TExpr>(in TExpr e, int n, T identity)
        where T : unmanaged
        where TOp : IBinaryOperator<T>
        where TExpr : struct, IExpressionNode<T, TExpr>
    {
        const int L = Fold.Lanes;
        TExpr x = e;
        int full = n - (n % L);
        Span<T> lanes = stackalloc T[L];
        int i = 0;
        // A group of 16 is taken in vectors only when it does not end at the last element (see LoadEvens).
        if (TOp.Vectorizable && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && L % Vector512<T>.Count == 0 && L / Vector512<T>.Count <= 2)
        {
            int c = Vector512<T>.Count;
            Vector512<T> a0 = Vector512.Create(identity), a1 = a0;
            for (; i + L < n; i += L)
            {
                a0 = TOp.Invoke(a0, x.At512(i));
                if (c < L)
                {
                    a1 = TOp.Invoke(a1, x.At512(i + c));
                }
            }

            ref T l = ref MemoryMarshal.GetReference(lanes);
            a0.StoreUnsafe(ref l);
            if (c < L)
            {
                a1.StoreUnsafe(ref l, (nuint)c);
            }
        }
        else if (TOp.Vectorizable && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && L % Vector256<T>.Count == 0 && L / Vector256<T>.Count <= 4)
        {
            int c = Vector256<T>.Count;
            Vector256<T> a0 = Vector256.Create(identity), a1 = a0, a2 = a0, a3 = a0;
            for (; i + L < n; i += L)
            {
                a0 = TOp.Invoke(a0, x.At256(i));
                a1 = TOp.Invoke(a1, x.At256(i + c));
                if (2 * c < L)
                {
                    a2 = TOp.Invoke(a2, x.At256(i + (2 * c)));
                    a3 = TOp.Invoke(a3, x.At256(i + (3 * c)));
                }
            }

            ref T l = ref MemoryMarshal.GetReference(lanes);
            a0.StoreUnsafe(ref l);
            a1.StoreUnsafe(ref l, (nuint)c);
            if (2 * c < L)
            {
                a2.StoreUnsafe(ref l, (nuint)(2 * c));
                a3.StoreUnsafe(ref l, (nuint)(3 * c));
            }
        }
        else
        {
            lanes.Fill(identity);
        }

        // Whatever full groups the vectors left (the last one, or all of them), lane by lane.
        for (; i < full; i += L)
        {
            for (int j = 0; j < L; j++)
            {
                lanes[j] = TOp.Invoke(lanes[j], x.At(i + j));
            }
        }

        T r = Fold.CombineLanes<T, TOp>(lanes);
        for (int k = full; k < n; k++)
        {
            r = TOp.Invoke(r, x.At(k));
        }

        return r;
    }
}
