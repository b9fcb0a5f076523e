using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Spartan;

/// <summary>
/// Where user code built an expression. Sp methods know it for free ([CallerFilePath]/[CallerLineNumber]);
/// operators cannot take caller info, so they keep a cheap stack trace without file information and resolve
/// file:line from the portable PDB only when an error actually needs it.
/// </summary>
internal sealed class CallSite
{
    private static readonly ConcurrentDictionary<Module, MetadataReaderProvider?> s_pdbs = new();
    private static readonly Assembly s_self = typeof(CallSite).Assembly;
    private readonly StackTrace? _trace;
    private string? _resolved;

    private CallSite(string? resolved, StackTrace? trace)
    {
        _resolved = resolved;
        _trace = trace;
    }

    public static CallSite Unknown { get; } = new("unknown location", null);

    /// <summary>A site known from caller information.</summary>
    public static CallSite At(string file, int line) =>
        string.IsNullOrEmpty(file) ? Capture() : new($"{Path.GetFileName(file)}:{line}", null);

    /// <summary>Captures the current stack, to be resolved later.</summary>
    public static CallSite Capture() => new(null, new StackTrace(1, false));

    /// <summary>"File.cs:123" of the first frame outside Spartan, or the method name when no PDB is found.</summary>
    public override string ToString() => _resolved ??= Resolve(_trace);

    private static string Resolve(StackTrace? trace)
    {
        if (trace is null)
        {
            return "unknown location";
        }

        foreach (StackFrame frame in trace.GetFrames())
        {
            MethodBase? m = frame.GetMethod();
            if (m is null || m.DeclaringType?.Assembly == s_self || m.DeclaringType?.Assembly.GetName().Name?.StartsWith("System.", StringComparison.Ordinal) == true)
            {
                continue;
            }

            return LineOf(m, frame.GetILOffset()) ?? $"{m.DeclaringType?.Name}.{m.Name}";
        }

        return "unknown location";
    }

    private static string? LineOf(MethodBase method, int ilOffset)
    {
        try
        {
            MetadataReaderProvider? provider = s_pdbs.GetOrAdd(method.Module, OpenPdb);
            if (provider is null || ilOffset < 0)
            {
                return null;
            }

            MetadataReader reader = provider.GetMetadataReader();
            var handle = (MethodDefinitionHandle)MetadataTokens.Handle(method.MetadataToken);
            MethodDebugInformation info = reader.GetMethodDebugInformation(handle.ToDebugInformationHandle());
            SequencePoint? best = null;
            foreach (SequencePoint sp in info.GetSequencePoints())
            {
                if (sp.Offset > ilOffset)
                {
                    break;
                }

                if (!sp.IsHidden)
                {
                    best = sp;
                }
            }

            if (best is not SequencePoint p)
            {
                return null;
            }

            string file = reader.GetString(reader.GetDocument(p.Document).Name);
            return $"{Path.GetFileName(file)}:{p.StartLine}";
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static MetadataReaderProvider? OpenPdb(Module module)
    {
        string path = module.Assembly.Location;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return null;
        }

        using FileStream pe = File.OpenRead(path);
        using var peReader = new PEReader(pe);
        if (peReader.TryOpenAssociatedPortablePdb(path, p => File.Exists(p) ? File.OpenRead(p) : null, out MetadataReaderProvider? provider, out _))
        {
            return provider;
        }

        return null;
    }
}
