namespace Bench.Scenarios.Tests.Cli;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}

/// <summary>Runs <c>bench</c> in-process with standard output and error captured.</summary>
internal static class ConsoleCapture
{
    public static async Task<(int Code, string Stderr)> RunAsync(string[] args)
    {
        var (code, stderr, _) = await RunWithOutputAsync(args);
        return (code, stderr);
    }

    public static async Task<(int Code, string Stderr, string Stdout)> RunWithOutputAsync(string[] args)
    {
        var (out0, err0) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = await Program.Main(args);
            return (code, stderr.ToString(), stdout.ToString());
        }
        finally
        {
            Console.SetOut(out0);
            Console.SetError(err0);
        }
    }
}
