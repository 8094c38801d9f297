namespace Bench.Harness.Scenarios.Faults.Catalog;

/// <summary>
/// An overloaded receiver: every endpoint answers 503 Service Unavailable with Retry-After for 3 s. Webhooks only — a
/// streaming subscriber has no status code to answer with; its overload is the slow fault.
/// </summary>
public sealed class OverloadFault() : Fault("overload", TimeSpan.FromSeconds(3),
    "every receiver answers 503 Service Unavailable with Retry-After: 2 for 3 s, as an overloaded receiver does")
{
    /// <summary>What an overloaded receiver asks for in Retry-After, in seconds (scaled like every retry delay here).</summary>
    public const int RetryAfterSeconds = 2;

    public override Task InjectAsync(IFaultPath path, FaultInjection injection, CancellationToken ct) => injection.HoldAsync(Duration, ct);

    public override bool Overloads(FaultInjection injection) => injection.On;
}
