namespace Spartan.Runtime;

/// <summary>Per-thread reusable block buffers for program registers. Kernels run on dedicated pool threads and
/// never re-enter, so a thread's buffers are never used by two kernels at once; reuse avoids a fresh allocation
/// (and page faults) per task.</summary>
internal static class ScratchArena
{
    // One free list per dtype (indexed by DType), so renting never inspects types by reflection.
    [ThreadStatic]
    private static List<Array>[]? t_free;

    public static Array Rent(DType dtype, int length)
    {
        List<Array> free = Lists()[(int)dtype];
        for (int i = free.Count - 1; i >= 0; i--)
        {
            Array a = free[i];
            if (a.Length >= length)
            {
                free.RemoveAt(i);
                return a;
            }
        }

        // Blocks are at most ProgramRunner.BlockLength long; renting that size keeps every buffer reusable.
        int n = Math.Max(length, ProgramRunner.BlockLength);
        return dtype switch
        {
            DType.Bool => new bool[n],
            DType.Int32 => new int[n],
            DType.Int64 => new long[n],
            DType.Float32 => new float[n],
            _ => new double[n],
        };
    }

    public static void Return(Array a)
    {
        DType t = a switch
        {
            bool[] => DType.Bool,
            int[] => DType.Int32,
            long[] => DType.Int64,
            float[] => DType.Float32,
            _ => DType.Float64,
        };
        List<Array> free = Lists()[(int)t];
        // Keep a bounded number per thread: a program rarely has more than a few dozen live registers.
        if (free.Count < 32)
        {
            free.Add(a);
        }
    }

    private static List<Array>[] Lists() => t_free ??= [[], [], [], [], []];
}
