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

/// <summary>A worker died, or was declared dead by cluster membership, while a call to it was pending or before
/// it was made. The master treats every tile the worker held as lost: an evaluation that meets this exception
/// rebuilds those tiles from lineage on the surviving workers and retries, so user code only sees it (wrapped in a
/// <see cref="SpartanException"/>) when no worker is left or the retries are used up.</summary>
public class WorkerLostException : SpartanException
{
    /// <summary>Creates the exception.</summary>
    public WorkerLostException()
    {
        WorkerId = -1;
    }

    /// <summary>Creates the exception with a message.</summary>
    public WorkerLostException(string message) : base(message)
    {
        WorkerId = -1;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public WorkerLostException(string message, Exception innerException) : base(message, innerException)
    {
        WorkerId = -1;
    }

    /// <summary>Creates the exception for worker <paramref name="workerId"/> (its index in the context).</summary>
    public WorkerLostException(int workerId, string message, Exception? innerException = null) : base(message, innerException!)
    {
        WorkerId = workerId;
    }

    /// <summary>The index of the lost worker in its context, or -1 when unknown.</summary>
    public int WorkerId { get; }

    /// <summary>The first <see cref="WorkerLostException"/> in <paramref name="e"/>'s chain of causes (aggregates
    /// included), or null when the failure is not a lost worker.</summary>
    public static WorkerLostException? Find(Exception? e)
    {
        for (int depth = 0; e is not null && depth < 32; depth++)
        {
            switch (e)
            {
                case WorkerLostException lost:
                    return lost;
                case AggregateException agg:
                    foreach (Exception inner in agg.InnerExceptions)
                    {
                        if (Find(inner) is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                default:
                    e = e.InnerException;
                    break;
            }
        }

        return null;
    }
}
