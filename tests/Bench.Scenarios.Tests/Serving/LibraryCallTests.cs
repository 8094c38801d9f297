using Bench.Harness;
using Bench.Harness.Running;
using Bench.Harness.Serving;

namespace Bench.Scenarios.Tests.Serving;

/// <summary>
/// The harness's commands as library calls: bad usage comes back as a <see cref="UsageException"/> naming the option,
/// and nothing is written to the writers (or the console) — the CLI prints it.
/// </summary>
public sealed class LibraryCallTests
{
    [Fact]
    public async Task Serve_with_an_unknown_role_throws_a_usage_exception_and_writes_nothing()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var e = await Assert.ThrowsAsync<UsageException>(
            () => ReferenceServer.RunAsync(new ServeRequest("nope"), output, error, CancellationToken.None));

        Assert.Equal(["--role: unknown role 'nope'; valid roles: hub, dispatcher, receiver"], e.Problems);
        Assert.Equal(("", ""), (output.ToString(), error.ToString()));
    }

    [Fact]
    public async Task Run_with_an_unknown_scenario_and_transport_names_both_before_anything_starts()
    {
        using var output = new StringWriter();
        var request = new RunRequest { Scenarios = ["nope"], Transports = ["pigeon"] };

        var e = await Assert.ThrowsAsync<UsageException>(
            () => RunStart.RunAsync(request, NullProgressSink.Instance, output, CancellationToken.None));

        Assert.Equal(2, e.Problems.Count);
        Assert.StartsWith("unknown scenario 'nope'", e.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith("--transport: unknown transport 'pigeon'", e.Problems[1], StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }
}
