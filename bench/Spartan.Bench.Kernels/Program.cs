using BenchmarkDotNet.Running;

namespace Spartan.Bench.Kernels;

/// <summary>Kernel micro-benchmarks: `dotnet run -c Release -- --filter '*'` (add `--job short` for a quick pass).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
