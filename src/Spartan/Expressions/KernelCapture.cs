using System.Reflection;
using System.Runtime.CompilerServices;
using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>
/// Describes a user kernel delegate as data (<see cref="UserKernelSpec"/>): its method by module version id and
/// metadata token, and a snapshot of its captured values. Only values a worker can rebuild without loading
/// arbitrary types are accepted, so a program that runs embedded also runs on a cluster; anything else is refused
/// here, at the user's call, naming the captured field.
/// </summary>
internal static class KernelCapture
{
    public static UserKernelSpec Describe(Delegate kernel, UserKernelKind kind, DType outputType, string paramName)
    {
        ArgumentNullException.ThrowIfNull(kernel, paramName);
        if (kernel.GetInvocationList().Length != 1)
        {
            throw new SpartanException($"{paramName}: a multicast delegate cannot be a kernel");
        }

        MethodInfo method = kernel.Method;
        string name = $"{method.DeclaringType?.Name}.{method.Name}";
        if (method.DeclaringType is null || method.Module.Assembly.IsDynamic || method is System.Reflection.Emit.DynamicMethod)
        {
            throw new SpartanException($"{paramName}: kernel {name} is a dynamic method, which cannot be shipped to workers");
        }

        if (method.DeclaringType.ContainsGenericParameters || method.DeclaringType.IsGenericType || method.IsGenericMethod)
        {
            throw new SpartanException($"{paramName}: kernel {name} is defined in a generic type or method, which cannot be shipped to workers; move it to a non-generic method");
        }

        CapturedObject? target = null;
        if (kernel.Target is { } t)
        {
            target = CaptureObject(t, paramName, name);
        }

        return new UserKernelSpec(kind, method.Module.ModuleVersionId, method.MetadataToken, target, outputType, name);
    }

    private static CapturedObject CaptureObject(object target, string paramName, string kernelName)
    {
        Type type = target.GetType();
        if (!IsClosure(type))
        {
            throw new SpartanException($"{paramName}: kernel {kernelName} is an instance method of {type.FullName}; kernels may only capture primitives, strings, arrays of them, NDArray, Shape and TileExtent. Use a lambda or a static method");
        }

        var fields = new List<CapturedField>();
        foreach (FieldInfo f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            object? value = f.GetValue(target);
            fields.Add(new CapturedField(f.Name, Snapshot(value, f, paramName, kernelName)));
        }

        return new CapturedObject(type.MetadataToken, [.. fields]);
    }

    private static object? Snapshot(object? value, FieldInfo field, string paramName, string kernelName)
    {
        switch (value)
        {
            case null:
                return null;
            case string or bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or char:
            case DType or ReduceOp or ScanOp or Shape or TileExtent:
                return value;
            case NDArray a:
                NDArray copy = NDArray.Uninitialized(a.Shape, a.DType);
                Array.Copy(a.Buffer, copy.Buffer, a.Buffer.Length);
                return copy;
            case Array arr when arr.Rank == 1 && IsPlain(arr.GetType().GetElementType()!):
                return arr.Clone();
        }

        if (IsClosure(value.GetType()))
        {
            return CaptureObject(value, paramName, kernelName);
        }

        string shown = field.Name.StartsWith("<>4__this", StringComparison.Ordinal) ? "this" : CleanName(field.Name);
        throw new SpartanException(
            $"{paramName}: kernel {kernelName} captures '{shown}' of type {value.GetType().FullName}, which cannot be sent to workers; " +
            "kernels may only capture primitives, strings, arrays of them, NDArray, Shape and TileExtent");
    }

    private static bool IsPlain(Type t) => t.IsPrimitive || t == typeof(string) || t == typeof(decimal);

    private static bool IsClosure(Type t) =>
        t.IsDefined(typeof(CompilerGeneratedAttribute), false) && t.Name.StartsWith("<>", StringComparison.Ordinal);

    private static string CleanName(string field)
    {
        // Captured locals keep their names; hoisted ones look like "<name>5__2".
        int close = field.IndexOf('>', StringComparison.Ordinal);
        return field.StartsWith('<') && close > 1 ? field[1..close] : field;
    }
}
