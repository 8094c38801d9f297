using System.Buffers;
using Bench.Engine.Load;
using Bench.Harness.Clients;
using Bench.Targets.Events;

namespace Bench.Harness.Scenarios.Rtt;

/// <summary>The body every rtt request carries: the push scenario's event envelope, so every transport moves the same bytes.</summary>
public static class RttBody
{
    public static void Write(IBufferWriter<byte> output, IterationContext it, Payloads payload) =>
        EventEnvelope.Write(output, new PublishedEvent(it.Number, it.IntendedTimestamp, payload.For(it.Number)), "rtt", it.Number);
}
