namespace Bench.Sdk;

/// <summary>One step of a scenario: which iteration it is, when it was meant to start, and where to account for it.</summary>
public sealed class StepContext
{
    internal StepContext(
        long number, long intendedTimestamp, int virtualUser, TimeProvider clock, PushSubscribers? push, CancellationToken ct)
    {
        Number = number;
        IntendedTimestamp = intendedTimestamp;
        VirtualUser = virtualUser;
        Clock = clock;
        Push = push;
        CancellationToken = ct;
    }

    /// <summary>The iteration's number, from 1, in schedule order: in a push scenario, the event's number.</summary>
    public long Number { get; }

    /// <summary>When the iteration was meant to start (a timestamp of <see cref="Clock"/>); latency counts from here.</summary>
    public long IntendedTimestamp { get; }

    public int VirtualUser { get; }

    public TimeProvider Clock { get; }

    /// <summary>The push scenario's accounting (null in a request/response scenario).</summary>
    public PushSubscribers? Push { get; }

    public CancellationToken CancellationToken { get; }
}

/// <summary>Fails a step with a named kind (for example <c>http_503</c>): counted under that kind, never swallowed.</summary>
public sealed class StepFailedException(string kind, string? message = null, Exception? inner = null) : Exception(message ?? kind, inner)
{
    public string Kind { get; } = kind;
}
