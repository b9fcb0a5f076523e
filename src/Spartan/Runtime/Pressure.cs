namespace Spartan.Runtime;

/// <summary>Reports tile memory to the GC so that dropped arrays are collected (and their tiles freed) in time. Small
/// tiles are not reported one by one: the GC's accounting takes a lock, which would dominate tiny tasks.</summary>
internal static class Pressure
{
    private const long Threshold = 1 << 16;

    public static void Add(long bytes)
    {
        if (bytes >= Threshold)
        {
            GC.AddMemoryPressure(bytes);
        }
    }

    public static void Remove(long bytes)
    {
        if (bytes >= Threshold)
        {
            GC.RemoveMemoryPressure(bytes);
        }
    }
}
