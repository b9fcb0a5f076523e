using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Spartan.Kernels.Templates;

/// <summary>
/// Runs an expression template over a range in one loop: every input is read once, intermediates stay in registers,
/// and the result is stored once (with non-temporal stores when asked, for outputs past the caches). Uses the widest
/// accelerated vector, then a scalar tail; the operators' vector and scalar forms give the same bits, so the split
/// does not change the result.
/// </summary>
public static class ExpressionLoop
{
    /// <summary>d[offset + i] = e(i) for i in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run<T, TExpr>(in TExpr e, T[] destination, int offset, int n, bool nonTemporal)
        where T : unmanaged
        where TExpr : struct, IExpressionNode<T, TExpr>
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + n, destination.Length, nameof(n));
        TExpr x = e;
        ref T d = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(destination), offset);
        nint i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            nint c = Vector512<T>.Count;
            if (nonTemporal && Avx512F.IsSupported)
            {
                fixed (T* p = &d)
                {
                    for (; i < n && ((nint)(p + i) & 63) != 0; i++)
                    {
                        p[i] = x.At(i);
                    }

                    for (; i <= n - c; i += c)
                    {
                        Vector512.StoreAlignedNonTemporal(x.At512(i), p + i);
                    }
                }
            }
            else
            {
                for (; i <= n - c; i += c)
                {
                    x.At512(i).StoreUnsafe(ref d, (nuint)i);
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            nint c = Vector256<T>.Count;
            if (nonTemporal && Avx.IsSupported)
            {
                fixed (T* p = &d)
                {
                    for (; i < n && ((nint)(p + i) & 31) != 0; i++)
                    {
                        p[i] = x.At(i);
                    }

                    for (; i <= n - c; i += c)
                    {
                        Vector256.StoreAlignedNonTemporal(x.At256(i), p + i);
                    }
                }
            }
            else
            {
                for (; i <= n - c; i += c)
                {
                    x.At256(i).StoreUnsafe(ref d, (nuint)i);
                }
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = x.At(i);
        }
    }
}
