using System.Diagnostics;
using System.Reflection;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.RegularExpressions;

namespace Spartan.Kernels.Tests;

/// <summary>
/// Re-runs this test assembly in a child process with one instruction set switched off, as ImageSharp does, so that
/// the Vector256 path (AVX-512 off), the scalar path (AVX2 off; our loops use Vector256 and Vector512 only) and the
/// scalar path with no intrinsics at all are each checked by the whole suite.
/// </summary>
public class SimdMatrixTests
{
    /// <summary>Set in the child: names the ISA the parent switched off, so the child can check that it really is off.</summary>
    internal const string ExpectVariable = "SPARTAN_KERNELS_SIMD_EXPECT";

    /// <summary>The child runs everything but these tests and tests marked too slow for a scalar rerun.</summary>
    private const string ChildFilter = "Category!=SimdMatrix&Category!=Slow";

    /// <summary>Generous, because the child reruns the whole suite (GEMM included) with slower paths; a busy machine
    /// can raise it with SPARTAN_KERNELS_SIMD_TIMEOUT_S.</summary>
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("SPARTAN_KERNELS_SIMD_TIMEOUT_S"), out int s) && s > 0 ? s : 300);

    [Fact, Trait("Category", "SimdMatrix")]
    public void Suite_Passes_WithAvx512Off() => RunChild("DOTNET_EnableAVX512F", "no-avx512");

    [Fact, Trait("Category", "SimdMatrix")]
    public void Suite_Passes_WithAvx2Off() => RunChild("DOTNET_EnableAVX2", "no-avx2");

    [Fact, Trait("Category", "SimdMatrix")]
    public void Suite_Passes_WithHWIntrinsicsOff() => RunChild("DOTNET_EnableHWIntrinsic", "no-hwintrinsic");

    /// <summary>The tests the child must run: every [Fact] and every [InlineData] row outside the SimdMatrix category.</summary>
    private static int ExpectedChildTests()
    {
        int count = 0;
        foreach (Type t in typeof(SimdMatrixTests).Assembly.GetTypes())
        {
            foreach (MethodInfo m in t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                bool excluded = m.CustomAttributes.Concat(t.CustomAttributes).Any(a =>
                    a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Category"
                    && (string?)a.ConstructorArguments[1].Value is "SimdMatrix" or "Slow");
                if (excluded)
                {
                    continue;
                }

                if (m.GetCustomAttribute<TheoryAttribute>() is not null)
                {
                    // InlineData, MemberData, ClassData: each row is one test case.
                    count += m.GetCustomAttributes<Xunit.Sdk.DataAttribute>().Sum(d => d.GetData(m).Count());
                }
                else if (m.GetCustomAttribute<FactAttribute>() is not null)
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static void RunChild(string knob, string expect)
    {
        if (Environment.GetEnvironmentVariable(ExpectVariable) is not null)
        {
            return; // never recurse (the child's filter excludes this category anyway)
        }

        string dll = typeof(SimdMatrixTests).Assembly.Location;
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        string work = Directory.CreateTempSubdirectory("spartan-simd-").FullName;
        try
        {
            var psi = new ProcessStartInfo(dotnet)
            {
                WorkingDirectory = work,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // `dotnet test <dll>` runs the already-built assembly: no build, no artifacts path needed.
            foreach (string a in new[] { "test", dll, "--filter", ChildFilter, "--results-directory", work })
            {
                psi.ArgumentList.Add(a);
            }

            // Drop what the parent's test host set for itself, so the child starts a clean run of its own.
            foreach (string k in psi.Environment.Keys.Where(k => k.StartsWith("VSTEST_", StringComparison.Ordinal) || k.StartsWith("TESTINGPLATFORM_", StringComparison.Ordinal)).ToList())
            {
                psi.Environment.Remove(k);
            }

            psi.Environment[knob] = "0";
            if (knob == "DOTNET_EnableAVX512F")
            {
                // .NET 10 folded the AVX-512 subsets into one knob and no longer reads EnableAVX512F; set both, and
                // SwitchedOffInstructionSet_IsReallyOff in the child proves the effect.
                psi.Environment["DOTNET_EnableAVX512"] = "0";
            }

            psi.Environment[ExpectVariable] = expect;
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

            using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dotnet}");
            Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(ChildTimeout))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"timed out after {ChildTimeout.TotalSeconds:0} s waiting for the child `dotnet test` of {Path.GetFileName(dll)} with {knob}=0 to exit");
            }

            p.WaitForExit();
            string output = stdout.Result + stderr.Result;
            Assert.True(p.ExitCode == 0, $"child with {knob}=0 exited with {p.ExitCode}:\n{Tail(output)}");

            Match m = Regex.Match(output, @"Failed:\s*(\d+),\s*Passed:\s*(\d+),\s*Skipped:\s*(\d+),\s*Total:\s*(\d+)");
            Assert.True(m.Success, $"child with {knob}=0: no test summary in its output:\n{Tail(output)}");
            int failed = int.Parse(m.Groups[1].Value), passed = int.Parse(m.Groups[2].Value);
            Assert.Equal(0, failed);
            Assert.Equal(ExpectedChildTests(), passed);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private static string Tail(string s) => s.Length <= 4000 ? s : s[^4000..];
}

/// <summary>Runs in every process; in a SimdMatrix child it proves the switched-off ISA really is off, so the child
/// cannot silently test the same paths as the parent.</summary>
public class IsaTests
{
    [Fact]
    public void SwitchedOffInstructionSet_IsReallyOff()
    {
        switch (Environment.GetEnvironmentVariable(SimdMatrixTests.ExpectVariable))
        {
            case "no-avx512":
                Assert.False(Vector512.IsHardwareAccelerated, "Vector512 is accelerated although DOTNET_EnableAVX512F=0");
                Assert.False(Avx512F.IsSupported, "Avx512F is supported although DOTNET_EnableAVX512F=0");
                Assert.Equal(Avx2.IsSupported, Vector256.IsHardwareAccelerated);
                break;
            case "no-avx2":
                Assert.False(Avx2.IsSupported, "Avx2 is supported although DOTNET_EnableAVX2=0");
                Assert.False(Vector256.IsHardwareAccelerated, "Vector256 is accelerated although DOTNET_EnableAVX2=0");
                Assert.False(Vector512.IsHardwareAccelerated, "Vector512 is accelerated although DOTNET_EnableAVX2=0");
                break;
            case "no-hwintrinsic":
                Assert.False(Vector128.IsHardwareAccelerated, "Vector128 is accelerated although DOTNET_EnableHWIntrinsic=0");
                Assert.False(Vector256.IsHardwareAccelerated, "Vector256 is accelerated although DOTNET_EnableHWIntrinsic=0");
                Assert.False(Vector512.IsHardwareAccelerated, "Vector512 is accelerated although DOTNET_EnableHWIntrinsic=0");
                Assert.False(Sse2.IsSupported, "Sse2 is supported although DOTNET_EnableHWIntrinsic=0");
                break;
            case null:
                break;
            case string other:
                Assert.Fail($"unknown {SimdMatrixTests.ExpectVariable}={other}");
                break;
        }
    }
}
