using System.IO.Pipelines;
using Bench.Targets.Wire;

namespace Bench.Micro;

/// <summary>Two connected in-memory streams: what one writes, the other reads — a socket pair without a network.</summary>
internal static class InMemoryDuplex
{
    public static (Stream A, Stream B) Create()
    {
        var ab = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var ba = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        return (new DuplexStream(ba.Reader.AsStream(), ab.Writer.AsStream()), new DuplexStream(ab.Reader.AsStream(), ba.Writer.AsStream()));
    }
}
