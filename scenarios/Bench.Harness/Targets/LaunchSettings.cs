using System.Diagnostics;

namespace Bench.Harness.Targets;

/// <summary>
/// The socket setting the generator side chooses for itself, and how a process Bench starts (a target, or another
/// build's bench) is given the settings it would have by hand. <see cref="ForGenerator"/> is called once, first thing,
/// by the process that generates load.
/// </summary>
public static class LaunchSettings
{
    /// <summary>
    /// The runtime setting that runs socket completions on the event thread that saw them rather than queueing each to
    /// the thread pool — a hop per request that makes a closed-loop generator wait on thread wake-ups. The generator
    /// side sets it; targets are started without it unless the user set it.
    /// </summary>
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Whether <see cref="InlineCompletions"/> was set by the user rather than by Bench.</summary>
    public static bool InlineCompletionsFromUser { get; private set; }

    /// <summary>
    /// Notes whether the user set <see cref="InlineCompletions"/>, and sets it for this process when
    /// <paramref name="generates"/> (read once, when the first socket is created: call before any).
    /// </summary>
    public static void ForGenerator(bool generates)
    {
        InlineCompletionsFromUser = Environment.GetEnvironmentVariable(InlineCompletions) is not null;
        if (!InlineCompletionsFromUser && generates)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }

    /// <summary>
    /// Removes the inline-completions setting Bench chose for itself from <paramref name="info"/>, unless the user set it.
    /// </summary>
    public static void StartsAsLaunchedByHand(ProcessStartInfo info)
    {
        if (!InlineCompletionsFromUser)
        {
            info.Environment.Remove(InlineCompletions);
        }
    }
}
