using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Spartan;

/// <summary>
/// Binds <see cref="SpartanOptions"/> from, in increasing precedence: the ini file
/// <c>~/.config/spartan/spartan.ini</c>, <c>SPARTAN_*</c> environment variables, and <c>--flag=value</c> arguments.
/// Keys name an option in any of its spellings: <c>log-level</c>, <c>log_level</c>, <c>LogLevel</c> (so
/// <c>SPARTAN_LOG_LEVEL</c> and <c>--log-level=Debug</c> both set <see cref="SpartanOptions.LogLevel"/>). An unknown
/// key or a value of the wrong type throws <see cref="ArgumentException"/> naming the key and where it came from.
/// </summary>
public static class SpartanConfiguration
{
    private static readonly Dictionary<string, PropertyInfo> s_properties = typeof(SpartanOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && IsBindable(p.PropertyType))
        .ToDictionary(p => Normalize(p.Name), StringComparer.Ordinal);

    /// <summary>The default ini file: <c>~/.config/spartan/spartan.ini</c> (under XDG_CONFIG_HOME when set).</summary>
    public static string DefaultIniPath
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            string root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config") : xdg;
            return Path.Combine(root, "spartan", "spartan.ini");
        }
    }

    /// <summary>Reads options from the default ini file, the process's environment and <paramref name="args"/>.</summary>
    /// <param name="args">Arguments; only <c>--flag=value</c> (or <c>--flag value</c>) pairs are read.</param>
    public static SpartanOptions Load(IEnumerable<string>? args = null) =>
        Load(args, DefaultIniPath, Environment.GetEnvironmentVariables());

    /// <summary>Reads options from an ini file (skipped when it does not exist), environment variables and arguments.</summary>
    /// <param name="args">Arguments; only <c>--flag=value</c> (or <c>--flag value</c>) pairs are read.</param>
    /// <param name="iniPath">The ini file; null for none.</param>
    /// <param name="environment">The environment variables; only <c>SPARTAN_*</c> ones are read.</param>
    public static SpartanOptions Load(IEnumerable<string>? args, string? iniPath, IDictionary? environment)
    {
        var options = new SpartanOptions();
        if (iniPath is not null && File.Exists(iniPath))
        {
            IConfigurationRoot ini;
            try
            {
                ini = new ConfigurationBuilder().AddIniFile(Path.GetFullPath(iniPath), optional: true, reloadOnChange: false).Build();
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{iniPath}: {e.Message}", e);
            }

            Apply(options, ini.AsEnumerable().Where(kv => kv.Value is not null).Select(kv => (StripSection(kv.Key), kv.Value!)), iniPath);
        }

        if (environment is not null)
        {
            var env = new List<(string, string)>();
            foreach (DictionaryEntry e in environment)
            {
                if (e.Key is string k && k.StartsWith("SPARTAN_", StringComparison.OrdinalIgnoreCase) && e.Value is string v)
                {
                    env.Add((k["SPARTAN_".Length..], v));
                }
            }

            Apply(options, env, "the environment (SPARTAN_*)");
        }

        if (args is not null)
        {
            string[] flags = args.Where(a => a is not null).ToArray();
            IConfigurationRoot cmd = new ConfigurationBuilder().AddCommandLine(flags.Where(IsFlagOrValue(flags)).ToArray()).Build();
            Apply(options, cmd.AsEnumerable().Where(kv => kv.Value is not null).Select(kv => (kv.Key, kv.Value!)), "the command line");
        }

        return options;
    }

    /// <summary>The option names that configuration binds, in kebab case (for help texts).</summary>
    public static IReadOnlyList<string> Keys => s_properties.Values.Select(p => Kebab(p.Name)).Order(StringComparer.Ordinal).ToList();

    private static void Apply(SpartanOptions options, IEnumerable<(string Key, string Value)> pairs, string source)
    {
        var flat = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach ((string key, string value) in pairs)
        {
            if (!s_properties.TryGetValue(Normalize(key), out PropertyInfo? p))
            {
                throw new ArgumentException($"unknown option '{key}' in {source}; known: {string.Join(", ", Keys)}");
            }

            flat[p.Name] = value;
        }

        if (flat.Count == 0)
        {
            return;
        }

        IConfigurationRoot config = new ConfigurationBuilder().AddInMemoryCollection(flat).Build();
        try
        {
            config.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"bad option value in {source}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    private static Func<string, int, bool> IsFlagOrValue(string[] all) => (a, i) =>
        a.StartsWith("--", StringComparison.Ordinal) && s_properties.ContainsKey(Normalize(a[2..].Split('=', 2)[0]))
        || (i > 0 && !a.StartsWith('-') && all[i - 1].StartsWith("--", StringComparison.Ordinal) && !all[i - 1].Contains('=', StringComparison.Ordinal)
            && s_properties.ContainsKey(Normalize(all[i - 1][2..])));

    private static string StripSection(string key)
    {
        // [spartan] sections are allowed in the ini file; keys outside a section work too.
        int colon = key.LastIndexOf(':');
        return colon < 0 ? key : key[(colon + 1)..];
    }

    private static string Normalize(string key) =>
        new(key.Where(c => c is not ('-' or '_' or '.')).Select(char.ToLowerInvariant).ToArray());

    private static string Kebab(string name)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }

    private static bool IsBindable(Type t)
    {
        Type u = Nullable.GetUnderlyingType(t) ?? t;
        return u.IsPrimitive || u.IsEnum || u == typeof(string) || u == typeof(decimal);
    }
}
