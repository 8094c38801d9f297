using System.Globalization;
using Bench.Reports.Model;
using Bench.Reports.Stats;
using Bench.Reports.Warnings;

namespace Bench.Reports.Sizing;

/// <summary>A workload to size for: events a second, subscribers, payload, round trip to subscribers, and the guarantee required.</summary>
public sealed record Workload(double RatePerSec, int Subscribers, int PayloadBytes, double RttMs = 0, string Guarantee = "any")
{
    public double DeliveriesPerSec => RatePerSec * Subscribers;

    /// <summary>
    /// The guarantees <c>--guarantee</c> accepts: any, resumable (a subscriber that reconnects gets what it missed),
    /// durable (survives a restart of the sender).
    /// </summary>
    public static readonly IReadOnlyList<string> Guarantees = ["any", "resumable", "durable"];
}

/// <summary>
/// One quantity a transport needs: the point figure, its interval (null when the inputs have none), and where it comes
/// from.
/// </summary>
public sealed record Need(double Value, double? Low, double? High, string From);

/// <summary>What one transport needs for a workload, from one run's measured marginal costs, and where it extrapolates.</summary>
public sealed record TransportSizing(
    string Transport,
    string? Guarantee,
    bool MeetsGuarantee,
    Need? Cores,
    Need? MemoryMiB,
    Need? BandwidthMbps,
    Need Connections,
    IReadOnlyList<RunWarning> Warnings);

/// <summary>
/// Sizes a workload from a results file: cores from push's marginal CPU per delivery (with its interval) plus the idle
/// CPU of holding the subscribers (connections); memory from the target's RSS per subscriber (connections); bandwidth
/// from the bytes on the wire per delivery (overhead, its envelope overhead carried to the payload asked for); and
/// connections from how the transport delivers — one held connection per subscriber, or for request-per-delivery
/// transports as many as the requests in flight (rate per subscriber × round trip, at least one per endpoint). Warns
/// wherever the workload is more than <see cref="ExtrapolationLimit"/>× beyond what was measured.
/// </summary>
public static class SizingModel
{
    public const double ExtrapolationLimit = 10;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<TransportSizing> Size(RunResults run, Workload w)
    {
        var measured = run.Results.Where(r => r.IsMeasured).ToList();
        var cores = Math.Max(1, run.Environment.LogicalCores);
        return
        [
            .. measured
                .Select(r => r.Transport)
                .Distinct(StringComparer.Ordinal)
                .Select(t => SizeOne(t, [.. measured.Where(r => r.Transport == t)], w, cores)),
        ];
    }

    /// <summary>Idle CPU is recorded as a share of the whole machine: <paramref name="machineCores"/> turns it into cores.</summary>
    private static TransportSizing SizeOne(string transport, IReadOnlyList<ScenarioResult> results, Workload w, int machineCores)
    {
        var warnings = new List<RunWarning>();
        var push = results.FirstOrDefault(r => r.Scenario == "push" && r.Variant == "default");
        var connections = results.FirstOrDefault(r => r.Connections is { Memory.Count: > 0 } && r.Variant == "default");
        var wire = results
            .Where(r => r.Wire is not null && r.Variant == "default")
            .OrderBy(r => Math.Abs(Math.Log((double)r.Wire!.PayloadBytes / Math.Max(1, w.PayloadBytes))))
            .FirstOrDefault();
        var guarantee = push?.Guarantee?.Split(':')[0];
        var meets = w.Guarantee switch
        {
            "durable" => guarantee?.Contains("durable", StringComparison.Ordinal) == true,
            "resumable" => guarantee is not null
                && (guarantee.Contains("durable", StringComparison.Ordinal) || guarantee.Contains("resumable", StringComparison.Ordinal)),
            _ => true,
        };

        // Cores: marginal CPU per delivery (push, else overhead) × deliveries a second, plus holding the subscribers idle.
        Need? cores = null;
        var costed = new[] { push, wire }.FirstOrDefault(r => r is not null && MarginalCost.Of(r) is not null);
        if (costed is not null && MarginalCost.Of(costed) is { } cost)
        {
            var idlePerSubscriber = connections?.Connections is { IdleCpuPercent: { } idle } c
                ? idle / 100 * machineCores / c.Subscribers
                : 0;
            var idleCores = idlePerSubscriber * w.Subscribers;
            double Cores(double us) => (w.DeliveriesPerSec * us / 1e6) + idleCores;
            cores = new Need(Cores(cost.CpuUsPerDelivery), cost.Low is { } lo ? Cores(lo) : null, cost.High is { } hi ? Cores(hi) : null,
                string.Create(Inv, $"{cost.CpuUsPerDelivery:N1} µs per delivery ({costed.Scenario}, marginal) ×"
                    + $" {w.DeliveriesPerSec:N0} deliveries/s")
                + (idleCores > 0
                    ? string.Create(Inv, $" + {idleCores:N2} cores holding {w.Subscribers:N0} subscribers idle (connections)")
                    : ""));
            var most = results.Max(r =>
                Math.Max(r.Throughput.DeliveredPerSec, r.Saturation?.MaxSustainablePerSec * r.Parameters.Subscribers ?? 0));
            Extrapolation(warnings, "deliveries a second", w.DeliveriesPerSec, most);
        }

        // Memory: RSS per subscriber at the largest count held.
        Need? memory = null;
        if (connections?.Connections is { } held)
        {
            var point = held.Memory[^1];
            memory = new Need(point.RssKiBPerSubscriber * w.Subscribers / 1024, null, null,
                string.Create(Inv, $"{point.RssKiBPerSubscriber:N1} KiB of target RSS per subscriber (connections, {point.Subscribers:N0}"
                    + $" held; one measurement)"));
            Extrapolation(warnings, "subscribers", w.Subscribers, point.Subscribers);
        }

        // Bandwidth: bytes per delivery, the envelope's overhead carried over to the payload asked for.
        Need? bandwidth = null;
        if (wire?.Wire is { } bytes)
        {
            var perDelivery = bytes.TotalBytesPerEvent - bytes.PayloadBytes + w.PayloadBytes;
            bandwidth = new Need(w.DeliveriesPerSec * perDelivery * 8 / 1e6, null, null,
                string.Create(Inv, $"{perDelivery:N0} B per delivery ({bytes.TotalBytesPerEvent:N0} B measured at {bytes.PayloadBytes:N0}"
                    + $" B payload (overhead), payload difference added)"));
            Extrapolation(warnings, "payload bytes", w.PayloadBytes, bytes.PayloadBytes);
        }

        // Connections: held ones for a streaming transport; for request-per-delivery, requests in flight (Little's law).
        var persistent = connections?.Connections?.SubscriberNoun is null or "connection";
        Need conns;
        if (persistent)
        {
            conns = new Need(w.Subscribers, null, null, "one held connection per subscriber");
        }
        else
        {
            var service = (push?.LatencyUs.P50 ?? 0) / 1000.0;
            var perEndpoint = Math.Max(1, Math.Ceiling(w.RatePerSec * (w.RttMs + service) / 1000));
            conns = new Need(w.Subscribers * perEndpoint, null, null,
                string.Create(Inv, $"per endpoint, requests in flight: {w.RatePerSec:N0}/s × ({w.RttMs:N0} ms round trip + {service:N1}"
                    + $" ms measured p50) = {perEndpoint:N0} (at least one; each endpoint its own origin)"));
        }

        if (!meets)
        {
            warnings.Add(WarningKinds.GuaranteeNotMet.Of(w.Guarantee, guarantee));
        }

        return new TransportSizing(transport, guarantee, meets, cores, memory, bandwidth, conns, warnings);
    }

    private static void Extrapolation(List<RunWarning> warnings, string what, double asked, double measured)
    {
        if (measured <= 0)
        {
            return;
        }

        var factor = Math.Max(asked / measured, measured / Math.Max(asked, double.Epsilon));
        if (factor > ExtrapolationLimit)
        {
            warnings.Add(WarningKinds.Extrapolated.Of(factor, what, asked, measured));
        }
    }
}
