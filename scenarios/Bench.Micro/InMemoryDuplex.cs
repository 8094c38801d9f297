using System.IO.Pipelines;

namespace Bench.Micro;

/// <summary>Two connected in-memory streams: what one writes, the other reads — a socket pair without a network.</summary>
internal static class InMemoryDuplex
{
    public static (Stream A, Stream B) Create()
    {
        var ab = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var ba = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        return (new End(ba.Reader.AsStream(), ab.Writer.AsStream()), new End(ab.Reader.AsStream(), ba.Writer.AsStream()));
    }

    private sealed class End(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => input.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => output.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => output.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
