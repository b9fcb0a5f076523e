using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Spartan.Runtime;

/// <summary>Rebuilds user kernels from their <see cref="UserKernelSpec"/> and runs them, checking what they return.</summary>
internal static class UserKernels
{
    private static readonly ConditionalWeakTable<UserKernelSpec, Delegate> s_bound = new();
    private static readonly ConcurrentDictionary<Guid, Module> s_modules = new();
    private static volatile Func<Guid, Module?>[] s_resolvers = [];

    /// <summary>Adds a source of modules beyond the assemblies loaded in this process: a cluster worker resolves
    /// the modules the driver shipped to it (loaded in a collectible AssemblyLoadContext) through this.</summary>
    public static void AddModuleResolver(Func<Guid, Module?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (s_modules)
        {
            s_resolvers = [.. s_resolvers, resolver];
        }
    }

    public static NDArray Run(UserKernelSpec spec, NDArray[] inputs, TileTask task)
    {
        Delegate d = s_bound.GetValue(spec, Bind);

        // Inputs may be the stored tiles themselves; a kernel that writes to its argument must not corrupt them.
        var args = new NDArray[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            args[i] = Clone(inputs[i]);
        }

        NDArray? result = spec.Kind switch
        {
            UserKernelKind.Map => ((Func<NDArray, NDArray>)d)(args[0]),
            UserKernelKind.MapMany => ((Func<NDArray[], NDArray>)d)(args),
            UserKernelKind.Outer => ((Func<NDArray, NDArray, NDArray>)d)(args[0], args[1]),
            _ => ((Func<NDArray, TileExtent, NDArray>)d)(args[0], task.Domain),
        };

        Shape stored = task.OutputExtents[0].Shape;
        // A local reduction's partial is stored with a leading axis of 1 (its slot among the partials).
        Shape want = spec.Kind == UserKernelKind.LocalReduce ? new Shape(stored.ToArray()[1..]) : stored;
        if (result is null)
        {
            throw new KernelResultException($"kernel {spec.Name} returned null for the tile at {task.Domain}");
        }

        if (result.DType != spec.OutputType || result.Shape != want)
        {
            throw new KernelResultException(
                $"kernel {spec.Name} returned {result.DType.Name()} of shape {result.Shape} for the tile at {task.Domain}, " +
                $"but {spec.OutputType.Name()} of shape {want} was expected");
        }

        return want == stored ? result : new NDArray(result.Buffer, stored, result.DType);
    }

    /// <summary>Runs a shuffle kernel on (a copy of) a tile and returns the pieces it emits, unchecked.</summary>
    public static List<(TileExtent Region, NDArray Data)> Emit(UserKernelSpec spec, NDArray tile, TileExtent extent)
    {
        var d = (Func<NDArray, TileExtent, IEnumerable<(TileExtent Region, NDArray Data)>>)s_bound.GetValue(spec, Bind);
        IEnumerable<(TileExtent Region, NDArray Data)>? pieces = d(Clone(tile), extent);
        return pieces is null ? throw new KernelResultException($"kernel {spec.Name} returned null for the tile at {extent}") : pieces.ToList();
    }

    public static NDArray Combine(UserCombineKernel k, NDArray[] partials) => Pairwise(k.Op, partials, 0, partials.Length);

    private static NDArray Pairwise(ReduceOp op, NDArray[] p, int start, int count)
    {
        if (count == 1)
        {
            return p[start];
        }

        int mid = count / 2;
        return Accumulate.Apply(op, Pairwise(op, p, start, mid), Pairwise(op, p, start + mid, count - mid));
    }

    private static NDArray Clone(NDArray a)
    {
        NDArray c = NDArray.Uninitialized(a.Shape, a.DType);
        Array.Copy(a.Buffer, c.Buffer, a.Buffer.Length);
        return c;
    }

    private static Delegate Bind(UserKernelSpec spec)
    {
        Module module = FindModule(spec.Module);
        var method = (MethodInfo)(module.ResolveMethod(spec.MethodToken) ?? throw new InvalidOperationException($"method token {spec.MethodToken} not found"));
        Type delegateType = spec.Kind switch
        {
            UserKernelKind.Map => typeof(Func<NDArray, NDArray>),
            UserKernelKind.MapMany => typeof(Func<NDArray[], NDArray>),
            UserKernelKind.Outer => typeof(Func<NDArray, NDArray, NDArray>),
            UserKernelKind.Shuffle => typeof(Func<NDArray, TileExtent, IEnumerable<(TileExtent Region, NDArray Data)>>),
            _ => typeof(Func<NDArray, TileExtent, NDArray>),
        };

        if (method.IsStatic)
        {
            return method.CreateDelegate(delegateType);
        }

        object target = spec.Target is null
            ? RuntimeHelpers.GetUninitializedObject(method.DeclaringType!)
            : Materialize(module, spec.Target);
        return method.CreateDelegate(delegateType, target);
    }

    private static object Materialize(Module module, CapturedObject o)
    {
        Type type = module.ResolveType(o.TypeToken);
        object obj = RuntimeHelpers.GetUninitializedObject(type);
        foreach (CapturedField f in o.Fields)
        {
            FieldInfo field = type.GetField(f.Name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                ?? throw new InvalidOperationException($"closure {type.Name} has no field {f.Name}");
            field.SetValue(obj, f.Value switch
            {
                CapturedObject nested => Materialize(module, nested),
                Array a => a.Clone(),
                NDArray n => Clone(n),
                var v => v,
            });
        }

        return obj;
    }

    private static Module FindModule(Guid mvid)
    {
        if (s_modules.TryGetValue(mvid, out Module? m))
        {
            return m;
        }

        foreach (Func<Guid, Module?> resolve in s_resolvers)
        {
            if (resolve(mvid) is { } shipped)
            {
                return s_modules.GetOrAdd(mvid, shipped);
            }
        }

        foreach (Assembly asm in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (asm.IsDynamic)
            {
                continue;
            }

            foreach (Module mod in asm.GetModules())
            {
                s_modules.TryAdd(mod.ModuleVersionId, mod);
            }
        }

        return s_modules.TryGetValue(mvid, out m) ? m : throw new InvalidOperationException($"the module {mvid} that defines a kernel is not loaded on this worker");
    }
}

/// <summary>A user kernel returned something other than what its expression promised.</summary>
internal sealed class KernelResultException : Exception
{
    public KernelResultException(string message) : base(message)
    {
    }
}
