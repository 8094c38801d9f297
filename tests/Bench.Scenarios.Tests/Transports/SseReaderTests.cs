using System.Text;
using Bench.Harness.Transports.Sse;

namespace Bench.Scenarios.Tests.Transports;

/// <summary>The event-stream interpretation of the HTML standard, line by line.</summary>
public sealed class SseReaderTests
{
    [Fact]
    public async Task Events_are_dispatched_on_blank_lines_whatever_the_line_ends()
    {
        var reader = Reader("data: one\r\n\r\ndata: two\r\rdata:three\n\n");
        Assert.Equal(["one", "two", "three"], await ReadAllAsync(reader));
    }

    [Fact]
    public async Task Data_lines_join_with_a_line_feed_and_comments_and_unknown_fields_are_skipped()
    {
        var reader = Reader(":heartbeat\n\nevent: tick\ndata: a\ndata: b\nfoo: bar\n\n");
        Assert.Equal(["a\nb"], await ReadAllAsync(reader));
        Assert.Equal(1, reader.Comments);
    }

    [Fact]
    public async Task Id_becomes_the_last_event_id_when_its_event_is_dispatched_and_retry_takes_digits_only()
    {
        var reader = Reader("retry: 250\n\nid: 7\ndata: x\n\nretry: 1x\nid: 8\n");
        var buffer = new byte[64];
        Assert.Equal(1, await reader.ReadEventAsync(buffer, CancellationToken.None));
        Assert.Equal("7", reader.LastEventId);
        Assert.Equal(TimeSpan.FromMilliseconds(250), reader.Retry);

        // The stream ends before the event with id 8 is dispatched: it is discarded, and so is its id.
        Assert.Equal(-1, await reader.ReadEventAsync(buffer, CancellationToken.None));
        Assert.Equal("7", reader.LastEventId);
        Assert.Equal(TimeSpan.FromMilliseconds(250), reader.Retry);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("99999999999999999")]
    [InlineData("999999999999999999999999999999")]
    public async Task A_retry_too_long_for_any_timer_reads_as_the_cap_and_does_not_throw(string retry)
    {
        var reader = Reader($"retry: {retry}\ndata: x\n\n");
        Assert.Equal(1, await reader.ReadEventAsync(new byte[64], CancellationToken.None));
        Assert.Equal(SseReader.MaxRetry, reader.Retry);
    }

    [Fact]
    public async Task An_event_larger_than_the_buffer_is_refused()
    {
        var reader = Reader("data: " + new string('x', 100) + "\n\n");
        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadEventAsync(new byte[50], CancellationToken.None));
    }

    private static SseReader Reader(string text) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static async Task<List<string>> ReadAllAsync(SseReader reader)
    {
        var events = new List<string>();
        var buffer = new byte[1024];
        int n;
        while ((n = await reader.ReadEventAsync(buffer, CancellationToken.None)) >= 0)
        {
            events.Add(Encoding.UTF8.GetString(buffer, 0, n));
        }

        return events;
    }
}
