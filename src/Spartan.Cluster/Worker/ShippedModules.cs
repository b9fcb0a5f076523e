using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Spartan.Runtime;

namespace Spartan.Cluster.Worker;

/// <summary>
/// The user assemblies a driver shipped to this worker process, each in its own collectible
/// <see cref="AssemblyLoadContext"/>. <see cref="UserKernels"/> resolves kernel modules through here by module
/// version id; references resolve to assemblies shipped earlier, else to this process's own (Spartan, the BCL).
/// </summary>
internal static class ShippedModules
{
    private static readonly ConcurrentDictionary<Guid, Module> s_modules = new();
    private static readonly ConcurrentDictionary<string, Assembly> s_byName = new(StringComparer.OrdinalIgnoreCase);
    private static readonly object s_gate = new();
    private static int s_registered;

    /// <summary>Makes shipped modules visible to <see cref="UserKernels"/> (once per process).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            UserKernels.AddModuleResolver(mvid => s_modules.TryGetValue(mvid, out Module? m) ? m : null);
        }
    }

    /// <summary>Whether this process has no module with this version id, shipped or its own.</summary>
    public static bool Needs(Guid mvid)
    {
        if (s_modules.ContainsKey(mvid))
        {
            return false;
        }

        foreach (Assembly a in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!a.IsDynamic && a.ManifestModule.ModuleVersionId == mvid)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Loads <paramref name="image"/> and checks that it is the module the driver named.</summary>
    public static void Load(Guid mvid, string name, byte[] image)
    {
        lock (s_gate)
        {
            if (!Needs(mvid))
            {
                return;
            }

            var context = new KernelLoadContext(name);
            Assembly assembly;
            try
            {
                using var stream = new MemoryStream(image, writable: false);
                assembly = context.LoadFromStream(stream);
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException)
            {
                context.Unload();
                throw new SpartanException($"the kernel assembly {name} cannot load on this worker: {e.Message}");
            }

            if (assembly.ManifestModule.ModuleVersionId != mvid)
            {
                context.Unload();
                throw new SpartanException($"the kernel assembly {name} sent for module {mvid} is module {assembly.ManifestModule.ModuleVersionId}: the driver's file changed after it was loaded");
            }

            s_modules[mvid] = assembly.ManifestModule;
            s_byName[assembly.GetName().Name ?? name] = assembly;
        }
    }

    /// <summary>A collectible context for one shipped assembly. References resolve to shipped assemblies by name,
    /// else (null) to the default context, so Spartan's types are the worker's own.</summary>
    private sealed class KernelLoadContext(string name) : AssemblyLoadContext($"spartan-kernels:{name}", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name is { } n && s_byName.TryGetValue(n, out Assembly? a) ? a : null;
    }
}
