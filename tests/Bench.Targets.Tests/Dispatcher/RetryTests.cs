using System.Net;
using Bench.Targets.Dispatcher;
using Bench.Targets.Events;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Targets.Tests.Dispatcher;

/// <summary>Retries on fake time: the schedule, Retry-After, giving up, 410, and the outbox across a restart.</summary>
public sealed class RetryTests : IDisposable
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));
    private readonly string secret = WebhookSignature.NewSecret();
    private readonly string dbPath = Path.Combine(Path.GetTempPath(), $"bench-outbox-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var f in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" })
        {
            File.Delete(f);
        }
    }

    private WebhookDispatcher NewDispatcher(ScriptedHandler handler, Action<DispatcherOptions>? configure = null)
    {
        var options = new DispatcherOptions { RetryJitter = 0, CreateHandler = () => handler };
        configure?.Invoke(options);
        var dispatcher = new WebhookDispatcher(Options.Create(options), clock);
        Assert.True(dispatcher.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/webhook/a", secret, "a"), out var problem), problem);
        return dispatcher;
    }

    private static PublishedEvent Event(long n) => new(n, n, "x"u8.ToArray());

    [Fact]
    public async Task Retries_follow_the_schedule_and_honour_a_longer_Retry_After()
    {
        var handler = new ScriptedHandler(
            clock, Respond.ServiceUnavailable(TimeSpan.FromSeconds(10)), Respond.Status(500), Respond.Status(200));
        await using var dispatcher = NewDispatcher(handler);
        var start = clock.GetUtcNow();

        dispatcher.Publish(Event(1));
        await handler.WaitForCallsAsync(1);
        clock.Advance(TimeSpan.FromSeconds(10));
        await handler.WaitForCallsAsync(2);
        clock.Advance(TimeSpan.FromMinutes(5));
        await handler.WaitForCallsAsync(3);
        await Until(() => dispatcher.Stats().Delivered == 1);

        // Attempt 1 waited for Retry-After (10 s) rather than the schedule's 5 s; attempt 2 the schedule's 5 minutes.
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10) + TimeSpan.FromMinutes(5)],
            handler.Calls.Select(c => c - start));
        var stats = dispatcher.Stats();
        Assert.Equal((2L, 0L, 0L), (stats.Retries, stats.GaveUp, stats.Pending));
        Assert.Equal(1, stats.Failures["http_503"]);
        Assert.Equal(1, stats.Failures["http_500"]);
    }

    [Fact]
    public async Task The_time_scale_compresses_the_schedule()
    {
        var handler = new ScriptedHandler(clock, Respond.Status(500), Respond.Status(500), Respond.Status(200));
        await using var dispatcher = NewDispatcher(handler, o => o.RetryTimeScale = 0.001);
        var start = clock.GetUtcNow();

        dispatcher.Publish(Event(1));
        await handler.WaitForCallsAsync(1);
        clock.Advance(TimeSpan.FromMilliseconds(5));
        await handler.WaitForCallsAsync(2);
        clock.Advance(TimeSpan.FromMilliseconds(300));
        await handler.WaitForCallsAsync(3);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(305)], handler.Calls.Select(c => c - start));
    }

    [Fact]
    public async Task A_delivery_is_given_up_when_the_schedule_is_spent()
    {
        var handler = new ScriptedHandler(clock, Respond.Status(500), Respond.Status(500), Respond.Status(500));
        await using var dispatcher = NewDispatcher(
            handler, o => o.RetrySchedule = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);

        dispatcher.Publish(Event(1));
        await handler.WaitForCallsAsync(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        await handler.WaitForCallsAsync(2);
        clock.Advance(TimeSpan.FromSeconds(2));
        await handler.WaitForCallsAsync(3);
        await Until(() => dispatcher.Stats().GaveUp == 1);

        Assert.Equal(
            (2L, 1L, 0L, 0L),
            (dispatcher.Stats().Retries, dispatcher.Stats().GaveUp, dispatcher.Stats().Pending, dispatcher.Stats().Delivered));
    }

    [Fact]
    public async Task Gone_410_disables_the_endpoint_for_good()
    {
        var handler = new ScriptedHandler(clock, Respond.Status(410));
        await using var dispatcher = NewDispatcher(handler);

        dispatcher.Publish(Event(1));
        await handler.WaitForCallsAsync(1);
        await Until(() => dispatcher.Stats().DisabledEndpoints == 1);
        dispatcher.Publish(Event(2));
        clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(100);

        Assert.Single(handler.Calls);
        Assert.Equal(0, dispatcher.Stats().Retries);
    }

    [Fact]
    public async Task A_durable_outbox_delivers_what_was_pending_after_a_restart()
    {
        var failing = new ScriptedHandler(clock, Respond.Status(500), Respond.Status(500), Respond.Status(500));
        var first = NewDispatcher(failing, o => o.OutboxPath = dbPath);
        for (var n = 1; n <= 3; n++)
        {
            first.Publish(Event(n));
        }

        await failing.WaitForCallsAsync(3);
        await first.DisposeAsync();

        // The new process knows the endpoint and the three deliveries from the file alone.
        var healthy = new ScriptedHandler(clock, Respond.Status(200), Respond.Status(200), Respond.Status(200));
        await using var second = new WebhookDispatcher(
            Options.Create(new DispatcherOptions { OutboxPath = dbPath, CreateHandler = () => healthy }), clock);
        await Until(() => second.Stats().Delivered == 3);

        Assert.Equal(1, second.Stats().Endpoints);
        Assert.Equal(0, second.Stats().Pending);
    }

    [Fact]
    public async Task A_memory_outbox_forgets_what_was_pending_when_the_process_goes()
    {
        var failing = new ScriptedHandler(clock, Respond.Status(500));
        var first = NewDispatcher(failing);
        first.Publish(Event(1));
        await failing.WaitForCallsAsync(1);
        Assert.Equal(1, first.Stats().Pending);
        await first.DisposeAsync();

        await using var second = new WebhookDispatcher(
            Options.Create(new DispatcherOptions { CreateHandler = () => new ScriptedHandler(clock) }), clock);

        Assert.Equal((0, 0L), (second.Stats().Endpoints, second.Stats().Pending));
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}

internal static class Respond
{
    public static Func<HttpResponseMessage> Status(int code) => () => new HttpResponseMessage((HttpStatusCode)code);

    public static Func<HttpResponseMessage> ServiceUnavailable(TimeSpan retryAfter) => () =>
    {
        var r = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter);
        return r;
    };
}

/// <summary>Answers deliveries from a script and notes when (on the fake clock) each came.</summary>
internal sealed class ScriptedHandler(TimeProvider clock, params Func<HttpResponseMessage>[] script) : HttpMessageHandler
{
    private readonly List<DateTimeOffset> calls = [];

    public IReadOnlyList<DateTimeOffset> Calls
    {
        get
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    }

    public async Task WaitForCallsAsync(int count)
    {
        for (var i = 0; i < 1000 && Calls.Count < count; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, Calls.Count);

        // Let the dispatcher finish handling the answer (and schedule its retry) before time moves.
        await Task.Delay(50);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int index;
        lock (calls)
        {
            index = calls.Count;
            calls.Add(clock.GetUtcNow());
        }

        return Task.FromResult(index < script.Length ? script[index]() : new HttpResponseMessage(HttpStatusCode.InternalServerError));
    }
}
