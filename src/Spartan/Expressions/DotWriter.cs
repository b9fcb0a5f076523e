using System.Text;

namespace Spartan.Expressions;

/// <summary>Renders a DAG as graphviz DOT; shared nodes appear once.</summary>
internal static class DotWriter
{
    public static string Write(Node root)
    {
        var sb = new StringBuilder("digraph spartan {\n  node [shape=box, fontname=\"monospace\"];\n");
        var ids = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        Visit(root);
        sb.Append("}\n");
        return sb.ToString();

        int Visit(Node n)
        {
            if (ids.TryGetValue(n, out int id))
            {
                return id;
            }

            id = ids.Count;
            ids[n] = id;
            sb.Append($"  n{id} [label=\"{Escape(n.Label)}\\n{n.DType.Name()}{n.Shape}\"];\n");
            foreach (Node c in n.Children)
            {
                int cid = Visit(c);
                sb.Append($"  n{cid} -> n{id};\n");
            }

            return id;
        }
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
