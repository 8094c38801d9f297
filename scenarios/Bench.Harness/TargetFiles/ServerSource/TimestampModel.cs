namespace Bench.Harness.TargetFiles;

/// <summary>With <c>source: server</c>: where each message's own timestamp is and what clock wrote it.</summary>
public sealed class TimestampModel
{
    /// <summary>A path into each message (<c>$.ts</c>), as <c>envelope.json</c> is written.</summary>
    public string? Path { get; set; }

    /// <summary><c>unix-ms</c>, <c>unix-us</c> or <c>iso8601</c>.</summary>
    public string? Clock { get; set; }
}
