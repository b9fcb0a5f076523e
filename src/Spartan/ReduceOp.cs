namespace Spartan;

/// <summary>How values written to the same place are combined.</summary>
public enum ReduceOp
{
    /// <summary>The new value replaces the old.</summary>
    Replace,
    /// <summary>Sum.</summary>
    Add,
    /// <summary>Product.</summary>
    Multiply,
    /// <summary>Maximum (NaN wins).</summary>
    Max,
    /// <summary>Minimum (NaN wins).</summary>
    Min,
    /// <summary>Logical or bitwise and.</summary>
    And,
    /// <summary>Logical or bitwise or.</summary>
    Or,
}

/// <summary>The combining operation of a scan.</summary>
public enum ScanOp
{
    /// <summary>Running sum.</summary>
    Add,
    /// <summary>Running product.</summary>
    Multiply,
    /// <summary>Running maximum.</summary>
    Max,
    /// <summary>Running minimum.</summary>
    Min,
}
