using Bench.Harness;

namespace Bench.Scenarios.Tests.Cli;

/// <summary>Bad input exits 2 before anything starts, with a message naming what is wrong.</summary>
[Collection(ConsoleCollection.Name)]
public class ExitCodeTests
{
    [Theory]
    [InlineData("run nosuch", "unknown scenario 'nosuch'; valid scenarios: rtt, push")]
    [InlineData("run --profile huge", "--profile: unknown profile 'huge'; valid profiles: quick, full, ci")]
    [InlineData("run --transport pigeon", "--transport: unknown transport 'pigeon'; "
        + "valid transports: websocket, signalr, sse, webhook, grpc, all")]
    [InlineData("run --rate 0", "--rate: '0' is not a positive number")]
    [InlineData("run --rate -5", "--rate: '-5' is not a positive number")]
    [InlineData("run --subscribers 0", "--subscribers: '0' is not a positive whole number")]
    [InlineData("run --payload 12.5", "--payload: '12.5' is not a positive whole number")]
    [InlineData("run --duration soon", "--duration: 'soon' is not a duration")]
    [InlineData("run --duration 0s", "--duration must be positive")]
    [InlineData("run --warmup -1s", "--warmup: '-1s' is not a duration of 0 or more")]
    [InlineData("run --rate 2000000", "--rate must be a positive number")]
    [InlineData("run --bogus", "--bogus: not an option of bench run")]
    [InlineData("run --metrics-bind 0.0.0.0", "--metrics-bind: live metrics are served only with --metrics-port")]
    [InlineData("run --metrics-port 9464 --metrics-bind everywhere", "--metrics-bind: 'everywhere' is not an IP address")]
    [InlineData("report /no/such/results.json", "no such file")]
    [InlineData("serve --role toaster", "--role: unknown role 'toaster'")]
    [InlineData("serve --inject-wait soon", "--inject-wait: 'soon' is not a duration")]
    [InlineData("ab --base-target base.yaml", "--base-target and --head-target go together")]
    [InlineData("ab", "--base and --head: two build folders to compare")]
    [InlineData("run --target builtin:pigeon", "--target: unknown reference target 'builtin:pigeon'")]
    [InlineData("run --target /no/such/target.yaml", "--target: no such file: /no/such/target.yaml")]
    [InlineData("run --reference pigeon", "--reference: unknown transport or target 'pigeon'")]
    [InlineData("serve --role receiver", "--secret: the receiver needs")]
    [InlineData("size --results /no/such/results.json --rate 10 --subscribers 5", "--results: no such file: /no/such/results.json")]
    [InlineData("size --subscribers 5", "--rate is required")]
    [InlineData("size --rate 10", "--subscribers is required")]
    [InlineData("size --rate 10 --subscribers 5 --guarantee eventually", "--guarantee 'eventually' is not one of any, resumable, durable")]
    [InlineData("run claims push", "claims is a suite of its own")]
    [InlineData(
        "run faults --fault hurricane",
        "--fault: unknown fault 'hurricane'; valid faults: drop, restart, outage, blackhole, slow, overload, storm")]
    [InlineData("report /no/such/results.json --size-rate 10", "no such file")]
    [InlineData("serve --role receiver --secret not-base64!", "--secret: a webhook secret starts with whsec_")]
    [InlineData("serve --role receiver --secret whsec_AA==", "--secret: a webhook secret's key is 24 to 64 bytes; this one has 1")]
    [InlineData("serve --role dispatcher --outbox /no/such/folder/outbox.db", "--outbox: the folder /no/such/folder does not exist")]
    [InlineData(
        "serve --role dispatcher --outbox memory --endpoints-file /no/such/folder/endpoints",
        "--endpoints-file: the folder /no/such/folder does not exist")]
    [InlineData("serve --role hub --keep-alive 0s", "--keep-alive: '0s' is not a duration of more than 0")]
    [InlineData("run --ready-timeout -1s", "--ready-timeout: '-1s' is not a duration of more than 0")]
    [InlineData("run --cost-probe -2s", "--cost-probe: '-2s' is not a duration of 0 or more")]
    public async Task Bad_input_exits_2_naming_the_problem(string args, string message)
    {
        var (code, stderr) = await ConsoleCapture.RunAsync(args.Split(' '));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metrics_port_in_use_exits_2_before_anything_starts()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, stderr) = await ConsoleCapture.RunAsync(["run", "rtt", "--metrics-port", port]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"--metrics-port: 127.0.0.1:{port} is in use", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_results_exits_2()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, "{\"hello\":1}");
        try
        {
            var (code, stderr) = await ConsoleCapture.RunAsync(["report", path]);

            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains("not a Bench results file", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task List_names_every_scenario_transport_and_profile()
    {
        var (code, _, stdout) = await ConsoleCapture.RunWithOutputAsync(["list"]);

        Assert.Equal(ExitCodes.Ok, code);
        foreach (var word in new[] { "rtt", "push", "websocket", "webhook", "quick", "full", "ci" })
        {
            Assert.Contains(word, stdout, StringComparison.Ordinal);
        }
    }
}
