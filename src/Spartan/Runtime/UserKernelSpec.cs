namespace Spartan.Runtime;

/// <summary>The signature of a user kernel.</summary>
public enum UserKernelKind
{
    /// <summary><c>Func&lt;NDArray, NDArray&gt;</c>.</summary>
    Map,
    /// <summary><c>Func&lt;NDArray[], NDArray&gt;</c> over aligned tiles of several inputs.</summary>
    MapMany,
    /// <summary><c>Func&lt;NDArray, TileExtent, NDArray&gt;</c>: a tile and where it lies.</summary>
    MapWithLocation,
    /// <summary><c>Func&lt;NDArray, TileExtent, NDArray&gt;</c> returning a tile's partial reduction.</summary>
    LocalReduce,
    /// <summary><c>Func&lt;NDArray, TileExtent, IEnumerable&lt;(TileExtent, NDArray)&gt;&gt;</c>: a tile and where it lies, to
    /// the pieces it sends to regions of the result (Sp.Shuffle).</summary>
    Shuffle,
    /// <summary><c>Func&lt;NDArray, NDArray, NDArray&gt;</c>: a range of a and a range of b to the output tile (Sp.Outer).</summary>
    Outer,
}

/// <summary>A user kernel as data: the method (module version id + metadata token) and its captured values.
/// A worker that has the module (or receives it) rebuilds the delegate; nothing else crosses the wire.</summary>
/// <param name="Kind">The delegate signature.</param>
/// <param name="Module">The module version id of the assembly that defines the method.</param>
/// <param name="MethodToken">The method's metadata token.</param>
/// <param name="Target">The closure object's captured fields, or null for a static method.</param>
/// <param name="OutputType">The dtype the kernel must return.</param>
/// <param name="Name">A readable name ("Program.Main.lambda") for messages.</param>
public sealed record UserKernelSpec(UserKernelKind Kind, Guid Module, int MethodToken, CapturedObject? Target, DType OutputType, string Name) : KernelSpec;

/// <summary>A compiler-generated closure object: its type token (same module as the method) and fields.</summary>
/// <param name="TypeToken">The closure type's metadata token.</param>
/// <param name="Fields">The captured fields.</param>
public sealed record CapturedObject(int TypeToken, CapturedField[] Fields);

/// <summary>One captured field: a primitive, string, enum of Spartan, 1-d array of those, NDArray, Shape,
/// TileExtent, or a nested <see cref="CapturedObject"/>.</summary>
/// <param name="Name">The field name.</param>
/// <param name="Value">The value (a snapshot taken when the kernel was given).</param>
public sealed record CapturedField(string Name, object? Value);

/// <summary>Combines the partials of a user reduction, given in source-tile order, pairwise with <paramref name="Op"/>.</summary>
/// <param name="Op">The accumulator.</param>
public sealed record UserCombineKernel(ReduceOp Op) : KernelSpec;
