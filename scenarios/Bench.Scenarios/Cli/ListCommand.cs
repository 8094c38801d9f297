using System.CommandLine;
using System.Globalization;
using Bench.Harness;
using Bench.Harness.Plan;
using Bench.Harness.Scenarios;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench list</c>: scenarios, transports, variants, faults, threshold metrics and profiles, with each scenario's defaults.
/// </summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List scenarios, transports, variants, faults, threshold metrics and profiles.");
        command.SetAction(_ =>
        {
            var o = Console.Out;
            o.WriteLine("Scenarios (each runs once per transport under the same load):");
            foreach (var s in ScenarioCatalog.All)
            {
                o.WriteLine($"  {s.Name,-12} {s.Description}");
                foreach (var p in Profile.All)
                {
                    var d = s.Defaults(p);
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"               {p.Name,-6} {d.RatePerSec:N0}/s, {d.Subscribers} subscriber(s), {d.PayloadBytes} B payload, "
                            + $"{d.Connections} connection(s), {d.Warmup.TotalSeconds}s warm-up + {d.Duration.TotalSeconds}s"));
                }

                if (s.SettingsNote is { } note)
                {
                    o.WriteLine($"               {note}");
                }
            }

            o.WriteLine();
            o.WriteLine("Transports (--transport):");
            foreach (var t in Bench.Harness.Transports.TransportCatalog.All)
            {
                o.WriteLine($"  {t.Name,-10} {t.Description}");
                o.WriteLine($"             guarantee: {t.Guarantee}");
                var unsupported = ScenarioCatalog.All.Select(s => (Name: s.Name, Reason: t.Unsupported(s.Name)))
                    .Append((Name: "saturation rtt", Reason: t.Unsupported("rtt")));
                foreach (var (name, reason) in unsupported.Where(x => x.Reason is not null))
                {
                    o.WriteLine($"             {name}: n/a ({reason})");
                }
            }

            o.WriteLine("Variants (--variant):");
            foreach (var s in ScenarioCatalog.All)
            {
                o.WriteLine($"  {s.Name,-12} " + string.Join("; ",
                    Bench.Harness.Transports.TransportCatalog.All.Select(t => $"{t.Name}: {string.Join(", ", s.Variants(t))}")));
            }

            o.WriteLine();
            o.WriteLine("Faults (--fault, faults scenario; all but storm when none is named): "
                + string.Join(", ", Bench.Harness.Scenarios.Faults.Catalog.FaultCatalog.All.Select(f => $"{f.Name} ({f.Description})")));
            o.WriteLine("The faults scenario times itself: 1 s warm-up, the fault 5 s in, 3 s after it ends; --duration does not apply.");
            o.WriteLine();
            o.WriteLine("Threshold metrics (--threshold '<scenario>.<metric> <op> <value>', e.g. 'push.p99 < 50ms'):");
            foreach (var m in Bench.Reports.Thresholds.ThresholdMetrics.All)
            {
                var unit = m.Kind switch
                {
                    Bench.Reports.Thresholds.ThresholdKind.Duration => "us|ms|s",
                    Bench.Reports.Thresholds.ThresholdKind.Count => "count",
                    Bench.Reports.Thresholds.ThresholdKind.Rate => "/s",
                    Bench.Reports.Thresholds.ThresholdKind.Percent => "%",
                    _ => "MiB",
                };
                o.WriteLine($"  {m.Name,-17} {unit,-8} {m.Description}");
            }

            o.WriteLine();
            o.WriteLine("Profiles:");
            foreach (var p in Profile.All)
            {
                o.WriteLine($"  {p.Name,-6} {p.Description}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
