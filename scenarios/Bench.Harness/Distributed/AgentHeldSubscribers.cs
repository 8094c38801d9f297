using System.Globalization;
using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Targets;
using Bench.Harness.Transports;
using Bench.Reports.Model;
using Bench.Targets;
using Bench.Targets.Hosting;

namespace Bench.Harness.Distributed;

/// <summary>
/// The connections scenario's subscribers spread over agent processes (<c>bench run connections --agents N</c>), so
/// that together they hold more than one process's open-file limit allows: the target started here, each agent told
/// to grow its share, each broadcast's fan-out completed from the agents' reports (one machine, one clock).
/// </summary>
public sealed class AgentHeldSubscribers : IHeldSubscribers
{
    private readonly TargetProcess target;
    private readonly string token;
    private readonly List<AgentProcess> agents;
    private readonly TempOutbox outbox;
    private readonly bool connects;
    private readonly bool dispatcher;
    private readonly (int Count, int Failed, double OpeningSeconds, int Addresses, long RssBytes)[] shares;
    private double[] idleCpu;

    private AgentHeldSubscribers(TargetProcess target, string token, List<AgentProcess> agents, TempOutbox outbox,
        bool connects, bool dispatcher)
    {
        this.target = target;
        this.token = token;
        this.agents = agents;
        this.outbox = outbox;
        this.connects = connects;
        this.dispatcher = dispatcher;
        shares = new (int, int, double, int, long)[agents.Count];
        idleCpu = new double[agents.Count];
    }

    public ITargetHandle Target => target;

    public int Count => shares.Sum(s => s.Count);

    public int SourceAddresses => Math.Max(1, shares.Max(s => s.Addresses));

    public double OpeningSeconds => shares.Max(s => s.OpeningSeconds);

    public double KeepAliveSeconds => connects ? ConnectionsScenario.KeepAlive.TotalSeconds : 0;

    public bool TimesConnects => connects;

    public static async Task<AgentHeldSubscribers> StartAsync(ScenarioContext context, ITransport transport, FleetOptions fleet,
        FanOutMeter meter, CancellationToken ct)
    {
        var token = Secrets.NewToken();
        var outbox = new TempOutbox(".db");
        var launch = transport.SharedTarget(new SharedTargetSetup(ConnectionsScenario.MaxMessage, ConnectionsScenario.KeepAlive,
            outbox.Path))
            ?? throw new TargetFailedException($"connections/{transport.Name}: agents share a reference target, and " +
                $"{transport.Name} has none");
        TargetProcess? target = null;
        var agents = new List<AgentProcess>();
        try
        {
            target = await TargetProcess.StartAsync(launch.Role, launch.Arguments,
                new Dictionary<string, string> { ["BENCH_TOKEN"] = token }, context.ReadyTimeout, ct).ConfigureAwait(false);
            for (var k = 0; k < fleet.Agents; k++)
            {
                var agent = AgentProcess.StartConnections(k, fleet.Agents, transport, target, token, context.Settings.Connections,
                    context.ReadyTimeout);
                agent.OnReport = line =>
                {
                    var parts = line.Split(' ');
                    if (parts.Length == 4 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var number)
                        && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var count) && long.TryParse(parts[3],
                            CultureInfo.InvariantCulture, out var last))
                    {
                        meter.Arrived(number, count, last);
                    }
                };
                agents.Add(agent);
            }

            var ready = Task.WhenAll(agents.Select(a => a.Ready));
            var gone = Task.WhenAny(agents.Select(a => a.Exited));
            if (await Task.WhenAny(ready, gone, Task.Delay(TimeSpan.FromSeconds(30) + context.ReadyTimeout, ct))
                .ConfigureAwait(false) != ready)
            {
                ct.ThrowIfCancellationRequested();
                var first = agents.FirstOrDefault(a => a.Exited.IsCompleted);
                throw new TargetFailedException(first is null
                    ? $"connections/{transport.Name}: the agents were not all ready in time"
                    : $"connections/{transport.Name}: agent {first.Index} exited with {AgentFleet.Describe(first.Exited.Result)} before " +
                        $"it was ready{first.StderrTail()}");
            }

            context.Progress.Message($"  connections/{transport.Name}: {fleet.Agents} agents ready " +
                $"({string.Join(", ", agents.Select(a => a.Share))})");
            return new AgentHeldSubscribers(target, token, agents, outbox, transport.SubscribersConnect,
                launch.Role == TargetRole.Dispatcher);
        }
        catch
        {
            foreach (var agent in agents)
            {
                agent.Dispose();
            }

            if (target is not null)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }

            outbox.Dispose();
            throw;
        }
    }

    public async Task<MemoryStats?> MemoryAsync(CancellationToken ct) =>
        await TargetStatsClient.GetAsync(target, "/memory", TargetsJson.Default.MemoryStats, ct).ConfigureAwait(false);

    public async Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) =>
        await Publisher.ConnectAsync(target.Url, token, payloads, ct).ConfigureAwait(false);

    public async Task<int> GrowToAsync(int total, IReadOnlyList<string> streams, List<long> connectUs, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var failedBefore = shares.Sum(s => s.Failed);
        var answers = await Task.WhenAll(agents.Select(a =>
            a.AskAsync("grow " + AgentShare.Split(total, a.Index, agents.Count).Size.ToString(inv),
                TimeSpan.FromMinutes(10), ct))).ConfigureAwait(false);
        for (var k = 0; k < answers.Length; k++)
        {
            var parts = answers[k].Split(' ');
            if (parts.Length < 6 || parts[0] != "held")
            {
                throw new TargetFailedException($"agent {k} answered '{answers[k]}' to grow");
            }

            var failed = shares[k].Failed + int.Parse(parts[2], inv);
            shares[k] = (int.Parse(parts[1], inv), failed, double.Parse(parts[3], inv), int.Parse(parts[4], inv),
                long.Parse(parts[5], inv));
            if (parts.Length > 6 && parts[6].Length > 0)
            {
                connectUs.AddRange(parts[6].Split(',').Select(x => long.Parse(x, inv)));
            }
        }

        // The target counts every agent's subscribers before the tier is measured.
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (await CountedAsync(ct).ConfigureAwait(false) < Count)
        {
            if (waiting.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TargetFailedException(string.Create(inv, $"the target did not count {Count:N0} subscribers within 60 s"));
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        return shares.Sum(s => s.Failed) - failedBefore;
    }

    /// <summary>What the target counts: endpoints a dispatcher has registered, or subscribers a hub holds.</summary>
    private async Task<int> CountedAsync(CancellationToken ct) => dispatcher
        ? (await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.DispatcherStats, ct).ConfigureAwait(false)).Endpoints
        : (await TargetStatsClient.GetAsync(target, "/stats", TargetsJson.Default.HubStats, ct).ConfigureAwait(false)).Subscribers;

    /// <summary>
    /// Starts (or, called again, ends) a window of the agents' CPU; returns their shares of the machine over the window just ended.
    /// </summary>
    public async Task<double[]> CpuAsync(CancellationToken ct)
    {
        var answers = await Task.WhenAll(agents.Select(a => a.AskAsync("cpu", TimeSpan.FromSeconds(30), ct))).ConfigureAwait(false);
        idleCpu = [.. answers.Select(a => double.Parse(a.AsSpan(4), CultureInfo.InvariantCulture))];
        return idleCpu;
    }

    /// <summary>
    /// Each agent's share and health: subscribers held, those it could not open, its CPU over the idle window, its memory.
    /// </summary>
    public List<AgentHealth> Health() =>
        [.. agents.Select(a => new AgentHealth(a.Index, Environment.MachineName, shares[a.Index].Count, 0, 0, 0, 0,
            Math.Round(idleCpu[a.Index], 2),
            shares[a.Index].Failed, "complete", Math.Round(shares[a.Index].RssBytes / 1048576.0, 1)))];

    public DistributionInfo Distribution(ClockMethod clock) =>
        new(agents.Count, ClockMethods.Name(clock), ClockMethods.Describe(clock, agents.Count) + " Fan-out to all is the last arrival " +
            "over every agent's subscribers.", []);

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in agents)
        {
            agent.Send("stop");
        }

        // Closing thousands politely measures nothing: stop the target, then the agents.
        await target.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(agents.Select(a => a.Exited.WaitAsync(TimeSpan.FromSeconds(10)))).ContinueWith(_ => { },
            TaskScheduler.Default).ConfigureAwait(false);
        foreach (var agent in agents)
        {
            agent.Dispose();
        }

        outbox.Dispose();
    }
}
