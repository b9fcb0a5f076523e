using System.Collections.Concurrent;
using System.Reflection;
using Spartan.Cluster.Contracts;
using Spartan.Runtime;

namespace Spartan.Cluster.Client;

/// <summary>Sends each assembly that defines a user kernel to each worker once (per module version id), before
/// the first task that needs it. The worker answers whether it already has the module (its own, or shipped by
/// another driver), so an assembly crosses the wire at most once per worker process.</summary>
internal sealed class ModuleShipper
{
    private readonly ConcurrentDictionary<(string Worker, Guid Module), Lazy<Task>> _shipped = new();

    public Task EnsureAsync(IWorkerGrain grain, string workerKey, IEnumerable<TileTask> tasks)
    {
        List<Task>? pending = null;
        foreach (TileTask t in tasks)
        {
            if (KernelOf(t.Kernel) is { } user)
            {
                Lazy<Task> ship = _shipped.GetOrAdd((workerKey, user.Module), key => new Lazy<Task>(() => ShipAsync(grain, key.Module, user.Name)));
                if (!ship.Value.IsCompletedSuccessfully)
                {
                    (pending ??= []).Add(ship.Value);
                }
            }
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    private static UserKernelSpec? KernelOf(KernelSpec k) => k switch
    {
        UserKernelSpec u => u,
        ShuffleCountKernel s => s.Kernel,
        ShufflePackKernel s => s.Kernel,
        _ => null,
    };

    private async Task ShipAsync(IWorkerGrain grain, Guid mvid, string kernel)
    {
        try
        {
            if (!await grain.NeedsModule(mvid).ConfigureAwait(false))
            {
                return;
            }

            Assembly assembly = FindAssembly(mvid)
                ?? throw new SpartanException($"kernel {kernel}: its module {mvid} is not loaded in the driver");
            string path = assembly.Location;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new SpartanException($"kernel {kernel}: its assembly {assembly.GetName().Name} has no file to send to workers (single-file or in-memory assemblies cannot be shipped)");
            }

            byte[] image = await File.ReadAllBytesAsync(path).ConfigureAwait(false);
            await grain.LoadModule(mvid, assembly.GetName().Name ?? Path.GetFileNameWithoutExtension(path), image).ConfigureAwait(false);
        }
        catch
        {
            // A failed shipment is retried by the next task that needs it.
            foreach (var key in _shipped.Keys)
            {
                if (key.Module == mvid)
                {
                    _shipped.TryRemove(key, out _);
                }
            }

            throw;
        }
    }

    private static Assembly? FindAssembly(Guid mvid)
    {
        foreach (Assembly a in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (!a.IsDynamic && a.ManifestModule.ModuleVersionId == mvid)
            {
                return a;
            }
        }

        return null;
    }
}
