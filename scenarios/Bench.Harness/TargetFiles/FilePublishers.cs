using Bench.Harness.Clients;
using Bench.Harness.TargetFiles.Publishers;

namespace Bench.Harness.TargetFiles;

/// <summary>Opens the publisher of a target file's system, by its publish kind.</summary>
internal static class FilePublishers
{
    /// <summary>What a failed connect of a publisher throws.</summary>
    public static bool IsConnectFailure(Exception e) =>
        e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException or System.Net.Sockets.SocketException
            or InvalidDataException or InvalidOperationException or OperationCanceledException;

    /// <summary>
    /// Opens the publisher of a run on <paramref name="stream"/>. One that cannot connect fails the run with one line
    /// naming the field (exit 4), not a stack trace.
    /// </summary>
    public static async Task<ITargetPublisher> ConnectOrFailAsync(
        TargetFile file, string stream, Payloads payloads, TimeProvider clock, ExternalTarget target, CancellationToken ct)
    {
        try
        {
            return await file.Publish.ConnectAsync(new PublishSetup(stream, payloads, clock, file.Hosts, target), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectFailure(e) && !ct.IsCancellationRequested)
        {
            var url = UrlText.ForMessage(TemplateText.FillUrl(file.Publish.Url, new TemplateValues(stream)), file.SecretValues);
            var why = UrlText.Masked(e.Message.Split('\n')[0], file.SecretValues);
            throw new Targets.TargetFailedException($"{file.Path}: {file.Publish.Field}: could not connect to {url}: {why}", e);
        }
    }
}
