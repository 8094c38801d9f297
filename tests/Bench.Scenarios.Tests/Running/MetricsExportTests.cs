using System.Globalization;
using System.Net;
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
        var stdout = new StringWriter();
        var messages = new Messages();
        int port;

        // Port 0: Kestrel takes a free port itself and the message names it (a port found free and released could be taken
        // by another test's server before this one binds it).
        using (MetricsExport.Start(Plan(0, IPAddress.Any), messages, stdout))
        {
            var token = Assert.Single(Token().Matches(stdout.ToString())).Groups[1].Value;
            port = Listening("0.0.0.0", messages);
            using var http = new HttpClient();
            var url = $"http://127.0.0.1:{port}/metrics";

            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(url)).StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = new("Bearer", Wrong(token)) } };
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
        var stdout = new StringWriter();
        var messages = new Messages();
        using (MetricsExport.Start(Plan(0, null), messages, stdout))
        {
            var port = Listening("127.0.0.1", messages);
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/metrics")).StatusCode);
        }

        Assert.Equal("", stdout.ToString());
    }

    /// <summary>The port the message names for ADDRESS (port 0 was asked for: Kestrel took a free one).</summary>
    private static int Listening(string address, Messages messages)
    {
        var at = Regex.Match(string.Join('\n', messages.Lines), $@"http://{Regex.Escape(address)}:(\d+)/metrics");
        var port = int.Parse(at.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.NotEqual(0, port);
        return port;
    }

    /// <summary>The token with its first digit changed (prefixing "0" kept it whole one time in 16: a flaky test).</summary>
    private static string Wrong(string token) => (token[0] == '0' ? "1" : "0") + token[1..];

    private static RunPlan Plan(int port, IPAddress? bind) => new()
    {
        Scenarios = ScenarioCatalog.All,
        Transports = TransportCatalog.All,
        Profile = Profile.Quick,
        MetricsPort = port,
        MetricsBind = bind,
    };

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
