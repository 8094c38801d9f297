namespace Bench.Harness.Targets;

/// <summary>A target would not start, or died while it was being measured. The run stops with exit code 4.</summary>
public class TargetFailedException(string message, Exception? inner = null) : Exception(message, inner);
