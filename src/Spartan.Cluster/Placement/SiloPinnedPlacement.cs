using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Spartan.Cluster.Placement;

/// <summary>Places a grain on the silo its string key names (<c>SiloAddress.ToParsableString()</c>), and nowhere
/// else: a worker grain owns tile data in its silo's memory, so it must never be activated on another silo. A key
/// naming a silo that is not active fails instead of moving the grain.</summary>
[Serializable]
[GenerateSerializer]
[Immutable]
internal sealed class SiloPinnedPlacement : PlacementStrategy
{
    public static SiloPinnedPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class as <see cref="SiloPinnedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class SiloPinnedPlacementAttribute : PlacementAttribute
{
    public SiloPinnedPlacementAttribute() : base(SiloPinnedPlacement.Instance)
    {
    }
}

/// <summary>The director of <see cref="SiloPinnedPlacement"/>.</summary>
internal sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString() ?? "";
        SiloAddress wanted;
        try
        {
            wanted = SiloAddress.FromParsableString(key);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new OrleansException($"worker grain key '{key}' is not a silo address", e);
        }

        foreach (SiloAddress s in context.GetCompatibleSilos(target))
        {
            if (s.Equals(wanted))
            {
                return Task.FromResult(s);
            }
        }

        throw new SiloUnavailableException($"worker silo {key} is not an active member of the cluster");
    }
}
