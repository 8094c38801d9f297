using Bench.Harness.Clients;
using Grpc.Core;
using Grpc.Net.Client;

namespace Bench.Harness.Transports.Grpc;

/// <summary>
/// A subscriber of a target file's gRPC server-streaming method, called without the user's generated types: the method
/// by its path (<c>/package.Service/Method</c>) through <see cref="CallInvoker.AsyncServerStreamingCall"/> with a
/// marshaller of raw bytes, the request written by <see cref="ProtobufWire"/> from the file's field values, and from each
/// response message the bytes of one field (the file's <c>subscribe.field</c>), where the file's <c>envelope.json</c>
/// then finds Bench's envelope. A call that ends is made again with the same request after backoff.
/// </summary>
public sealed class FileGrpcSubscriber : GrpcCallSubscriber<byte[]>
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    private readonly CallInvoker invoker;
    private readonly Method<byte[], byte[]> method;
    private readonly byte[] request;
    private readonly Metadata headers;
    private readonly int field;

    private FileGrpcSubscriber(
        GrpcChannel channel, Method<byte[], byte[]> method, byte[] request, Metadata headers, int field, string stream,
        SubscriberOptions options)
        : base(channel, stream, options)
    {
        invoker = channel.CreateCallInvoker();
        this.method = method;
        this.request = request;
        this.headers = headers;
        this.field = field;
    }

    /// <summary>The service and method names of a path <c>/package.Service/Method</c>, or null when it is not one.</summary>
    public static (string Service, string Method)? SplitPath(string path)
    {
        var parts = path.Split('/');
        return parts is ["", { Length: > 0 } service, { Length: > 0 } name] ? (service, name) : null;
    }

    public static async Task<IStreamSubscriber> ConnectAsync(Uri server, string methodPath, byte[] request,
        IReadOnlyDictionary<string, string> headers, int field, string stream, SubscriberOptions options, CancellationToken ct)
    {
        var (service, name) = SplitPath(methodPath)
            ?? throw new ArgumentException($"'{methodPath}' is not /package.Service/Method", nameof(methodPath));
        var metadata = new Metadata();
        foreach (var (key, value) in headers)
        {
            metadata.Add(key.ToLowerInvariant(), value);
        }

        var channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions
        {
            HttpHandler = GrpcSubscriber.Handler(options),
            DisposeHttpClient = true,
            ThrowOperationCanceledOnCancellation = true,
            InitialReconnectBackoff = options.Backoff.Min,
            MaxReconnectBackoff = options.Backoff.Max,
        });
        var subscriber = new FileGrpcSubscriber(channel, new Method<byte[], byte[]>(MethodType.ServerStreaming, service, name, Raw, Raw),
            request, metadata, field, stream, options);
        try
        {
            await subscriber.ReopenAsync(null, ct).ConfigureAwait(false);
            return subscriber;
        }
        catch
        {
            await subscriber.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async Task ReopenAsync(long? resumeFrom, CancellationToken ct)
    {
        // The system's own request, every time: Bench cannot know how (or whether) it resumes.
        await OpenAsync(
            life => invoker.AsyncServerStreamingCall(method, null, new CallOptions(headers, cancellationToken: life), request),
            async next =>
            {
                // A server that sends no headers before its first message (as gRPC servers may) is subscribed once the
                // call is sent: wait briefly for them, and go on when they have not come.
                await Task.WhenAny(next.ResponseHeadersAsync, Task.Delay(TimeSpan.FromMilliseconds(500), ct)).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                if (next.ResponseHeadersAsync.IsCompleted)
                {
                    await next.ResponseHeadersAsync.ConfigureAwait(false);
                }
            },
            method.FullName).ConfigureAwait(false);
    }

    protected override async ValueTask<int> ReceiveAsync(byte[] buffer, int limit, CancellationToken ct)
    {
        var current = Call;
        if (!await current.ResponseStream.MoveNext(ct).ConfigureAwait(false))
        {
            return -1;
        }

        // A message without the field hands on nothing: envelope.json then finds no envelope, and says so.
        if (!ProtobufWire.TryReadField(current.ResponseStream.Current, field, out var value))
        {
            return 0;
        }

        if (value.Length > limit)
        {
            throw new InvalidDataException($"field {field} of {value.Length} bytes is larger than the {limit} bytes allowed");
        }

        value.CopyTo(buffer);
        return value.Length;
    }

    protected override bool EndsConnection(Exception e) => e is RpcException or FormatException || base.EndsConnection(e);
}
