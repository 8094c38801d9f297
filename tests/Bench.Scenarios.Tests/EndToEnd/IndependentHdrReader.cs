using System.Diagnostics;
using System.Text.Json;

namespace Bench.Scenarios.Tests.EndToEnd;

/// <summary>
/// Reads a folder of <c>.hlog</c> files with hdr-histogram-js (the JavaScript port of HdrHistogram, independent of
/// the .NET one Bench writes with) through <c>tests/hlog-reader/read.mjs</c>; installs its npm package on first use.
/// </summary>
internal static class IndependentHdrReader
{
    public sealed record LogSum(
        string File, string Tag, int Intervals, long Count, long P50, long P90, long P99, long P999, long Max,
        double FirstStartMs, double LastEndMs);

    public static IReadOnlyList<LogSum> Read(string folder)
    {
        var reader = Path.Combine(RepoPaths.Root, "tests", "hlog-reader");
        if (!Directory.Exists(Path.Combine(reader, "node_modules", "hdr-histogram-js")))
        {
            Run("npm", ["ci", "--no-audit", "--no-fund"], reader, TimeSpan.FromMinutes(3));
        }

        var output = Run("node", [Path.Combine(reader, "read.mjs"), folder], reader, TimeSpan.FromMinutes(1));
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<LogSum>(line, options)!)];
    }

    private static string Run(string file, string[] args, string directory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"this test reads the .hlog files with hdr-histogram-js and needs Node.js and npm on PATH ({file}: {e.Message})", e);
        }

        using var _ = process;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }
}
