using System.Collections;

namespace Spartan.Cluster.Tests;

/// <summary>SpartanOptions binding: ini file, then SPARTAN_* variables, then --flag=value arguments.</summary>
public sealed class SpartanConfigurationTests
{
    [Fact]
    public void LaterSourcesOverrideEarlierOnes()
    {
        string ini = Path.Combine(Path.GetTempPath(), $"spartan-{Guid.NewGuid():N}.ini");
        File.WriteAllText(ini, "workers = 2\nlog-level = Debug\nsecret = from-ini\n[spartan]\ntiles_per_worker = 5\n");
        try
        {
            var env = new Hashtable { ["SPARTAN_LOG_LEVEL"] = "Error", ["SPARTAN_ASSIGN_MODE"] = "ByNode", ["OTHER"] = "x" };
            SpartanOptions o = SpartanConfiguration.Load(["demo", "--workers=7", "--cluster", "h:1", "--unrelated"], ini, env);
            Assert.Equal(7, o.Workers);
            Assert.Equal("Error", o.LogLevel);
            Assert.Equal("from-ini", o.Secret);
            Assert.Equal(5, o.TilesPerWorker);
            Assert.Equal(AssignMode.ByNode, o.AssignMode);
            Assert.Equal("h:1", o.Cluster);
        }
        finally
        {
            File.Delete(ini);
        }
    }

    [Fact]
    public void UnknownKeysAndBadValuesNameTheirSource()
    {
        ArgumentException unknown = Assert.Throws<ArgumentException>(() => SpartanConfiguration.Load([], null, new Hashtable { ["SPARTAN_WROKERS"] = "3" }));
        Assert.Contains("WROKERS", unknown.Message, StringComparison.Ordinal);
        ArgumentException bad = Assert.Throws<ArgumentException>(() => SpartanConfiguration.Load(["--workers=many"], null, null));
        Assert.Contains("command line", bad.Message, StringComparison.Ordinal);
    }
}
