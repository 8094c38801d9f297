using System.Net;
using Bench.Targets.Hosting;
using Bench.Targets.Hub.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Bench.Targets.Tests.Hub.SignalR;

/// <summary>What SignalR keeps for a client (negotiated state, stateful reconnect buffers) stays within the hub's limits.</summary>
public sealed class SignalRAdmissionTests
{
    private static async Task<HttpResponseMessage> NegotiateAsync(HttpClient http, RunningTarget hub, bool stateful) =>
        await http.PostAsync(
            new Uri(hub.Url + "/signalr/negotiate?negotiateVersion=1" + (stateful ? "&useStatefulReconnect=true" : "")), null);

    [Fact]
    public async Task Negotiations_that_never_connect_count_against_the_connection_limit()
    {
        await using var hub = await TargetHost.StartHubAsync(o => o.MaxConnections = 5);
        using var http = new HttpClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add((await NegotiateAsync(http, hub, stateful: false)).StatusCode);
        }

        Assert.Equal(5, answers.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, answers.Count(s => s == HttpStatusCode.ServiceUnavailable));
    }

    [Fact]
    public async Task Stateful_reconnect_is_agreed_only_while_its_buffers_fit_the_budget()
    {
        await using var hub = await TargetHost.StartHubAsync(o =>
        {
            o.StatefulReconnectBufferBytes = 64 * 1024;
            o.MaxStatefulReconnectBytes = 256 * 1024;
        });
        using var http = new HttpClient();

        var agreed = 0;
        for (var i = 0; i < 5; i++)
        {
            var body = await (await NegotiateAsync(http, hub, stateful: true)).Content.ReadAsStringAsync();
            agreed += body.Contains("\"useStatefulReconnect\":true", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(2, agreed);
    }

    [Fact]
    public async Task Clients_beyond_the_stateful_budget_still_connect_without_it()
    {
        await using var hub = await TargetHost.StartHubAsync(o =>
        {
            o.StatefulReconnectBufferBytes = 64 * 1024;
            o.MaxStatefulReconnectBytes = 128 * 1024;
        });
        var clients = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new HubConnectionBuilder().WithUrl(hub.Url + "/signalr").WithStatefulReconnect().Build();
                clients.Add(client);
                await client.StartAsync();
                await client.InvokeAsync("Subscribe", "st" + i, null);
            }

            Assert.All(clients, c => Assert.Equal(HubConnectionState.Connected, c.State));
            Assert.Equal(1, hub.Services.GetRequiredService<SignalRAdmission>().StatefulConnections);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
