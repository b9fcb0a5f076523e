using System.Runtime.CompilerServices;
using Spartan.Runtime;

namespace Spartan.Expressions;

/// <summary>Which nodes have a live evaluated result, held weakly on both sides: the registry never keeps a node or
/// its tiles alive.</summary>
internal static class ResultRegistry
{
    private static readonly ConditionalWeakTable<Node, ResultNode> s_results = new();

    public static void Register(Node node, ResultNode result) => s_results.AddOrUpdate(node, result);

    public static bool TryGet(Node node, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ResultNode? result)
    {
        if (s_results.TryGetValue(node, out result) && result.TryGetLive(out TileSet? _))
        {
            return true;
        }

        result = null;
        return false;
    }
}
