using Bench.Targets.Dispatcher;
using Bench.Targets.Webhooks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Targets.Tests.Hardening;

/// <summary>What the dispatcher keeps on disk: secrets sealed, files its owner's alone, every record checked again on recovery.</summary>
public sealed class StoredStateTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-stored-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static WebhookDispatcher Dispatcher(DispatcherOptions options) => new(Options.Create(options), new FakeTimeProvider());

    [Fact]
    public async Task An_endpoints_file_line_that_names_a_non_loopback_url_or_no_url_is_not_restored_and_stats_still_answer()
    {
        var file = Path.Combine(dir, "endpoints");
        var secret = WebhookSignature.NewSecret();

        // What a stream name holding a tab and a newline once wrote into the old tab-separated file.
        await File.WriteAllLinesAsync(file, [$"a\thttp://example.invalid/steal\t{secret}", $"b\tnot a url\t{secret}", "c"]);

        await using var dispatcher = Dispatcher(new DispatcherOptions { EndpointsPath = file });

        Assert.Equal(0, dispatcher.EndpointCount);
        Assert.Equal(3, dispatcher.Stats().RefusedOnRecovery);
    }

    [Fact]
    public async Task An_endpoint_registered_with_a_memory_outbox_comes_back_after_a_restart_one_line_each()
    {
        var file = Path.Combine(dir, "endpoints");
        var secret = WebhookSignature.NewSecret();
        await using (var first = Dispatcher(new DispatcherOptions { EndpointsPath = file }))
        {
            Assert.True(first.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/w", secret, "s1"), out var problem), problem);
            Assert.False(first.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/w", secret, "s2\nx"), out _));
        }

        await using var second = Dispatcher(new DispatcherOptions { EndpointsPath = file });

        Assert.Equal(1, second.EndpointCount);
        Assert.Single(await File.ReadAllLinesAsync(file));
        Assert.DoesNotContain(secret[6..], await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sqlite_outbox_and_its_key_are_owner_only_and_hold_no_secret_in_plain_text()
    {
        var db = Path.Combine(dir, "outbox.db");
        var secret = WebhookSignature.NewSecret();
        await using (var dispatcher = Dispatcher(new DispatcherOptions { OutboxPath = db }))
        {
            Assert.True(dispatcher.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/w", secret, "s1"), out var problem), problem);
        }

        var bytes = Directory.GetFiles(dir, "outbox.db*")
            .Where(f => !f.EndsWith(".key", StringComparison.Ordinal))
            .SelectMany(File.ReadAllBytes)
            .ToArray();
        Assert.DoesNotContain(secret[6..], System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(db));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(db + ".key"));
        }

        // Read back with its key, the endpoint signs as before.
        await using var again = Dispatcher(new DispatcherOptions { OutboxPath = db });
        Assert.Equal(1, again.EndpointCount);
    }

    [Fact]
    public async Task An_outbox_read_with_another_key_restores_no_endpoint()
    {
        var db = Path.Combine(dir, "outbox.db");
        await using (var dispatcher = Dispatcher(new DispatcherOptions { OutboxPath = db }))
        {
            Assert.True(dispatcher.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/w", WebhookSignature.NewSecret(), "s1"), out _));
        }

        File.Delete(db + ".key");
        await using var again = Dispatcher(new DispatcherOptions { OutboxPath = db });

        Assert.Equal(0, again.EndpointCount);
        Assert.Equal(1, again.Stats().RefusedOnRecovery);
    }

    [Fact]
    public async Task An_endpoints_file_that_is_a_symbolic_link_is_refused_and_its_target_left_alone()
    {
        var target = Path.Combine(dir, "elsewhere.txt");
        await File.WriteAllTextAsync(target, "keep me\n");
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, readable);
        }

        var link = Path.Combine(dir, "endpoints");
        File.CreateSymbolicLink(link, target);

        var refused = Assert.Throws<IOException>(() => Dispatcher(new DispatcherOptions { EndpointsPath = link }));

        Assert.Contains("symbolic link", refused.Message, StringComparison.Ordinal);
        Assert.Equal("keep me\n", await File.ReadAllTextAsync(target));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(readable, File.GetUnixFileMode(target));
        }
    }

    [Fact]
    public async Task A_registration_appends_its_line_and_leaves_the_lines_before_it_as_they_were()
    {
        var file = Path.Combine(dir, "endpoints");
        await using var dispatcher = Dispatcher(new DispatcherOptions { EndpointsPath = file });
        Assert.True(dispatcher.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/w", WebhookSignature.NewSecret(), "s1"), out _));
        var firstLine = (await File.ReadAllLinesAsync(file))[0];

        Assert.True(dispatcher.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/w", WebhookSignature.NewSecret(), "s2"), out _));

        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(2, lines.Length);
        Assert.Equal(firstLine, lines[0]);
    }

    [Fact]
    public async Task A_stream_registered_again_comes_back_with_its_last_url()
    {
        var file = Path.Combine(dir, "endpoints");
        var secret = WebhookSignature.NewSecret();
        await using (var first = Dispatcher(new DispatcherOptions { EndpointsPath = file }))
        {
            Assert.True(first.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/old", secret, "s1"), out _));
            Assert.True(first.TryRegister(new SubscriptionRequest("http://127.0.0.1:9/new", secret, "s1"), out _));
        }

        await using var second = Dispatcher(new DispatcherOptions { EndpointsPath = file });

        Assert.Equal(1, second.EndpointCount);
        Assert.Equal(0, second.Stats().RefusedOnRecovery);
    }

    [Fact]
    public async Task A_key_file_of_the_wrong_length_is_refused_naming_it()
    {
        var db = Path.Combine(dir, "outbox.db");
        await File.WriteAllBytesAsync(db + ".key", new byte[31]);

        Assert.Contains("outbox.db.key", SecretBox.KeyFileProblem(db), StringComparison.Ordinal);
    }
}
