using System.Globalization;
using Bench.Harness;

namespace Bench.Scenarios.Tests.Cli;

/// <summary>
/// <c>bench serve</c> and <c>bench proxy</c> refuse what would expose a target or write through a planted file, with
/// exit 2 and one line, before anything listens. A command that wrongly starts is stopped by the test's time limit.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ServeAndProxyHardeningTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly string dir = Directory.CreateTempSubdirectory("bench-serve-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task A_proxy_listening_beyond_loopback_is_refused_without_the_flag()
    {
        var (code, stderr) = await WithinLimitAsync(["proxy", "--listen", "0.0.0.0:0", "--upstream", "127.0.0.1:9"]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--listen: 0.0.0.0:0 is beyond loopback", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_of_the_wrong_length_exits_2_naming_it()
    {
        var outbox = Path.Combine(dir, "outbox.db");
        await File.WriteAllBytesAsync(outbox + ".key", new byte[31]);

        var (code, stderr) = await WithinLimitAsync(["serve", "--role", "dispatcher", "--outbox", outbox]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--outbox: " + outbox + ".key must hold 32 bytes", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing/replay.db", "the folder")]
    [InlineData("not-a-log.db", "cannot be used as the replay log")]
    public async Task A_replay_log_that_cannot_be_one_exits_2_naming_it(string name, string why)
    {
        var log = Path.Combine(dir, name);
        if (!name.StartsWith("missing", StringComparison.Ordinal))
        {
            await File.WriteAllTextAsync(log, new string('x', 4096));
        }

        var (code, stderr) = await WithinLimitAsync(["serve", "--role", "hub", "--replay-log", log]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--replay-log: ", stderr, StringComparison.Ordinal);
        Assert.Contains(why, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoints_file_that_is_a_symbolic_link_exits_2_and_its_target_is_left_alone()
    {
        var target = Path.Combine(dir, "precious.txt");
        await File.WriteAllTextAsync(target, "keep me\n");
        var before = ModeOf(target);
        var link = Path.Combine(dir, "endpoints");
        File.CreateSymbolicLink(link, target);

        var (code, stderr) = await WithinLimitAsync(["serve", "--role", "dispatcher", "--outbox", "memory", "--endpoints-file", link]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--endpoints-file: " + link + " is a symbolic link", stderr, StringComparison.Ordinal);
        Assert.Equal("keep me\n", await File.ReadAllTextAsync(target));
        Assert.Equal(before, ModeOf(target));
    }

    [Fact]
    public async Task Restore_warnings_go_to_stderr_and_stdout_holds_only_the_ready_line()
    {
        var endpoints = Path.Combine(dir, "endpoints");
        await File.WriteAllTextAsync(endpoints, "not an endpoint\n");

        // A parent that does not exist: serve stops at its first check, half a second after "ready".
        var gone = int.MaxValue.ToString(CultureInfo.InvariantCulture);
        var run = ConsoleCapture.RunWithOutputAsync(
            ["serve", "--role", "dispatcher", "--outbox", "memory", "--endpoints-file", endpoints, "--parent-pid", gone]);
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(Limit)));
        var (code, stderr, stdout) = await run;

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Matches(@"^ready dispatcher http://127\.0\.0\.1:\d+\r?\n$", stdout);
        Assert.Contains("not restored", stderr, StringComparison.Ordinal);
    }

    private static UnixFileMode? ModeOf(string path) => OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);

    private static async Task<(int Code, string Stderr)> WithinLimitAsync(string[] args)
    {
        var run = ConsoleCapture.RunAsync(args);
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(Limit)));
        return await run;
    }
}
