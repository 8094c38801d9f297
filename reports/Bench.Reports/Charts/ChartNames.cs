namespace Bench.Reports.Charts;

/// <summary>File names of a scenario's charts inside a run's <c>charts/</c> folder.</summary>
public static class ChartNames
{
    public static string Percentiles(string scenario) => $"{scenario}-percentiles.png";

    public static string Timeline(string scenario) => $"{scenario}-timeline.png";

    public static string Saturation(string mode) => $"saturation-{mode}.png";

    public const string Connections = "connections.png";

    public const string Wire = "overhead-bytes.png";

    public static string FaultTimeline(string fault) => $"faults-{fault}-timeline.png";

    public const string Storm = "faults-storm-subscribers.png";
}
