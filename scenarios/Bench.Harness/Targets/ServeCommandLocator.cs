namespace Bench.Harness.Targets;

/// <summary>Finds how to start <c>bench serve</c>: the <c>bench</c> app host beside this assembly, else <c>dotnet bench.dll</c>.</summary>
public static class ServeCommandLocator
{
    public static (string FileName, IReadOnlyList<string> PrefixArguments) Locate()
    {
        var baseDir = AppContext.BaseDirectory;
        var appHost = Path.Combine(baseDir, OperatingSystem.IsWindows() ? "bench.exe" : "bench");
        if (File.Exists(appHost))
        {
            return (appHost, []);
        }

        var dll = Path.Combine(baseDir, "bench.dll");
        if (!File.Exists(dll))
        {
            throw new TargetFailedException($"cannot find bench or bench.dll in {baseDir} to start a target");
        }

        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return (host, [dll]);
    }
}
