namespace Bench.Reports.Tests;

/// <summary>Compares output with a file in Snapshots/; BENCH_UPDATE_SNAPSHOTS=1 rewrites the file (review its diff).</summary>
internal static class Snapshot
{
    public static void Match(string name, string actual, [System.Runtime.CompilerServices.CallerFilePath] string caller = "")
    {
        if (Environment.GetEnvironmentVariable("BENCH_UPDATE_SNAPSHOTS") == "1")
        {
            var source = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(caller))!, "Snapshots", name);
            File.WriteAllText(source, actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "Snapshots", name);
        Assert.True(File.Exists(path), $"no snapshot {name}: run the tests once with BENCH_UPDATE_SNAPSHOTS=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
