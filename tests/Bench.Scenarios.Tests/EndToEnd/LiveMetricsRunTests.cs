using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Bench.Harness;
using Bench.Reports.Json;
using Bench.Scenarios.Tests.Cli;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>A real run with <c>--metrics-port</c>: scraped while it goes, its totals equal what results.json says.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class LiveMetricsRunTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-metrics-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>
    /// rtt and push each compare websocket and webhook interleaved (one target launch each, to be short): while rtt
    /// runs, a scrape sees its counts grow block by block; while push runs, rtt has ended and a scrape has exactly the
    /// counts results.json gives it.
    /// </summary>
    [Fact]
    public async Task A_prometheus_scrape_during_the_run_has_each_finished_case_s_totals_as_results_json_has_them()
    {
        var port = FreePort();
        var run = ConsoleCapture.RunAsync(["run", "rtt,push", "--transport", "websocket,webhook", "--warmup", "1s", "--duration", "2s",
            "--target-launches", "1", "--metrics-port", port.ToString(CultureInfo.InvariantCulture), "--out", dir]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string? lastDuringPush = null;
        var rttSent = new SortedSet<long>();
        var scrapes = 0;
        while (!run.IsCompleted)
        {
            try
            {
                var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                scrapes++;
                if (Value(text, "bench_events_sent", "push", "websocket") is not null)
                {
                    lastDuringPush = text;
                }
                else
                {
                    rttSent.Add(Value(text, "bench_events_sent", "rtt", "websocket") ?? 0);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not serving yet, or already stopped.
            }

            await Task.Delay(200);
        }

        var (code, stderr) = await run;
        Assert.True(code == ExitCodes.Ok, stderr);
        Assert.True(scrapes > 3, $"{scrapes} scrapes");
        Assert.NotNull(lastDuringPush);
        var websocket = ResultsJson.Read(Path.Combine(dir, "results.json")).Results
            .Single(r => r.Scenario == "rtt" && r.Transport == "websocket");
        Assert.Contains(rttSent, sent => sent > 0 && sent < websocket.Counts.Sent); // counted block by block while rtt ran
        Assert.Equal(websocket.Counts.Sent, Value(lastDuringPush, "bench_events_sent", "rtt", "websocket"));
        Assert.Equal(websocket.Counts.Delivered, Value(lastDuringPush, "bench_events_delivered", "rtt", "websocket"));
        Assert.Equal(websocket.Counts.Errors, Value(lastDuringPush, "bench_events_errors", "rtt", "websocket"));
        Assert.Equal(websocket.Counts.Lost, Value(lastDuringPush, "bench_events_lost", "rtt", "websocket"));
        Assert.True(websocket.Counts.Delivered > 1000);
    }

    /// <summary>The value of a counter's sample for one case, whatever the exporter's suffixes (_total) and other labels.</summary>
    private static long? Value(string text, string name, string scenario, string transport)
    {
        foreach (Match m in Sample().Matches(text))
        {
            var labels = m.Groups["labels"].Value;
            if (m.Groups["name"].Value.StartsWith(name, StringComparison.Ordinal)
                && labels.Contains($"transport=\"{transport}\"", StringComparison.Ordinal)
                && labels.Contains($"scenario=\"{scenario}\"", StringComparison.Ordinal))
            {
                return (long)double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?<name>bench_events_[a-z_]+?)(?:_total)?\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
