using System.IO.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Bench.Targets.Wire;

/// <summary>
/// Counting on the server side: a Kestrel connection middleware that runs each accepted connection's bytes through a
/// <see cref="CountingStream"/> before anything else sees them (so under TLS it counts ciphertext), and a second one,
/// placed after <c>UseHttps</c>, that marks where the TLS handshake ended.
/// </summary>
public static class KestrelWire
{
    private static readonly object CounterKey = new();

    /// <summary>Counts every byte of every connection on this endpoint into <paramref name="meter"/>.</summary>
    public static ListenOptions CountInto(this ListenOptions listen, WireMeter meter, bool tlsFollows)
    {
        listen.Use(next => async context =>
        {
            var counter = meter.Open(handshakeFirst: tlsFollows);
            context.Items[CounterKey] = counter;
            var original = context.Transport;
            var stream = new CountingStream(
                new DuplexStream(original.Input.AsStream(leaveOpen: true), original.Output.AsStream(leaveOpen: true)), counter);
            await using (stream.ConfigureAwait(false))
            {
                var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
                var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
                context.Transport = new Duplex(reader, writer);
                try
                {
                    await next(context).ConfigureAwait(false);
                }
                finally
                {
                    await reader.CompleteAsync().ConfigureAwait(false);
                    await writer.CompleteAsync().ConfigureAwait(false);
                    context.Transport = original;
                }
            }
        });
        return listen;
    }

    /// <summary>After <c>UseHttps</c>: the TLS handshake is over when a connection gets here.</summary>
    public static ListenOptions MarkHandshakeDone(this ListenOptions listen)
    {
        listen.Use(next => context =>
        {
            if (context.Items.TryGetValue(CounterKey, out var c) && c is WireMeter.Connection counter)
            {
                counter.HandshakeDone();
            }

            return next(context);
        });
        return listen;
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
