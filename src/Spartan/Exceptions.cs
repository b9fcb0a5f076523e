namespace Spartan;

/// <summary>Thrown when an expression is built from operands whose shapes do not fit together.
/// It is raised at the user's line, before anything runs.</summary>
public class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ShapeMismatchException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ShapeMismatchException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message naming the offending argument.</summary>
    public ShapeMismatchException(string message, string? paramName) : base(message, paramName)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ShapeMismatchException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>A failure while evaluating an expression: a kernel threw, a kernel returned the wrong shape,
/// a worker was lost beyond recovery. <see cref="ExprTrace"/> names the user code line that built the failing node.</summary>
public class SpartanException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpartanException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SpartanException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SpartanException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a message, the user's line ("File.cs:123"), and a cause.</summary>
    public SpartanException(string message, string? exprTrace, Exception? innerException = null)
        : base(exprTrace is null ? message : $"{message} (expression built at {exprTrace})", innerException)
    {
        ExprTrace = exprTrace;
    }

    /// <summary>Where the failing expression was built, as "File.cs:123", or null when unknown.</summary>
    public string? ExprTrace { get; }
}
