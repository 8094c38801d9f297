using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Bench.Reports.Json;
using Bench.Scenarios.Cli;
using Bench.Scenarios.Tests.Cli;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>A real run with <c>--metrics-port</c>: scraped while it goes, its totals equal what results.json says.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class LiveMetricsRunTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-metrics-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task A_prometheus_scrape_during_the_run_has_each_finished_case_s_totals_as_results_json_has_them()
    {
        var port = FreePort();
        var run = ConsoleCapture.RunAsync(["run", "rtt", "--transport", "websocket,webhook", "--warmup", "1s", "--duration", "2s", "--metrics-port",
            port.ToString(CultureInfo.InvariantCulture), "--out", dir]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string? lastWithWebsocketDone = null;
        var scrapes = 0;
        while (!run.IsCompleted)
        {
            try
            {
                var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                scrapes++;
                if (Value(text, "bench_events_lost", "websocket") is not null)
                {
                    lastWithWebsocketDone = text;
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
        Assert.NotNull(lastWithWebsocketDone);
        var websocket = ResultsJson.Read(Path.Combine(dir, "results.json")).Results.Single(r => r.Transport == "websocket");
        Assert.Equal(websocket.Counts.Sent, Value(lastWithWebsocketDone, "bench_events_sent", "websocket"));
        Assert.Equal(websocket.Counts.Delivered, Value(lastWithWebsocketDone, "bench_events_delivered", "websocket"));
        Assert.Equal(websocket.Counts.Errors, Value(lastWithWebsocketDone, "bench_events_errors", "websocket"));
        Assert.Equal(websocket.Counts.Lost, Value(lastWithWebsocketDone, "bench_events_lost", "websocket"));
        Assert.True(websocket.Counts.Delivered > 1000);
    }

    /// <summary>The value of a counter's sample for one transport, whatever the exporter's suffixes (_total) and other labels.</summary>
    private static long? Value(string text, string name, string transport)
    {
        foreach (Match m in Sample().Matches(text))
        {
            if (m.Groups["name"].Value.StartsWith(name, StringComparison.Ordinal) && m.Groups["labels"].Value.Contains($"transport=\"{transport}\"", StringComparison.Ordinal))
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
