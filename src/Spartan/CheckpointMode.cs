namespace Spartan;

/// <summary>Where <see cref="Sp.Checkpoint"/> keeps the copy that a lost array is restored from.</summary>
public enum CheckpointMode
{
    /// <summary>A tiled store on disk (<see cref="SpartanOptions.CheckpointDirectory"/>); survives losing every worker.</summary>
    Disk,
    /// <summary>A second copy of every tile in memory, on the next worker; survives losing the tile's own copy.</summary>
    Replica,
}
