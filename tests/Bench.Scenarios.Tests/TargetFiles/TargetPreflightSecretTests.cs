using Bench.Harness.TargetFiles;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>A preflight that cannot reach the system names the URL at fault without the file's secrets in it.</summary>
public sealed class TargetPreflightSecretTests : IDisposable
{
    private const string Secret = "SEKRET-4f1d";
    private readonly string directory = Directory.CreateTempSubdirectory("bench-secret-").FullName;
    private readonly string variable = "BENCH_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public TargetPreflightSecretTests() => Environment.SetEnvironmentVariable(variable, Secret);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(variable, null);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task An_unreachable_subscribe_url_is_named_without_its_user_info_query_or_secret_path_segment()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var path = Path.Combine(directory, "target.yaml");
        await File.WriteAllTextAsync(path, $$"""
            transport: sse
            publish: { http: { url: "http://127.0.0.1:1/p" } }
            subscribe: { url: "http://u:${env:{{variable}}}@127.0.0.1:1/p/${env:{{variable}}}?key=${env:{{variable}}}" }
            """);
        var file = TargetFile.Load(path);

        var refused = await Assert.ThrowsAsync<TargetFileException>(() => TargetPreflight.CheckAsync(file, CancellationToken.None));

        Assert.Contains("subscribe.url: could not connect to http://127.0.0.1:1/p/***:", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("@", refused.Message, StringComparison.Ordinal);
    }
}
