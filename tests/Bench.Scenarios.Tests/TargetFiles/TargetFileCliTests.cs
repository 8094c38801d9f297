using Bench.Harness;
using Bench.Scenarios.Tests.Cli;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>A bad target file on the command line exits 2 with one line naming the file and the field; nothing starts.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TargetFileCliTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("bench-targets-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("transport: websocket\nsubscribe: { url: \"ws://127.0.0.1:1/ws\" }\n", "publish: required; one of http, websocket")]
    [InlineData("transport: websocket\npublish: { http: { url: \"http://127.0.0.1:1/p\" }, websocket: { url: \"ws://127.0.0.1:1/p\" } }\n"
        + "subscribe: { url: \"ws://127.0.0.1:1/ws\" }\n", "publish: give one of http, websocket, signalr, not http and websocket")]
    [InlineData("transport: sse\npublish: { http: { url: \"http://127.0.0.1:1/p\", "
        + "headers: { Authorization: \"${env:BENCH_TEST_NOT_SET}\" } } }\nsubscribe: { url: \"http://127.0.0.1:1/e\" }\n",
        "publish.http.headers.Authorization: environment variable BENCH_TEST_NOT_SET is not set")]
    [InlineData("transport: sse\npublish: { http: { url: \"http://127.0.0.1:1/p\" } }\nsubscribe: { url: \"http://127.0.0.1:1/e\" }\n",
        "subscribe.url: could not connect to http://127.0.0.1:1/e")]
    public async Task A_bad_target_file_exits_2_naming_the_field(string yaml, string message)
    {
        var file = Path.Combine(directory, "bad.yaml");
        await File.WriteAllTextAsync(file, yaml);

        var (code, stderr) = await ConsoleCapture.RunAsync(["run", "push", "--target", file, "--out", Path.Combine(directory, "out")]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{file}: {message}", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(directory, "out", "results.json")), "nothing ran");
    }

    [Fact]
    public async Task Target_and_transport_together_exit_2()
    {
        var (code, stderr) = await ConsoleCapture.RunAsync(["run", "push", "--target", "builtin:sse", "--transport", "websocket"]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--target and --transport", stderr, StringComparison.Ordinal);
    }
}
