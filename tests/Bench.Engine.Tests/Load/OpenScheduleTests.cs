using Bench.Engine.Load;

namespace Bench.Engine.Tests.Load;

public class OpenScheduleTests
{
    [Fact]
    public void Inject_spaces_intended_times_evenly_at_the_rate()
    {
        var offsets = OpenSchedule.Offsets([Simulation.Inject(10, TimeSpan.FromSeconds(1))]).ToList();

        Assert.Equal(10, offsets.Count);
        for (var k = 0; k < 10; k++)
        {
            Assert.Equal(k * 0.1, offsets[k].TotalSeconds, 9);
        }
    }

    [Fact]
    public void Phases_follow_one_another_and_pause_schedules_nothing()
    {
        var offsets = OpenSchedule.Offsets([
            Simulation.Inject(2, TimeSpan.FromSeconds(1)),
            Simulation.Pause(TimeSpan.FromSeconds(3)),
            Simulation.Inject(1, TimeSpan.FromSeconds(2)),
        ]).Select(o => o.TotalSeconds).ToList();

        Assert.Equal([0, 0.5, 4, 5], offsets);
    }

    [Fact]
    public void Ramp_schedules_the_area_under_its_rate_with_shrinking_gaps()
    {
        // 0 -> 100/s over 2 s: 100 iterations in all, arriving faster and faster.
        var offsets = OpenSchedule.Offsets([Simulation.Ramp(0, 100, TimeSpan.FromSeconds(2))]).Select(o => o.TotalSeconds).ToList();

        Assert.Equal(100, offsets.Count);
        var gaps = offsets.Zip(offsets.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps[1] > gaps[^1]);
        Assert.All(offsets, o => Assert.InRange(o, 0, 2));
    }

    [Theory]
    [MemberData(nameof(InvalidPhases))]
    public void Validate_names_the_problem_of_an_invalid_phase(LoadSimulation phase, string expected)
    {
        Assert.Contains(expected, Simulation.Validate([phase]), StringComparison.Ordinal);
    }

    public static TheoryData<LoadSimulation, string> InvalidPhases => new()
    {
        { Simulation.Inject(0, TimeSpan.FromSeconds(1)), "rate must be positive" },
        { Simulation.Inject(-5, TimeSpan.FromSeconds(1)), "rate must be positive" },
        { Simulation.Inject(10, TimeSpan.Zero), "duration must be positive" },
        { Simulation.KeepConstant(0, TimeSpan.FromSeconds(1)), "copies must be positive" },
        { Simulation.Ramp(0, 0, TimeSpan.FromSeconds(1)), "not both zero" },
    };
}
