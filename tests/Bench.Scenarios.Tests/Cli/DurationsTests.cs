using Bench.Harness;

namespace Bench.Scenarios.Tests.Cli;

public class DurationsTests
{
    [Theory]
    [InlineData("10s", 10.0)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120.0)]
    [InlineData("1.5s", 1.5)]
    [InlineData("200us", 0.0002)]
    [InlineData("1h", 3600.0)]
    [InlineData("7", 7.0)]
    public void Durations_parse_as_people_write_them(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, 9);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten seconds")]
    [InlineData("10x")]
    [InlineData("1,5s")]
    [InlineData("s")]
    public void Unparsable_durations_are_refused(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }
}
