namespace Spartan.Runtime;

/// <summary>The built-in reductions. Each has a partial form computed per tile and a combine applied to partials.</summary>
public enum Reduction
{
    /// <summary>Sum (bool and integer inputs sum in Int64).</summary>
    Sum,
    /// <summary>Product.</summary>
    Prod,
    /// <summary>Maximum (NaN wins).</summary>
    Max,
    /// <summary>Minimum (NaN wins).</summary>
    Min,
    /// <summary>Index of the first maximum; partials carry (value, index).</summary>
    ArgMax,
    /// <summary>Index of the first minimum; partials carry (value, index).</summary>
    ArgMin,
    /// <summary>All non-zero.</summary>
    All,
    /// <summary>Any non-zero.</summary>
    Any,
    /// <summary>Number of non-zero elements (Int64).</summary>
    CountNonzero,
}
