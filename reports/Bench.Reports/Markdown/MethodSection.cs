using System.Text;

namespace Bench.Reports.Markdown;

/// <summary>"Method notes": how every figure was measured, and how faults were injected when the run had any.</summary>
internal sealed class MethodSection : IReportSection
{
    private static readonly string[] Notes =
    [
        "**Open model.** Events and requests are scheduled at intended times (evenly spaced at the offered rate), "
            + "whether or not earlier ones have finished.",
        "**Latency runs from the intended time**, not from when the generator got round to sending, so a stall anywhere "
            + "(generator, target, network) shows in the percentiles: coordinated omission is corrected as wrk2 does.",
        "**Push latency is end to end:** from the event's intended publish time to its arrival at each subscriber "
            + "(the whole message read), on the host's monotonic clock, shared by every process on this machine.",
        "**The same publishing path feeds every transport:** the harness sends each event once over a kept-alive "
            + "WebSocket control connection to the target (the hub for WebSocket, SignalR and SSE; the dispatcher for "
            + "webhooks); only the delivery leg (WebSocket frames, SignalR hub messages, SSE events, signed HTTP POSTs) differs.",
        "**Every event is accounted for** from per-subscriber sequence numbers: lost = published − arrived at least once, "
            + "after a drain period; duplicates and out-of-order arrivals are counted exactly.",
        "**Warm-up is excluded** from every summary figure and shaded on timelines. Timeline seconds count from the start "
            + "of warm-up; latency there is by arrival second.",
        "**Targets run in their own processes** (`bench serve`), so target CPU and memory are measured apart from the "
            + "generator's. Percentiles come from HdrHistogram (3 significant digits, µs); the full histograms are in "
            + "`results.json` and `histograms/`.",
    ];

    private const string Faults =
        "**Faults** are injected through a TCP fault proxy between the target and its subscribers (or, for `restart`, by "
        + "killing the target process). Lost = accepted by the target (acknowledged, or delivered to anyone) − received at "
        + "least once, after a drain; publishes refused while a target is down are counted apart. Webhook retries run on "
        + "the Standard Webhooks schedule × 0.001: a delay of 9 s here is 2.5 hours in production.";

    private const string ServerFeed = "**push (source: server) is not Bench's load:** the system published on its own, so the "
        + "notes above on intended times, the open model and the publishing path do not apply to it. Its accounting is by the "
        + "system's own sequence numbers per subscriber; its latency, where measured, runs from the system's timestamp to "
        + "arrival on the wall clock (see that section).";

    public string Title => "Method notes";

    public bool IsAvailable(ReportContext report) => true;

    public void Render(StringBuilder sb, ReportContext report)
    {
        sb.AppendLine("## Method notes");
        sb.AppendLine();
        foreach (var note in Notes)
        {
            sb.Append("- ").AppendLine(note);
        }

        if (report.Measured.Results.Any(r => r.Resilience is not null))
        {
            sb.Append("- ").AppendLine(Faults);
        }

        if (report.Measured.Results.Any(r => r.ServerFeed is not null))
        {
            sb.Append("- ").AppendLine(ServerFeed);
        }

        sb.AppendLine();
    }
}
