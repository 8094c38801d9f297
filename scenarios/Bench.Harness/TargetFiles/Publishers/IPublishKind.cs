namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>
/// A way a target file makes its system publish: <c>publish.http</c>, <c>publish.websocket</c>, <c>publish.signalr</c>.
/// Each kind reads its own section of <c>publish</c>; <see cref="PublishKinds.All"/> lists them, and the target-file
/// code asks the kind it read and never names one.
/// </summary>
public interface IPublishKind
{
    /// <summary>The section's name under <c>publish</c> (<c>http</c>).</summary>
    string Name { get; }

    /// <summary>Whether the file gives this kind's section.</summary>
    bool IsGiven(PublishModel section);

    /// <summary>Reads this kind's section; a field missing or wrong throws through <paramref name="fields"/>, naming it.</summary>
    IPublishSpec Read(PublishModel section, TargetFileFields fields);
}

/// <summary>A target file's publish section, validated: where it sends, and how a run's publisher opens.</summary>
public interface IPublishSpec
{
    /// <summary>The file's field it was read from (<c>publish.http</c>), which its errors name.</summary>
    string Field { get; }

    /// <summary>The URL it sends to, with placeholders.</summary>
    string Url { get; }

    /// <summary>
    /// Opens a publisher of a run: at once for a request per event, or after connecting for a kept connection (which
    /// throws what a failed connect throws: <see cref="System.Net.WebSockets.WebSocketException"/>,
    /// <see cref="HttpRequestException"/>, …).
    /// </summary>
    Task<ITargetPublisher> ConnectAsync(PublishSetup setup, CancellationToken ct);
}

/// <summary>
/// What a publisher of a target file's system is opened with: the run's stream, its payloads and clock, the hosts the
/// file names (the only ones a connection may be sent on to), and the target it reports gone when the system stops
/// answering (none in a preflight).
/// </summary>
public sealed record PublishSetup(
    string Stream, Clients.Payloads Payloads, TimeProvider Clock, IReadOnlyCollection<string> Hosts, ExternalTarget? Target);

/// <summary>A publisher of a target file's system, which can say what happened to its connection.</summary>
public interface ITargetPublisher : Clients.IEventPublisher
{
    /// <summary>What a run's result should say about this publisher (its connection lost and made again), or null.</summary>
    Bench.Reports.Warnings.RunWarning? Warning { get; }
}
