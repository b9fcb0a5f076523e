using System.Globalization;
using System.Text;

namespace Spartan;

/// <summary>Formats arrays the way NumPy prints them, eliding the middle of long axes.</summary>
internal static class ArrayFormatter
{
    private const int EdgeItems = 3;
    private const int Threshold = 1000;

    public static string Format(NDArray a)
    {
        var sb = new StringBuilder();
        bool summarize = a.Size > Threshold;
        Append(sb, a, 0, 0, summarize);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, NDArray a, int axis, long offset, bool summarize)
    {
        if (a.Shape.Rank == 0)
        {
            sb.Append(Element(a, 0));
            return;
        }

        long n = a.Shape.Dims[axis];
        long stride = 1;
        for (int i = axis + 1; i < a.Shape.Rank; i++)
        {
            stride *= a.Shape.Dims[i];
        }

        sb.Append('[');
        for (long i = 0; i < n; i++)
        {
            if (summarize && n > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(axis == a.Shape.Rank - 1 ? "..., " : "...,\n" + new string(' ', axis + 1));
                i = n - EdgeItems - 1;
                continue;
            }

            if (axis == a.Shape.Rank - 1)
            {
                sb.Append(Element(a, offset + i));
            }
            else
            {
                Append(sb, a, axis + 1, offset + i * stride, summarize);
            }

            if (i < n - 1)
            {
                sb.Append(axis == a.Shape.Rank - 1 ? ", " : ",\n" + new string(' ', axis + 1));
            }
        }

        sb.Append(']');
    }

    private static string Element(NDArray a, long i) => a.DType switch
    {
        DType.Bool => ((bool[])a.Buffer)[i] ? "True" : "False",
        DType.Int32 => ((int[])a.Buffer)[i].ToString(CultureInfo.InvariantCulture),
        DType.Int64 => ((long[])a.Buffer)[i].ToString(CultureInfo.InvariantCulture),
        DType.Float32 => ((float[])a.Buffer)[i].ToString("G7", CultureInfo.InvariantCulture),
        _ => ((double[])a.Buffer)[i].ToString("G8", CultureInfo.InvariantCulture),
    };
}
