using Bench.Scenarios.Transports;

namespace Bench.Scenarios.Cli;

/// <summary>Reads transports named on the command line, each problem naming its option.</summary>
internal static class TransportOptions
{
    public static IReadOnlyList<ITransport> Parse(string option, IReadOnlyList<string> names, List<string> problems)
    {
        foreach (var name in names.Where(n => TransportCatalog.Find(n) is null))
        {
            problems.Add($"{option}: unknown transport '{name}'; valid transports: {ValidNames}");
        }

        return TransportCatalog.Named([.. names]);
    }

    public static ITransport Reference(string? name, List<string> problems)
    {
        if (name is null)
        {
            return TransportCatalog.DefaultReference;
        }

        if (TransportCatalog.Find(name) is { } found)
        {
            return found;
        }

        problems.Add($"--reference: unknown transport '{name}'; valid transports: {ValidNames}");
        return TransportCatalog.DefaultReference;
    }

    private static string ValidNames => string.Join(", ", TransportCatalog.All.Select(t => t.Name));
}
