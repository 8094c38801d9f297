namespace Bench.Harness.Scenarios.Connections;

/// <summary>
/// Times one broadcast at a time: how many of the expected subscribers have the event, and when the last of them got
/// it. Arrivals of any other event are ignored.
/// </summary>
public sealed class FanOutMeter
{
    private long current = -1;
    private int expected;
    private int arrived;
    private long lastArrival;
    private TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts timing event <paramref name="number"/>, complete when <paramref name="subscribers"/> have it.</summary>
    public Task Expect(long number, int subscribers)
    {
        lock (this)
        {
            current = number;
            expected = subscribers;
            arrived = 0;
            lastArrival = 0;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return done.Task;
        }
    }

    public void Arrived(long number, long arrivalTimestamp) => Arrived(number, 1, arrivalTimestamp);

    /// <summary>
    /// <paramref name="count"/> subscribers (an agent's share) have event <paramref name="number"/>, the last at
    /// <paramref name="lastArrival"/>.
    /// </summary>
    public void Arrived(long number, int count, long lastArrival)
    {
        lock (this)
        {
            if (number != current)
            {
                return;
            }

            arrived += count;
            this.lastArrival = Math.Max(this.lastArrival, lastArrival);
            if (arrived == expected)
            {
                done.TrySetResult();
            }
        }
    }

    /// <summary>How many had the current event, and when the last of them got it.</summary>
    public (int Arrived, long LastArrival) Read()
    {
        lock (this)
        {
            return (arrived, lastArrival);
        }
    }
}
