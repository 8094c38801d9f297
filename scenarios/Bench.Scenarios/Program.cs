using System.CommandLine;
using System.Runtime.InteropServices;
using Bench.Harness;
using Bench.Harness.Targets;
using Bench.Scenarios.Cli;

namespace Bench.Scenarios;

/// <summary>The <c>bench</c> command line.</summary>
public static class Program
{
    internal static string CommandLine { get; private set; } = "bench";

    public static async Task<int> Main(string[] args)
    {
        LaunchSettings.ForGenerator(generates: args.FirstOrDefault() != "serve");

        CommandLine = "bench " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        using var cancel = new CancellationTokenSource();
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            // The first Ctrl-C stops the load and writes what was measured; a second one ends the process at once.
            if (Interlocked.Increment(ref signals) == 1)
            {
                context.Cancel = true;
                cancel.Cancel();
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        var root = Root(() => cancel.Token);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            return UsageError(parse.Errors.Select(e => e.Message));
        }

        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    /// <summary>Every command of <c>bench</c>; <paramref name="token"/> is the run's cancellation.</summary>
    public static RootCommand Root(Func<CancellationToken> token) =>
            new RootCommand("Bench: WebSocket, SignalR, Server-Sent Events or webhooks? Measures each (or your own server, --target) "
                + "under the same load and reports latency, throughput, cost and every event's fate.")
            {
                RunCommand.Create(token),
                AgentCommand.Create(token),
                ClusterCommand.Create(token),
                MergeCommand.Create(),
                ServeCommand.Create(token),
                ReportCommand.Create(),
                SizeCommand.Create(),
                CompareCommand.Create(),
                AbCommand.Create(token),
                ReproduceCommand.Create(token),
                CalibrateCommand.Create(token),
                TrendCommand.Create(),
                ListCommand.Create(),
                EngineProbeCommand.Create(token),
                ProxyCommand.Create(token),
                GeneratorProbeCommand.Create(token),
            };

    /// <summary>Runs one library call; its <see cref="UsageException"/> is printed as <see cref="UsageError"/> prints problems.</summary>
    internal static async Task<int> CallAsync(Func<Task<int>> library)
    {
        try
        {
            return await library().ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            return UsageError(e.Problems);
        }
    }

    /// <summary>Runs one library call; its <see cref="UsageException"/> is printed as <see cref="UsageError"/> prints problems.</summary>
    internal static int Call(Func<int> library)
    {
        try
        {
            return library();
        }
        catch (UsageException e)
        {
            return UsageError(e.Problems);
        }
    }

    /// <summary>Prints each problem and a pointer to --help; returns exit code 2.</summary>
    internal static int UsageError(IEnumerable<string> problems)
    {
        foreach (var p in problems)
        {
            Console.Error.WriteLine($"error: {p}");
        }

        Console.Error.WriteLine("See 'bench --help' or 'bench run --help'.");
        return ExitCodes.Usage;
    }
}
