namespace Spartan.Expressions;

/// <summary>NumPy broadcasting: shapes align at the trailing axis; an extent of 1 stretches.</summary>
internal static class Broadcasting
{
    /// <summary>The broadcast shape of the operands, or <see cref="ShapeMismatchException"/> naming them.</summary>
    public static Shape Shape(params Shape[] shapes)
    {
        int rank = shapes.Max(s => s.Rank);
        var dims = new long[rank];
        for (int a = 0; a < rank; a++)
        {
            long d = 1;
            foreach (Shape s in shapes)
            {
                int j = a - (rank - s.Rank);
                if (j < 0)
                {
                    continue;
                }

                long e = s.Dims[j];
                if (e == d || e == 1)
                {
                    continue;
                }

                if (d != 1)
                {
                    throw new ShapeMismatchException($"operands could not be broadcast together with shapes {string.Join(" ", shapes.Select(x => x.ToString()))}");
                }

                d = e;
            }

            dims[a] = d;
        }

        return new Shape(dims);
    }

    /// <summary>The broadcast shape, or null when the shapes are incompatible.</summary>
    public static Shape? TryShape(params Shape[] shapes)
    {
        try
        {
            return Shape(shapes);
        }
        catch (ShapeMismatchException)
        {
            return null;
        }
    }

    /// <summary>The region of an operand of shape <paramref name="operand"/> that a region of the broadcast output reads:
    /// stretched axes read their single element.</summary>
    public static TileExtent Region(TileExtent output, Shape operand)
    {
        int r = output.Shape.Rank, q = operand.Rank;
        var ul = new long[q];
        var lr = new long[q];
        for (int j = 0; j < q; j++)
        {
            int a = j + (r - q);
            if (operand.Dims[j] == 1 && output.ArrayShape.Dims[a] != 1)
            {
                ul[j] = 0;
                lr[j] = 1;
            }
            else
            {
                ul[j] = output.UlSpan[a];
                lr[j] = output.LrSpan[a];
            }
        }

        return new TileExtent(ul, lr, operand);
    }
}
