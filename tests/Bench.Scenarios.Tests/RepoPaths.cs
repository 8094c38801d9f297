namespace Bench.Scenarios.Tests;

/// <summary>The repository the tests run from: the folder holding Bench.sln, above the test assembly.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Bench.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootFolder.Value;

    /// <summary>A path in the repository, from its parts.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);
}
