namespace Bench.Engine.Load;

/// <summary>
/// The intended start offsets of an open-model phase list. Iteration k of <c>inject(r, d)</c> is due at k/r;
/// a ramp inverts its cumulative count r0·t + (r1 − r0)·t²/(2d) = k. Offsets are exact, not sampled from a clock.
/// </summary>
public static class OpenSchedule
{
    /// <summary>Intended offsets from the start of the first phase, in order.</summary>
    public static IEnumerable<TimeSpan> Offsets(IEnumerable<LoadSimulation> phases)
    {
        var phaseStart = TimeSpan.Zero;
        foreach (var phase in phases)
        {
            switch (phase)
            {
                case Inject inject:
                    for (long k = 0; ; k++)
                    {
                        var t = k / inject.RatePerSec;
                        if (t >= phase.During.TotalSeconds)
                        {
                            break;
                        }

                        yield return phaseStart + Ticks(t);
                    }

                    break;
                case Ramp ramp:
                    foreach (var t in RampOffsets(ramp))
                    {
                        yield return phaseStart + Ticks(t);
                    }

                    break;
                case Pause:
                    break;
                default:
                    throw new ArgumentException($"{phase} is not an open-model phase", nameof(phases));
            }

            phaseStart += phase.During;
        }
    }

    /// <summary>Seconds as a TimeSpan, rounded to the nearest tick (FromSeconds truncates 5.0199999… to 5.0199999 s).</summary>
    private static TimeSpan Ticks(double seconds) => TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    /// <summary>How many iterations the phase list schedules.</summary>
    public static long Count(IEnumerable<LoadSimulation> phases) => Offsets(phases).LongCount();

    private static IEnumerable<double> RampOffsets(Ramp ramp)
    {
        var d = ramp.During.TotalSeconds;
        var a = (ramp.ToPerSec - ramp.FromPerSec) / (2 * d);
        var b = ramp.FromPerSec;
        for (long k = 0; ; k++)
        {
            double t;
            if (Math.Abs(a) < 1e-12)
            {
                t = k / b;
            }
            else
            {
                var disc = (b * b) + (4 * a * k);
                if (disc < 0)
                {
                    yield break;
                }

                t = (-b + Math.Sqrt(disc)) / (2 * a);
            }

            if (double.IsNaN(t) || t >= d)
            {
                yield break;
            }

            yield return t;
        }
    }
}
