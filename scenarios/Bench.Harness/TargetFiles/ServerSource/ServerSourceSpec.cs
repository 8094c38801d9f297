namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>
/// <c>source: server</c>: the system emits events on its own and Bench only subscribes. Each message's sequence number
/// (per subscriber's stream) is at <see cref="Sequence"/>; its own timestamp, when the file names one, at
/// <see cref="Timestamp"/>, written in <see cref="Clock"/>.
/// </summary>
public sealed record ServerSourceSpec(FeedPath Sequence, FeedPath? Timestamp, FeedClock? Clock)
{
    /// <summary>The transports whose subscribers can read a feed Bench did not publish.</summary>
    public static IReadOnlyList<string> Transports { get; } = ["websocket", "sse"];

    /// <summary>The scenario that runs against such a system: the others need events Bench publishes.</summary>
    public const string Scenario = "push";

    /// <summary>Why a scenario other than push is n/a against a system that publishes on its own.</summary>
    public static string OnlyPush(string scenario) =>
        $"source: server: Bench only subscribes to this system, and {scenario.Split('/')[0]} needs events Bench publishes; push runs";

    /// <summary>
    /// Reads <c>source</c>, <c>sequence</c> and <c>timestamp</c>: null for <c>source: bench</c> (the default). With
    /// <c>source: server</c>, a <c>publish</c>, <c>envelope</c> or <c>rtt</c> section is refused, naming it.
    /// </summary>
    public static ServerSourceSpec? Read(TargetFileFields v, TargetFileModel model, string transport)
    {
        var source = v.OneOf("source", model.Source ?? "bench", ["bench", "server"]);
        if (source == "bench")
        {
            if (model.Sequence is not null || model.Timestamp is not null)
            {
                throw v.Fail(model.Sequence is not null ? "sequence" : "timestamp",
                    "only with source: server (a system that publishes on its own); Bench's own events carry their sequence");
            }

            return null;
        }

        if (!Transports.Contains(transport))
        {
            throw v.Fail("source", $"server is supported with transport {string.Join(" or ", Transports)}, not {transport}");
        }

        foreach (var (field, given) in new[]
        {
            ("publish", model.Publish is not null), ("envelope", model.Envelope is not null), ("rtt", model.Rtt is not null),
            ("process", model.Process is not null),
        })
        {
            if (given)
            {
                throw v.Fail(field, field == "process"
                    ? "not read with source: server yet: remove it (the report says the target's CPU and memory are not measured)"
                    : "not with source: server: Bench only subscribes; sequence and timestamp say where each message's values are");
            }
        }

        var sequence = Path(v, "sequence",
            model.Sequence ?? throw v.Fail("sequence", "required with source: server: a path such as $.seq"));
        if (model.Timestamp is not { } t)
        {
            return new ServerSourceSpec(sequence, null, null);
        }

        var timestamp = Path(v, "timestamp.path", t.Path ?? throw v.Fail("timestamp.path", "required: a path such as $.ts"));
        var clock = v.OneOf("timestamp.clock", t.Clock, [.. FeedClock.All.Select(c => c.Name)]);
        return new ServerSourceSpec(sequence, timestamp, FeedClock.All.Single(c => c.Name == clock));
    }

    /// <summary>
    /// What stands for <c>publish</c> in a file that has none: never requested (only push runs, and it only subscribes),
    /// it names the subscribe URL so that the file's hosts are the subscribers' host alone.
    /// </summary>
    public static Publishers.IPublishSpec NoPublish(SubscribeSpec subscribe) => new ServerPublishes(subscribe.Url!);

    /// <summary>The publish side of a <c>source: server</c> file: the system's own; there is nothing for Bench to open.</summary>
    private sealed record ServerPublishes(string Url) : Publishers.IPublishSpec
    {
        public string Field => "source";

        public Task<Publishers.ITargetPublisher> ConnectAsync(Publishers.PublishSetup setup, CancellationToken ct) =>
            throw new InvalidOperationException("source: server: the system publishes; Bench only subscribes");
    }

    private static FeedPath Path(TargetFileFields v, string field, string text) =>
        EnvelopePath.TryParse(text, out var path)
            ? new FeedPath(path)
            : throw v.Fail(field, $"'{text}' is not a path such as $.seq or $.data.n");
}
