namespace Bench.Engine.Load;

/// <summary>One scheduled iteration: its number, its intended start (a timestamp of the run's clock) and its virtual user.</summary>
public readonly record struct IterationContext(long Number, long IntendedTimestamp, int VirtualUser);

/// <summary>The work of one iteration. Throw <see cref="IterationFailedException"/> to count a named error kind.</summary>
public delegate ValueTask IterationAction(IterationContext iteration, CancellationToken cancellationToken);

/// <summary>An iteration failed in a way the scenario names (for example <c>http_503</c>); counted, never swallowed.</summary>
public sealed class IterationFailedException(string kind, string? message = null, Exception? inner = null)
    : Exception(message ?? kind, inner)
{
    public string Kind { get; } = kind;
}
