using System.Globalization;
using System.Net.WebSockets;
using Bench.Engine.Load;
using Bench.Engine.Recording;
using Bench.Harness.Clients;
using Bench.Harness.Targets;
using Bench.Reports.Metrics;
using Bench.Targets.Hosting;
using Bench.Targets.Webhooks;

namespace Bench.Harness.Calibration;

/// <summary>
/// <c>bench generator-probe</c>: how fast Bench's own generators go, closed model (each connection back to back), against
/// targets in their own processes: HTTP POSTs to the receiver's <c>/sink</c> (compare with wrk on the same URL and
/// connection count) and WebSocket echoes through the hub. One line each goes to <c>output</c>.
/// </summary>
public static class GeneratorProbe
{
    /// <summary>
    /// Probes with <paramref name="connections"/> connections, <paramref name="during"/> each after
    /// <paramref name="warmup"/>, <paramref name="payloadBytes"/> a body.
    /// </summary>
    public static async Task<int> RunAsync(int connections, TimeSpan during, TimeSpan warmup, int payloadBytes, bool hold,
        TextWriter output, CancellationToken ct)
    {
        var body = Payloads.Create(payloadBytes);
        var o = output;

        await using (var receiver = await TargetProcess.StartAsync(TargetRole.Receiver, [],
            new Dictionary<string, string> { ["BENCH_SECRET"] = WebhookSignature.NewSecret() }, TimeSpan.FromSeconds(20),
            ct).ConfigureAwait(false))
        {
            var sink = new Uri(receiver.Url + "/sink");
            // Bench's lean HTTP/1.1 client, one kept connection each: the request preformatted once (the headers wrk's
            // script sends), each iteration one send and a minimal read of the answer (docs/performance.md).
            var request = LeanHttpRequest.Format("POST", sink, [new("Content-Type", "application/octet-stream")], body);
            var clients = Enumerable.Range(0, connections).Select(_ => new LeanHttpConnection(sink)).ToArray();
            var (rate, p50, p99, cpu) = await MeasureAsync(connections, warmup, during, receiver, async (it, token) =>
            {
                var status = await clients[it.VirtualUser].SendAsync(request, token).ConfigureAwait(false);
                if (status is < 200 or > 299)
                {
                    throw new IterationFailedException("http_" + status.ToString(CultureInfo.InvariantCulture));
                }
            }, ct).ConfigureAwait(false);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"http POST {sink}: {rate:N0} requests/s over {connections} " +
                $"connections (p50 {Formats.Milliseconds(p50)}, p99 {Formats.Milliseconds(p99)}); {cpu}"));
            foreach (var c in clients)
            {
                c.Dispose();
            }

            if (hold)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"holding the receiver (pid {receiver.ProcessId}): " +
                    $"{sink} (Ctrl-C to stop)"));
                o.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopped by the user.
                }
            }
        }

        await using (var hub = await TargetProcess.StartAsync(TargetRole.Hub, [], new Dictionary<string, string>(),
            TimeSpan.FromSeconds(20), ct).ConfigureAwait(false))
        {
            var sockets = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => WebSocketClients.ConnectAsync(hub.Url, "/ws/echo",
                null, ct))).ConfigureAwait(false);
            var buffers = sockets.Select(_ => new byte[64 * 1024]).ToArray();
            var (rate, p50, p99, cpu) = await MeasureAsync(connections, warmup, during, hub, async (it, token) =>
            {
                var socket = sockets[it.VirtualUser];
                await socket.SendAsync(body, WebSocketMessageType.Binary, true, token).ConfigureAwait(false);
                if (await WebSocketClients.ReceiveMessageAsync(socket, buffers[it.VirtualUser], token).ConfigureAwait(false) != body.Length)
                {
                    throw new IterationFailedException("echo_mismatch");
                }
            }, ct).ConfigureAwait(false);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"websocket echo {hub.Url}/ws/echo: {rate:N0} round trips/s over " +
                $"{connections} connections (p50 {Formats.Milliseconds(p50)}, p99 {Formats.Milliseconds(p99)}); {cpu})"));
            foreach (var s in sockets)
            {
                await WebSocketClients.CloseQuietlyAsync(s).ConfigureAwait(false);
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// The closed-model rate over <paramref name="during"/> after <paramref name="warmup"/>, its latency, and the CPU time per
    /// request of this process (the generator) and of <paramref name="target"/> over the same measured window.
    /// </summary>
    private static async Task<(double Rate, long P50, long P99, string Cpu)> MeasureAsync(int connections, TimeSpan warmup,
        TimeSpan during, TargetProcess target, IterationAction action, CancellationToken ct)
    {
        var clock = TimeProvider.System;
        var recorder = new RunRecorder(clock, clock.GetTimestamp(), warmup, (int)(warmup + during).TotalSeconds + 30);
        long done = 0;
        var self = System.Diagnostics.Process.GetCurrentProcess();
        var running = new LoadRunner(new LoadRunnerOptions
        {
            Simulations = [Simulation.KeepConstant(connections, warmup),
            Simulation.KeepConstant(connections, during)]
        })
            .RunAsync(async (it, token) =>
            {
                await action(it, token).ConfigureAwait(false);
                Interlocked.Increment(ref done);
            }, recorder, ct);
        await Task.Delay(warmup, ct).ConfigureAwait(false);
        self.Refresh();
        var (ownFrom, targetFrom, doneFrom) = (self.TotalProcessorTime, target.CpuTime(), Interlocked.Read(ref done));
        await running.ConfigureAwait(false);
        self.Refresh();
        var requests = Math.Max(1, Interlocked.Read(ref done) - doneFrom);
        var ownUs = (self.TotalProcessorTime - ownFrom).TotalMicroseconds / requests;
        var targetUs = (target.CpuTime() - targetFrom).TotalMicroseconds / requests;
        var latency = recorder.LatencySnapshot();
        return (recorder.Delivered / during.TotalSeconds, latency.GetValueAtPercentile(50), latency.GetValueAtPercentile(99),
            string.Create(CultureInfo.InvariantCulture, $"CPU per request: generator {ownUs:N1} µs, target {targetUs:N1} µs"));
    }
}
