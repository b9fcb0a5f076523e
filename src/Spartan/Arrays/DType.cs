namespace Spartan;

/// <summary>The element type of an array. Bool is stored as one byte holding 0 or 1.</summary>
public enum DType
{
    /// <summary>Boolean, one byte (0 or 1).</summary>
    Bool,
    /// <summary>32-bit signed integer.</summary>
    Int32,
    /// <summary>64-bit signed integer.</summary>
    Int64,
    /// <summary>32-bit IEEE float.</summary>
    Float32,
    /// <summary>64-bit IEEE float.</summary>
    Float64,
}
