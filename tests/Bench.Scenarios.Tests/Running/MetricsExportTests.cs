using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Bench.Harness.Plan;
using Bench.Harness.Running;
using Bench.Harness.Scenarios;
using Bench.Harness.Transports;

namespace Bench.Scenarios.Tests.Running;

/// <summary>
/// <c>--metrics-bind</c>: live metrics served beyond loopback only behind a bearer token, made up and printed as
/// <c>token …</c> when none is set. Scraped over loopback (the listener is bound to every address; nothing is sent elsewhere).
/// </summary>
public sealed partial class MetricsExportTests
{
    [Fact]
    public async Task Beyond_loopback_a_scrape_without_the_printed_token_is_refused_and_with_it_is_served()
    {
        Assert.Null(Environment.GetEnvironmentVariable(MetricsExport.TokenVariable));
        var port = FreePort();
        var stdout = new StringWriter();
        var messages = new Messages();
        using (MetricsExport.Start(Plan(port, IPAddress.Any), messages, stdout))
        {
            var token = Assert.Single(Token().Matches(stdout.ToString())).Groups[1].Value;
            using var http = new HttpClient();
            var url = $"http://127.0.0.1:{port}/metrics";

            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(url)).StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = new("Bearer", "0" + token[1..]) } };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
            using var right = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = new("Bearer", token) } };
            using var served = await http.SendAsync(right);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.StartsWith("# TYPE ", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal); // Prometheus text
        }

        Assert.Contains(messages.Lines, l => l.StartsWith("warning: --metrics-bind beyond loopback", StringComparison.Ordinal));
        Assert.Contains(messages.Lines, l => l.Contains($"http://0.0.0.0:{port}/metrics, beyond loopback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_loopback_no_token_is_made_or_asked_for()
    {
        var port = FreePort();
        var stdout = new StringWriter();
        using (MetricsExport.Start(Plan(port, null), new Messages(), stdout))
        {
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/metrics")).StatusCode);
        }

        Assert.Equal("", stdout.ToString());
    }

    private static RunPlan Plan(int port, IPAddress? bind) => new()
    {
        Scenarios = ScenarioCatalog.All,
        Transports = TransportCatalog.All,
        Profile = Profile.Quick,
        MetricsPort = port,
        MetricsBind = bind,
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^token ([0-9a-f]{32})$", RegexOptions.Multiline)]
    private static partial Regex Token();

    private sealed class Messages : IProgressSink
    {
        public List<string> Lines { get; } = [];

        public void Report(ProgressSnapshot snapshot)
        {
        }

        public void Message(string line) => Lines.Add(line);
    }
}
