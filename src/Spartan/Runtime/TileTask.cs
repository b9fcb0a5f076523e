namespace Spartan.Runtime;

/// <summary>One unit of work for a worker: run <see cref="Kernel"/> over <see cref="Domain"/>, reading
/// <see cref="Inputs"/> (each assembled from pieces that may live on other workers), and store the kernel's
/// outputs under <see cref="Outputs"/> on this worker.</summary>
/// <param name="Kernel">What to run (data only, never a delegate).</param>
/// <param name="Inputs">The input regions, in the kernel's argument order.</param>
/// <param name="Domain">The extent the task covers: the output tile, or the input tile of a partial reduction.</param>
/// <param name="OutputExtents">Where each output lies in its array.</param>
/// <param name="OutputTypes">The dtype of each output.</param>
/// <param name="Outputs">Where to store each output.</param>
public sealed record TileTask(KernelSpec Kernel, TileInput[] Inputs, TileExtent Domain, TileExtent[] OutputExtents, DType[] OutputTypes, TileId[] Outputs);

/// <summary>An input region of a task and the stored tiles it is assembled from.</summary>
/// <param name="Region">The region of the input array, in its global coordinates.</param>
/// <param name="DType">The input's dtype.</param>
/// <param name="Pieces">The stored tiles that overlap the region, with the part of each that is needed.</param>
/// <param name="Lazy">When true the region is not assembled up front: the kernel reads the sub-regions it finds it
/// needs (a gather by data-dependent indices) through the worker's region reader.</param>
public sealed record TileInput(TileExtent Region, DType DType, TilePiece[] Pieces, bool Lazy = false);

/// <summary>The part of one stored tile that a task reads.</summary>
/// <param name="Tile">The stored tile (its worker holds it).</param>
/// <param name="TileExtent">The whole tile's extent.</param>
/// <param name="Part">The part needed: the tile's overlap with the task's region.</param>
public sealed record TilePiece(TileId Tile, TileExtent TileExtent, TileExtent Part);

/// <summary>What a finished task stored.</summary>
/// <param name="Tile">The stored tile.</param>
/// <param name="Bytes">Its size.</param>
public readonly record struct TileResult(TileId Tile, long Bytes);
