using System.Globalization;
using Bench.Harness.Clients;
using Bench.Harness.TargetFiles;

namespace Bench.Harness.Transports.Grpc;

/// <summary>
/// <c>transport: grpc</c> in a target file: a server-streaming method of the user's service, called by its path
/// (<c>subscribe.method</c>: <c>/package.Service/Method</c>) at <c>subscribe.url</c> (http: cleartext HTTP/2 with prior
/// knowledge; https: TLS). Bench has none of the user's generated types, so the request is written from field numbers
/// and values (<c>subscribe.request</c>) and each response's field <c>subscribe.field</c> (a string or bytes field) is
/// where <c>envelope.json</c> looks for Bench's envelope (<see cref="FileGrpcSubscriber"/>, <see cref="ProtobufWire"/>).
/// </summary>
public sealed class GrpcFileBinding : StreamingFileBinding
{
    public override string Name => "grpc";

    public override string FaultBehaviour =>
        "Bench's gRPC client calls the method again with the same request after backoff; "
        + "it cannot ask a system whose messages it does not know to resume";

    public override SubscribeSpec Subscribe(SubscribeModel section, IReadOnlyDictionary<string, string> headers, TargetFileFields fields)
    {
        var url = fields.Url("subscribe.url", section.Url, "http", "https");
        if (section.Method is null || FileGrpcSubscriber.SplitPath(section.Method) is null)
        {
            throw fields.Fail("subscribe.method",
                "required: the server-streaming method's path, /package.Service/Method (as in the .proto)");
        }

        if (section.Field is not (> 0 and < 536_870_912))
        {
            throw fields.Fail("subscribe.field",
                "required: the number of the response's field (string or bytes) that holds the event, 1 or more");
        }

        var request = new List<KeyValuePair<int, string>>();
        foreach (var (key, value) in section.Request ?? [])
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or >= 536_870_912)
            {
                throw fields.Fail($"subscribe.request.{key}", "a field number (1 or more) is expected as the key");
            }

            if (ProtobufWire.ValueProblem(value) is { } problem)
            {
                throw fields.Fail($"subscribe.request.{key}", problem);
            }

            request.Add(new(number, value));
        }

        return new(url, headers, null, section.Method, [], null, null, null, null)
        {
            RequestFields = request,
            MessageField = section.Field,
        };
    }

    public override async Task<IStreamSubscriber> ConnectAsync(
        TargetFile file, TemplateValues values, string name, SubscriberOptions options, CancellationToken ct)
    {
        var spec = file.Subscribe;
        var request = ProtobufWire.Write(spec.RequestFields.Select(f => KeyValuePair.Create(f.Key, TemplateText.Fill(f.Value, values))));

        // No pings: a gRPC server may take pings it did not agree to as abuse (GOAWAY), and nothing else is asked of it.
        var quiet = options with { KeepAliveInterval = TimeSpan.Zero, KeepAliveTimeout = TimeSpan.Zero };
        return await FileGrpcSubscriber.ConnectAsync(new Uri(TemplateText.FillUrl(spec.Url!, values)), spec.Method!, request, spec.Headers,
            spec.MessageField!.Value, name, quiet, ct).ConfigureAwait(false);
    }

    public override string SubscribeFields(SubscribeSpec spec) => "subscribe.url, subscribe.method, subscribe.request and subscribe.field";
}
