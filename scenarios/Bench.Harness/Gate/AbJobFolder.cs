using System.Globalization;
using Bench.Harness.Running;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Harness.Gate;

/// <summary>An A/B job's folder read back: both builds' launches, merged per build with their positions in the job.</summary>
public static class AbJobFolder
{
    /// <summary>
    /// Reads a finished job's launch folders (<c>01-base</c>, <c>02-head</c>, …) back into both builds' merged runs, with
    /// positions from the folder numbers; an interleaved job's <c>base/</c> and <c>head/results.json</c> as they are.
    /// Null when <paramref name="directory"/> holds no launches of both builds.
    /// </summary>
    public static (RunResults Base, RunResults Head)? Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var launches = Directory.GetDirectories(directory)
            .Select(d => (Path: d, Name: Path.GetFileName(d)))
            .Select(d => (d.Path, Dash: d.Name.IndexOf('-', StringComparison.Ordinal), d.Name))
            .Where(d => d.Dash > 0 && int.TryParse(d.Name[..d.Dash], CultureInfo.InvariantCulture, out _)
                && File.Exists(Path.Combine(d.Path, "results.json")))
            .Select(d => (Position: int.Parse(d.Name[..d.Dash], CultureInfo.InvariantCulture), Build: d.Name[(d.Dash + 1)..], d.Path))
            .OrderBy(d => d.Position)
            .ToList();
        if (launches.Count == 0)
        {
            // An interleaved job has no launch folders: its blocks are the launches of base/ and head/results.json.
            var (baseFile, headFile) = (Path.Combine(directory, "base", "results.json"), Path.Combine(directory, "head", "results.json"));
            return File.Exists(baseFile) && File.Exists(headFile) ? (ResultsJson.Read(baseFile), ResultsJson.Read(headFile)) : null;
        }

        var read = launches.Select(l => (l.Position, l.Build, Run: ResultsJson.Read(Path.Combine(l.Path, "results.json")))).ToList();
        // Only whole pairs of finished launches: a job stopped part-way leaves a launch with fewer results, or a pair
        // with one side.
        var cases = read.Count == 0 ? 0 : read.Max(l => l.Run.Results.Count);
        var whole = read.Where(l => l.Run.Results.Count == cases && l.Run.Status == "complete")
            .GroupBy(l => (l.Position + 1) / 2)
            .Where(g => g.Count() == 2 && g.Any(l => l.Build == "base") && g.Any(l => l.Build == "head"))
            .SelectMany(g => g)
            .ToList();
        RunResults? Side(string build)
        {
            var mine = whole.Where(l => l.Build == build).ToList();
            return mine.Count == 0 ? null : Merge([.. mine.Select(l => l.Run)], [.. mine.Select(l => l.Position)]);
        }

        return Side("base") is { } b && Side("head") is { } h ? (b, h) : null;
    }

    /// <summary>One build's launches as one run, each launch keeping its position in the job.</summary>
    public static RunResults Merge(IReadOnlyList<RunResults> launches, IReadOnlyList<int> positions) => launches[0] with
    {
        Results = [.. launches[0].Results.Select((_, i) => Placed(LaunchMerge.Merge([.. launches.Select(l => l.Results[i])]), positions))],
    };

    private static ScenarioResult Placed(ScenarioResult merged, IReadOnlyList<int> positions) =>
        merged with { Launches = [.. merged.Launches.Select((l, k) => l with { Position = positions[k] })] };
}
