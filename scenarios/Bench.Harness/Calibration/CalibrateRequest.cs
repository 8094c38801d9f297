namespace Bench.Harness.Calibration;

/// <summary>What <c>bench calibrate</c> was asked for (null: the default), as <see cref="GateCalibration"/> reads it.</summary>
public sealed record CalibrateRequest(string Pool)
{
    public string? Against { get; init; }

    public bool Paired { get; init; }

    public int? Launches { get; init; }

    public int? Draws { get; init; }

    public int? Seed { get; init; }

    public string? Gate { get; init; }

    public bool Normalize { get; init; }

    public bool SameBuild { get; init; }

    public int? Confirm { get; init; }

    public bool Blocks { get; init; }
}
