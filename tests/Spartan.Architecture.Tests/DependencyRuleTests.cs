using System.Reflection;
using System.Runtime.CompilerServices;

namespace Spartan.Architecture.Tests;

/// <summary>The dependency rule of DESIGN.md: Kernels ← Spartan ← {Cluster, Examples} ← Cli, and only
/// Spartan.Cluster may reference Orleans.</summary>
public class DependencyRuleTests
{
    private static readonly Assembly s_kernels = typeof(Spartan.Kernels.Reductions.Fold).Assembly;
    private static readonly Assembly s_core = typeof(Sp).Assembly;

    public static TheoryData<string, string[]> Allowed => new()
    {
        { "Spartan.Kernels", [] },
        { "Spartan.Core", ["Spartan.Kernels"] },
        { "Spartan.Cluster", ["Spartan.Kernels", "Spartan.Core"] },
        { "Spartan.Examples", ["Spartan.Kernels", "Spartan.Core"] },
        { "spartan", ["Spartan.Kernels", "Spartan.Core", "Spartan.Cluster", "Spartan.Examples"] },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void ProjectsReferenceOnlyTheLayersBelowThem(string assembly, string[] allowed)
    {
        Assembly? a = Load(assembly);
        if (a is null)
        {
            // Only layers that exist are checked; the CLI references every one that does.
            Assert.NotEqual("Spartan.Kernels", assembly);
            Assert.NotEqual("Spartan.Core", assembly);
            return;
        }

        string[] ours = a.GetReferencedAssemblies()
            .Select(r => r.Name!)
            .Where(n => n.StartsWith("Spartan", StringComparison.OrdinalIgnoreCase) || n == "spartan")
            .ToArray();
        Assert.All(ours, n => Assert.Contains(n, allowed));
    }

    [Fact]
    public void OnlyTheClusterProjectReferencesOrleans()
    {
        foreach (Assembly a in new[] { s_kernels, s_core, Assembly.Load("spartan") })
        {
            Assert.DoesNotContain(a.GetReferencedAssemblies(), r => r.Name!.StartsWith("Orleans", StringComparison.Ordinal) || r.Name!.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void KernelsDependOnTheBaseLibraryAndTensorsOnly()
    {
        string[] refs = s_kernels.GetReferencedAssemblies().Select(r => r.Name!).ToArray();
        Assert.All(refs, n => Assert.True(n.StartsWith("System", StringComparison.Ordinal) || n == "netstandard" || n == "mscorlib", $"Spartan.Kernels references {n}"));
    }

    [Fact]
    public void EveryOperatorStructIsReadonly()
    {
        Type[] ops = s_kernels.GetTypes().Where(t => t.Namespace == "Spartan.Kernels.Operators" && t.IsValueType).ToArray();
        Assert.NotEmpty(ops);
        Assert.All(ops, t => Assert.True(t.IsDefined(typeof(IsReadOnlyAttribute), false), $"{t.Name} is not a readonly struct"));
    }

    [Fact]
    public void ExpressionNodesAreImmutable()
    {
        Type node = s_core.GetType("Spartan.Expressions.Node", throwOnError: true)!;
        Type[] nodes = s_core.GetTypes().Where(t => node.IsAssignableFrom(t)).ToArray();
        Assert.True(nodes.Length > 5);
        foreach (Type t in nodes)
        {
            foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Assert.True(f.IsInitOnly, $"{t.Name}.{f.Name} is mutable; expression nodes must be immutable");
            }
        }
    }

    private static Assembly? Load(string name)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
