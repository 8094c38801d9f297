using System.Collections.Concurrent;
using System.Globalization;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.TargetFiles;
using Bench.Harness.Transports;

namespace Bench.Harness.Distributed;

/// <summary>
/// An agent's share of the connections scenario, driven line by line by <c>bench run --agents</c>: <c>grow N</c>
/// opens subscribers until it holds N (answered <c>held COUNT FAILED OPENING_S ADDRESSES RSS_BYTES US,US,…</c>),
/// <c>cpu</c> answers its CPU since the last <c>cpu</c> (% of the machine), <c>stop</c> ends it; each broadcast all of
/// its subscribers have is reported as <c>arrived NUMBER COUNT LAST_TIMESTAMP</c> (this machine's monotonic clock).
/// </summary>
public sealed record AgentHold(
    ITransport Transport,
    int Index,
    int Count,
    string TargetUrl,
    string Token,
    int? TargetPid,
    int Total,
    TimeSpan ReadyTimeout)
{
    public async Task<int> ExecuteAsync(IProgressSink progress, TextWriter output, TextReader input,
        TimeProvider clock, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var (first, size) = AgentShare.Split(Total, Index, Count);
        var streams = Enumerable.Range(first, size).Select(i => "c" + i.ToString(inv)).ToList();
        var recorder = new RunRecorder(clock, TimeSpan.Zero, 3600);
        recorder.Begin(clock.GetTimestamp());
        var accounting = new DeliveryAccounting(recorder, streams);
        var arrivals = new ConcurrentDictionary<long, (int Count, long Last)>();
        var heldCount = 0;
        var writeLock = new object();
        accounting.OnDistinctArrival = (fields, arrival) =>
        {
            var number = DeliveryAccounting.EventNumber(fields.Id);
            var now = arrivals.AddOrUpdate(number, (1, arrival), (_, c) => (c.Count + 1, Math.Max(c.Last, arrival)));
            if (now.Count == Volatile.Read(ref heldCount))
            {
                lock (writeLock)
                {
                    output.WriteLine(string.Create(inv, $"arrived {number} {now.Count} {now.Last}"));
                    output.Flush();
                }
            }
        };

        using var target = new ExternalTarget(Transport.Name, TargetUrl.TrimEnd('/'), TargetPid) { Token = Token };
        var context = new ScenarioContext(new Plan.ScenarioSettings
        {
            RatePerSec = 0,
            Subscribers = size,
            PayloadBytes = 64,
            Connections = size,
            Duration = TimeSpan.Zero,
            Warmup = TimeSpan.Zero,
        }, ReadyTimeout, progress)
        { Clock = clock };
        var setup = new HeldSetup(accounting, ConnectionsScenario.MaxMessage,
            ConnectionsScenario.KeepAlive)
        { Attached = new AttachedTarget(target, Token, Total) };
        await using var held = await Transport.StartHeldAsync(context, setup, ct).ConfigureAwait(false);
        var cpu = CpuMeter.ForCurrentProcess(clock);
        Say("ready");
        while (await AgentRun.ReadLineAsync(input, ct).ConfigureAwait(false) is { } line && line != "stop")
        {
            if (line.StartsWith("grow ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(5), NumberStyles.None, inv, out var n))
            {
                var connectUs = new List<long>();
                var failed = await held.GrowToAsync(Math.Min(n, size), streams, connectUs, ct).ConfigureAwait(false);
                Volatile.Write(ref heldCount, held.Count);
                using var self = System.Diagnostics.Process.GetCurrentProcess();
                Say(string.Create(inv, $"held {held.Count} {failed} {held.OpeningSeconds:R} {held.SourceAddresses} {self.WorkingSet64} " +
                    $"{string.Join(',', connectUs)}"));
            }
            else if (line == "cpu")
            {
                var (_, percent) = cpu.Read();
                cpu.Restart();
                Say(string.Create(inv, $"cpu {percent:R}"));
            }
            else
            {
                Say($"error unknown command '{line}'");
            }
        }

        return ExitCodes.Ok;

        void Say(string text)
        {
            lock (writeLock)
            {
                output.WriteLine(text);
                output.Flush();
            }
        }
    }
}
