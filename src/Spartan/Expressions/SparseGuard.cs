namespace Spartan.Expressions;

/// <summary>Marks nodes that read sparse (CSR) operands themselves; every other node refuses them when built.</summary>
internal interface ISparseAware
{
}

/// <summary>
/// The one place that keeps sparse operands out of dense operations: a node kind that does not implement
/// <see cref="ISparseAware"/> and gets a sparse child would read CSR tiles as dense buffers, so it is refused when the
/// expression is built, naming the operation and the fix (ToDense()).
/// </summary>
internal static class SparseGuard
{
    public static void Check(string nodeType, Node[] children)
    {
        foreach (Node c in children)
        {
            if (c.IsSparse)
            {
                Throw(OpName(nodeType));
            }
        }
    }

    /// <summary>Throws the error for an operation <paramref name="op"/> that cannot take a sparse operand.</summary>
    public static void Throw(string op, string param = "x") =>
        throw new ArgumentException($"{op} does not accept a sparse array; convert it with ToDense() first (sparse arrays support Dot, scalar * and /, negation, Sum/Mean/Max/Min/CountNonzero, ToDense and ToCoo)", param);

    private static string OpName(string nodeType)
    {
        string n = nodeType.EndsWith("Node", StringComparison.Ordinal) ? nodeType[..^4] : nodeType;
        return n.ToLowerInvariant() switch
        {
            "view" => "slicing, indexing or transposing (a view)",
            "elementwise" or "fusedmap" => "this elementwise operation",
            "reduce" => "this reduction",
            var s => $"the operation '{s}'",
        };
    }
}
