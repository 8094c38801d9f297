namespace Bench.Harness.Targets;

/// <summary>
/// Which build's <c>bench serve</c> the targets started in a scope come from, and the test-only slowdown they get:
/// an interleaved <c>bench ab</c> holds a base and a head target at once, each from its own build, and starts each
/// side's transports inside <see cref="Use"/>. Outside any scope, targets come from this build
/// (<see cref="ServeCommandLocator"/>) and <c>BENCH_INJECT_DELAY</c> / <c>BENCH_INJECT_WAIT</c> of this process; in one,
/// from the scope's <see cref="Environment"/>.
/// </summary>
public sealed record TargetBuild(
    string FileName,
    IReadOnlyList<string> PrefixArguments,
    IReadOnlyDictionary<string, string> Environment)
{
    private static readonly AsyncLocal<TargetBuild?> Scoped = new();

    /// <summary>The build of the current scope; null outside one.</summary>
    public static TargetBuild? Current => Scoped.Value;

    /// <summary>The <c>bench</c> executable in <paramref name="folder"/>, with the environment its targets get.</summary>
    public static TargetBuild In(string folder, IReadOnlyDictionary<string, string> environment) =>
        new(Path.GetFullPath(Path.Combine(folder, OperatingSystem.IsWindows() ? "bench.exe" : "bench")), [], environment);

    /// <summary>Targets started until the returned scope is disposed (on this async flow) come from this build.</summary>
    public IDisposable Use()
    {
        var before = Scoped.Value;
        Scoped.Value = this;
        return new Restore(before);
    }

    private sealed class Restore(TargetBuild? before) : IDisposable
    {
        public void Dispose() => Scoped.Value = before;
    }
}
