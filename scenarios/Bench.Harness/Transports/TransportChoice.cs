namespace Bench.Harness.Transports;

/// <summary>Reads transports and targets named on the command line, each problem naming its option.</summary>
public static class TransportChoice
{
    public static IReadOnlyList<ITransport> Parse(string option, IReadOnlyList<string> names, List<string> problems)
    {
        var unknown = names.Where(n =>
            TransportCatalog.Find(n) is null && !n.Equals(TransportCatalog.AllName, StringComparison.OrdinalIgnoreCase));
        foreach (var name in unknown)
        {
            problems.Add($"{option}: unknown transport '{name}'; valid transports: {ValidNames}");
        }

        return TransportCatalog.Named([.. names]);
    }

    /// <summary>The reference of the ratios: the one named, else websocket, else (with targets only) the first target.</summary>
    public static ITransport Reference(string? name, List<string> problems, IReadOnlyList<ITransport>? targets = null)
    {
        var candidates = (targets ?? []).Concat(TransportCatalog.All).ToList();
        if (name is null)
        {
            return targets is { Count: > 0 } && !targets.Contains(TransportCatalog.DefaultReference)
                ? targets[0] : TransportCatalog.DefaultReference;
        }

        if (candidates.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) is { } found)
        {
            return found;
        }

        problems.Add($"--reference: unknown transport or target '{name}'; valid: " +
            $"{string.Join(", ", candidates.Select(t => t.Name).Distinct())}");
        return TransportCatalog.DefaultReference;
    }

    /// <summary>Targets named with <c>--target</c>: <c>builtin:NAME</c> or a target file, loaded and validated.</summary>
    public static IReadOnlyList<ITransport> Targets(IReadOnlyList<string> values, List<string> problems)
    {
        var targets = new List<ITransport>();
        foreach (var value in values)
        {
            if (value.StartsWith("builtin:", StringComparison.OrdinalIgnoreCase))
            {
                if (TransportCatalog.Find(value["builtin:".Length..]) is { } builtin)
                {
                    targets.Add(builtin);
                }
                else
                {
                    problems.Add($"--target: unknown reference target '{value}'; valid: " +
                        $"{string.Join(", ", TransportCatalog.All.Select(t => "builtin:" + t.Name))}");
                }

                continue;
            }

            try
            {
                targets.Add(new Bench.Harness.TargetFiles.FileTransport(Bench.Harness.TargetFiles.TargetFile.Load(value)));
            }
            catch (Bench.Harness.TargetFiles.TargetFileException e)
            {
                problems.Add(e.Message);
            }
        }

        foreach (var duplicate in targets.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"--target: two targets are named '{duplicate.Key}': give each file its own name:");
        }

        return targets;
    }

    /// <summary>A webhook target file whose sender delivers to one fixed URL has one subscriber: say so if more are asked for.</summary>
    public static string? CheckFixedReceivers(Bench.Harness.Plan.RunPlan plan)
    {
        var fixedFile = plan.Transports.OfType<Bench.Harness.TargetFiles.FileTransport>().FirstOrDefault(f =>
            f.File.Subscribe.Receiver is not null);
        var fanOut = plan.Scenarios.FirstOrDefault(s => s.Name is "push" or "saturation" or "faults");
        return fixedFile is not null && fanOut is not null && plan.SettingsFor(fanOut).Subscribers > 1
            ? $"{fixedFile.File.Path}: subscribe.receiver: a sender that delivers to one fixed URL is one subscriber: run with " +
                $"--subscribers 1 (or register receivers with subscribe.register)"
            : null;
    }

    /// <summary>Proves each target file against its system before the run; the first failure, or null.</summary>
    public static async Task<string?> PreflightAsync(IReadOnlyList<ITransport> targets, CancellationToken ct)
    {
        foreach (var file in targets.OfType<Bench.Harness.TargetFiles.FileTransport>())
        {
            try
            {
                await Bench.Harness.TargetFiles.TargetPreflight.CheckAsync(file.File, ct).ConfigureAwait(false);
            }
            catch (Bench.Harness.TargetFiles.TargetFileException e)
            {
                return e.Message;
            }
        }

        return null;
    }

    private static string ValidNames => string.Join(", ", TransportCatalog.All.Select(t => t.Name).Append(TransportCatalog.AllName));
}
