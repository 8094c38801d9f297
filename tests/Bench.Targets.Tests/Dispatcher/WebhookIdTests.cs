using Bench.Targets.Dispatcher;
using Bench.Targets.Events;
using Bench.Targets.Hosting;
using Bench.Targets.Receiver;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bench.Targets.Tests.Dispatcher;

/// <summary>A receiver de-duplicates on webhook-id: a new message must never reuse an id, not even after a restart.</summary>
public sealed class WebhookIdTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-ids-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Deliveries_after_a_dispatcher_restart_are_new_messages_to_the_receiver()
    {
        var secret = WebhookSignature.NewSecret();
        await using var receiver = await TargetHost.StartReceiverAsync(o => o.Secret = secret);
        var counters = receiver.Services.GetRequiredService<ReceiverCounters>();
        var endpoints = Path.Combine(dir, "endpoints");

        for (var launch = 1; launch <= 2; launch++)
        {
            var options = Options.Create(new DispatcherOptions { EndpointsPath = endpoints });
            await using var dispatcher = new WebhookDispatcher(options, TimeProvider.System);
            if (launch == 1)
            {
                var registered = dispatcher.TryRegister(new SubscriptionRequest(receiver.Url + "/webhook/a", secret, "a"), out var problem);
                Assert.True(registered, problem);
            }

            // The same event again, as a run started over would publish it: a new message all the same.
            dispatcher.Publish(new PublishedEvent(1, 1, "{}"u8.ToArray()));
            await WaitForAsync(() => counters.Snapshot().Accepted + counters.Snapshot().Duplicates >= launch);
        }

        Assert.Equal(2, counters.Snapshot().Accepted);
        Assert.Equal(0, counters.Snapshot().Duplicates);
    }

    [Fact]
    public async Task One_event_sent_to_two_endpoints_on_one_receiver_is_two_messages()
    {
        var secret = WebhookSignature.NewSecret();
        await using var receiver = await TargetHost.StartReceiverAsync(o => o.Secret = secret);
        var counters = receiver.Services.GetRequiredService<ReceiverCounters>();
        await using var dispatcher = new WebhookDispatcher(Options.Create(new DispatcherOptions()), TimeProvider.System);
        Assert.True(dispatcher.TryRegister(new SubscriptionRequest(receiver.Url + "/webhook/a", secret, "a"), out _));
        Assert.True(dispatcher.TryRegister(new SubscriptionRequest(receiver.Url + "/webhook/b", secret, "b"), out _));

        dispatcher.Publish(new PublishedEvent(1, 1, "{}"u8.ToArray()));
        await WaitForAsync(() => counters.Snapshot().Accepted + counters.Snapshot().Duplicates >= 2);

        Assert.Equal(2, counters.Snapshot().Accepted);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }
}
