using System.Reflection;
using Bench.Engine.Load;
using Bench.Harness.Running;
using Bench.Reports.Model;
using Bench.Sdk;
using NetArchTest.Rules;

namespace Bench.Scenarios.Tests.Architecture;

/// <summary>
/// The one-way dependencies of DESIGN.md, read from the compiled assemblies: the CLI over the harness over the engine,
/// targets and reports; the SDK over the harness; reports never run anything; the engine knows no transport.
/// </summary>
public sealed class DependencyTests
{
    private static readonly Assembly Cli = typeof(Program).Assembly;
    private static readonly Assembly Harness = typeof(RunExecutor).Assembly;
    private static readonly Assembly Engine = typeof(LoadRunner).Assembly;
    private static readonly Assembly Reports = typeof(RunResults).Assembly;
    private static readonly Assembly Targets = typeof(Bench.Targets.Hosting.TargetRole).Assembly;
    private static readonly Assembly Sdk = typeof(BenchRunner).Assembly;

    /// <summary>Namespaces of the command line: nothing below it may use them.</summary>
    private static readonly string[] CommandLine = ["Bench.Scenarios.Cli", "Bench.Scenarios.Program", "System.CommandLine"];

    /// <summary>What makes a library run other programs.</summary>
    private static readonly string[] RunsPrograms = ["System.Diagnostics.Process", "System.Diagnostics.ProcessStartInfo"];

    /// <summary>Transports and protocols: the engine generates load and records it, over nothing in particular.</summary>
    private static readonly string[] Protocols =
        ["System.Net.WebSockets", "System.Net.Http", "Microsoft.AspNetCore", "Bench.Targets", "Bench.Harness", "Bench.Reports"];

    [Fact]
    public void No_library_calls_the_command_line()
    {
        foreach (var library in new[] { Harness, Engine, Reports, Targets, Sdk })
        {
            AssertNone(library, CommandLine);
            Assert.DoesNotContain(library.GetReferencedAssemblies(), a => a.Name == Cli.GetName().Name);
        }
    }

    [Fact]
    public void Reports_know_only_the_results_model_and_never_run_anything()
    {
        AssertNone(Reports, [.. RunsPrograms, "Bench.Harness", "Bench.Engine", "Bench.Targets", "Bench.Sdk"]);
    }

    [Fact]
    public void The_engine_knows_no_transport_target_or_report()
    {
        AssertNone(Engine, Protocols);
    }

    [Fact]
    public void The_sdk_is_built_on_the_harness()
    {
        Assert.Contains(Sdk.GetReferencedAssemblies(), a => a.Name == Harness.GetName().Name);
    }

    /// <summary>The rule above catches a violation: a type here that calls the command line is found by name.</summary>
    [Fact]
    public void A_type_that_calls_the_command_line_is_caught()
    {
        var failing = Failing(typeof(DependencyTests).Assembly, CommandLine);

        Assert.Contains(failing, name => name.EndsWith(nameof(CallsTheCommandLine), StringComparison.Ordinal));
    }

    private static void AssertNone(Assembly assembly, string[] forbidden)
    {
        var failing = Failing(assembly, forbidden);
        Assert.True(
            failing.Count == 0, $"{assembly.GetName().Name} depends on {string.Join(", ", forbidden)}: {string.Join(", ", failing)}");
    }

    private static List<string> Failing(Assembly assembly, string[] forbidden)
    {
        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        return [.. result.FailingTypeNames ?? []];
    }
}

/// <summary>A deliberate violation, for the test that shows the rule can fail.</summary>
internal static class CallsTheCommandLine
{
    public static Task<int> Run() => Program.Main(["--help"]);
}
