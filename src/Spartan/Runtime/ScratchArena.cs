namespace Spartan.Runtime;

/// <summary>Per-thread reusable block buffers for program registers. Kernels run on dedicated pool threads and
/// never re-enter, so a thread's buffers are never used by two kernels at once; reuse avoids a fresh allocation
/// (and page faults) per task.</summary>
internal static class ScratchArena
{
    [ThreadStatic]
    private static List<Array>? t_free;

    public static Array Rent(DType dtype, int length)
    {
        List<Array> free = t_free ??= [];
        Type clr = dtype.ClrType();
        for (int i = free.Count - 1; i >= 0; i--)
        {
            Array a = free[i];
            if (a.GetType().GetElementType() == clr && a.Length >= length)
            {
                free.RemoveAt(i);
                return a;
            }
        }

        return Array.CreateInstance(clr, Math.Max(length, 16));
    }

    public static void Return(Array a)
    {
        List<Array> free = t_free ??= [];
        // Keep a bounded number per thread: a program rarely has more than a few dozen live registers.
        if (free.Count < 64)
        {
            free.Add(a);
        }
    }
}
