using System.Diagnostics;
using System.Globalization;
using Bench.Reports.Json;
using Bench.Reports.Model;
using Bench.Reports.Reproducibility;

namespace Bench.Harness.Running;

/// <summary>What <c>bench reproduce</c> runs: how many launches, the run's own arguments, where they go, and the neighbour.</summary>
public sealed record ReproduceOptions(int Launches, IReadOnlyList<string> RunArguments, string Directory)
{
    /// <summary>Keep one core busy for <see cref="NeighbourLength"/> at a random moment of each launch. The default is false.</summary>
    public bool Neighbour { get; init; }

    public TimeSpan NeighbourLength { get; init; } = TimeSpan.FromSeconds(20);

    public int Seed { get; init; } = 1;

    /// <summary>
    /// Prepares each launch's process (the CLI passes the environment a launch by hand would have). The default does nothing.
    /// </summary>
    public Action<ProcessStartInfo> Prepare { get; init; } = _ => { };
}

/// <summary>
/// Launches the same comparison N times, each as its own <c>bench run</c> process (fresh harness, fresh targets), and
/// tabulates how often they agree (<see cref="ReproducibilityTable"/>). With a neighbour, a thread of this process —
/// another process from the launch's point of view — keeps one core busy for a stretch that starts at a different,
/// seeded moment in each launch, as a CI runner's or a laptop's other work would.
/// </summary>
public static class ReproduceRun
{
    /// <summary>Runs the launches; returns the exit code (a launch's own when it failed) and the table's path.</summary>
    public static async Task<(int Code, string? Table)> RunAsync(ReproduceOptions o, TextWriter progress, CancellationToken ct)
    {
        Directory.CreateDirectory(o.Directory);
        var random = new Random(o.Seed);
        var runs = new List<RunResults>();
        var notes = new List<string>();
        TimeSpan? typical = null;
        for (var launch = 1; launch <= o.Launches; launch++)
        {
            var folder = Path.Combine(o.Directory, "launch-" + launch.ToString(CultureInfo.InvariantCulture));
            // The neighbour starts somewhere in the launch's first stretch long enough to hold it (the first launch's
            // length once known; until then, two minutes).
            var span = (typical ?? TimeSpan.FromMinutes(2)) - o.NeighbourLength;
            var offset = o.Neighbour ? TimeSpan.FromSeconds(random.NextDouble() * Math.Max(1, span.TotalSeconds)) : (TimeSpan?)null;
            var neighbourAt = offset is { } at
                ? $" (neighbour: one core busy from +{at.TotalSeconds:0} s for {o.NeighbourLength.TotalSeconds:0} s)"
                : "";
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"launch {launch} of {o.Launches} -> {folder}{neighbourAt}"))
                .ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            using var stopNeighbour = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var neighbour = offset is { } delay ? Task.Run(() => Busy(delay, o.NeighbourLength, stopNeighbour.Token),
                CancellationToken.None) : Task.CompletedTask;
            int code;
            try
            {
                code = await LaunchAsync([.. o.RunArguments, "--out", folder], o.Prepare, ct).ConfigureAwait(false);
            }
            finally
            {
                await stopNeighbour.CancelAsync().ConfigureAwait(false);
                await neighbour.ConfigureAwait(false);
            }

            typical ??= watch.Elapsed;
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"launch {launch}: exit {code} after " +
                $"{watch.Elapsed.TotalSeconds:0} s")).ConfigureAwait(false);
            if (code != 0)
            {
                return (code, null);
            }

            try
            {
                runs.Add(ResultsJson.Read(Path.Combine(folder, "results.json")));
            }
            catch (InvalidDataException e)
            {
                await progress.WriteLineAsync($"error: launch {launch} wrote results that cannot be read back: " +
                    $"{e.Message}").ConfigureAwait(false);
                return (4, null);
            }
            notes.Add(offset is { } o2 ? string.Create(CultureInfo.InvariantCulture,
                $"launch {launch}: neighbour from +{o2.TotalSeconds:0} s") : "");
        }

        var rows = ReproducibilityTable.Compare(runs);
        var neighbourNote = o.Neighbour
            ? $", each with a neighbour keeping one core busy for {o.NeighbourLength.TotalSeconds:0} s"
            : ", no neighbour";
        var heading = string.Create(CultureInfo.InvariantCulture,
            $"## Reproducibility: {o.Launches} launches of " +
            $"{(o.RunArguments.Count == 0 ? "the default comparison (`bench run`)" : $"`bench run {string.Join(' ', o.RunArguments)}`")}" +
            $"{neighbourNote}");
        var text = ReproducibilityTable.Render(rows, o.Launches, heading);
        var path = Path.Combine(o.Directory, "reproduce.md");
        await File.WriteAllTextAsync(path, text + string.Join('\n', notes.Where(n => n.Length > 0).Select(n => "- " + n)) + "\n",
            ct).ConfigureAwait(false);
        await progress.WriteLineAsync(text).ConfigureAwait(false);
        return (0, path);
    }

    /// <summary>Keeps one core busy from <paramref name="delay"/> on, for <paramref name="length"/> (or until stopped).</summary>
    private static async Task Busy(TimeSpan delay, TimeSpan length, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        var x = 1.0;
        while (watch.Elapsed < length && !ct.IsCancellationRequested)
        {
            for (var i = 0; i < 100_000; i++)
            {
                x = Math.Sqrt(x + i);
            }
        }

        GC.KeepAlive(x);
    }

    /// <summary>One <c>bench run</c> as a process of its own: this executable again, its output passed through.</summary>
    private static async Task<int> LaunchAsync(IReadOnlyList<string> arguments, Action<ProcessStartInfo> prepare, CancellationToken ct)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        var info = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ReproduceRun).Assembly.Location);
        }

        info.ArgumentList.Add("run");
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        prepare(info);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bench run did not start");
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C reaches the child through the terminal too; wait for it to write what it measured.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return process.ExitCode;
    }
}
