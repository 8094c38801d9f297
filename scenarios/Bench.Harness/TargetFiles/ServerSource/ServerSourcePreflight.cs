using System.Text.Json;

namespace Bench.Harness.TargetFiles.ServerSource;

/// <summary>
/// Before a run, proves a <c>source: server</c> file against its system: a subscriber connects, a message must arrive
/// within <see cref="TargetPreflight.ArrivalTimeout"/>, and it must hold a sequence number (and the timestamp, when the
/// file names one) where the file says. Each failure is one line naming the field (exit 2).
/// </summary>
internal static class ServerSourcePreflight
{
    public static async Task CheckAsync(TargetFile file, CancellationToken ct)
    {
        var spec = file.ServerSource!;
        var values = new TemplateValues(FilePushFanOut.NewStream());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TargetPreflight.ArrivalTimeout);
        var reader = await FeedReaders.ConnectOrFailAsync(file, values, (line, _) => new TargetFileException(line), timeout.Token)
            .ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var buffer = new byte[FeedSubscriber.MaxMessage];
            int length;
            try
            {
                length = await reader.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                length = -2;
            }

            if (length < 0)
            {
                var what = length == -2
                    ? $"no message arrived within {TargetPreflight.ArrivalTimeout.TotalSeconds:0} s"
                    : "the system ended the stream";
                throw new TargetFileException($"{file.Path}: subscribe.url: {what} of connecting: a source: server system must emit on " +
                    "its own to every subscriber (check subscribe.url and subscribe.message)");
            }

            Check(file, spec, buffer.AsMemory(0, length));
        }
    }

    private static void Check(TargetFile file, ServerSourceSpec spec, ReadOnlyMemory<byte> message)
    {
        var field = "sequence";
        try
        {
            using var document = JsonDocument.Parse(message);
            spec.Sequence.Sequence(document.RootElement);
            if (spec.Timestamp is { } timestamp)
            {
                field = "timestamp";
                spec.Clock!.UnixMicroseconds(timestamp.Find(document.RootElement));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException)
        {
            var why = e is JsonException ? "the message is not JSON" : e.Message;
            throw new TargetFileException($"{file.Path}: {field}: a message arrived, but {why}");
        }
    }
}
