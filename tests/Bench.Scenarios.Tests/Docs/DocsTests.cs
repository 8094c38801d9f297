using YamlDotNet.RepresentationModel;

namespace Bench.Scenarios.Tests.Docs;

/// <summary>
/// Docs that cannot lie: every <c>bench …</c> and <c>./run-bench.sh …</c> line in README.md and docs/*.md parses with the
/// real command line (each option known, each value of its type, required ones given), and every repository path they
/// name exists. Combinations a command refuses only when it runs (e.g. <c>ab --base-target</c> without
/// <c>--mode launches</c>) are not checked here.
/// </summary>
public sealed class DocsTests
{
    private static readonly string Root = RepoPaths.Root;

    private static IEnumerable<string> Files() =>
        [Path.Combine(Root, "README.md"), .. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_documented_bench_command_parses_with_the_real_command_line()
    {
        var commands = Files().SelectMany(f => DocCommands.In(Path.GetRelativePath(Root, f), File.ReadAllText(f))).ToList();

        var wrong = commands.Select(c => (c, Errors: c.Runnable ? Errors(c.Arguments) : UnknownOptions(c.Arguments)))
            .Where(x => x.Errors.Length > 0)
            .Select(x => $"{x.c.Where}: {x.c.Text}\n    {x.Errors}").ToList();

        Assert.True(commands.Count > 50, $"only {commands.Count} commands found: the reader misses them");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {commands.Count} documented commands do not parse:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void A_planted_wrong_option_in_prose_is_found()
    {
        var command = Assert.Single(DocCommands.In("planted.md", "Use `bench run --sped` to go faster."));

        Assert.Equal("'--sped' is not an option of run", UnknownOptions(command.Arguments));
        Assert.Equal("", UnknownOptions(Assert.Single(DocCommands.In("d.md", "See `bench run --baseline`.")).Arguments));
    }

    [Theory]
    [InlineData("./run-bench.sh push --rate 200 --sped 3", "--sped")]
    [InlineData("bench compare", "Required argument missing")]
    [InlineData("./run-bench.sh ab --pairs many", "many")]
    public void A_planted_wrong_command_is_found(string line, string error)
    {
        var command = Assert.Single(DocCommands.In("planted.md", $"```bash\n{line}   # a comment\n```\n"));

        Assert.Contains(error, Errors(command.Arguments), StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_is_split_as_the_shell_splits_it()
    {
        var command = Assert.Single(DocCommands.In("d.md", "Run `./run-bench.sh push --threshold 'push.p99 < 50ms'` first."));

        Assert.Equal(["run", "push", "--threshold", "push.p99 < 50ms"], command.Arguments);
        Assert.Equal(["compare", "A", "B"], DocCommands.Arguments("BENCH_COMMIT=x ./run-bench.sh compare A B > out.txt"));
        Assert.Null(DocCommands.Arguments("dotnet test Bench.sln"));
        Assert.Null(DocCommands.Arguments("./run-bench.sh micro"));
    }

    [Fact]
    public void Every_repository_path_the_docs_name_exists()
    {
        var tops = Directory.GetDirectories(Root).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('.')).Select(n => n!)
            .Append(".github").Append(".ci").Where(t => t is not ("results" or "artifacts")).ToHashSet(StringComparer.Ordinal);

        var missing = Files()
            .SelectMany(f => DocCommands.Paths(Path.GetRelativePath(Root, f), File.ReadAllText(f), Path.GetDirectoryName(f)!, tops))
            .Where(p => !File.Exists(Path.Combine(Root, p.Path)) && !Directory.Exists(Path.Combine(Root, p.Path)))
            .Select(p => $"{p.Where}: {p.Path}").ToList();

        Assert.True(missing.Count == 0, $"{missing.Count} paths named in the docs do not exist:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_workflow_runs_bench_through_the_repositorys_own_action_with_arguments_that_parse()
    {
        var action = Yaml(Path.Combine(Root, "action.yml"));
        Assert.Equal("composite", Scalar(action, "runs", "using"));

        var steps = Directory.GetFiles(Path.Combine(Root, ".github", "workflows"), "*.yml")
            .SelectMany(f => ((YamlMappingNode)Yaml(f)["jobs"]).Children.Values.Cast<YamlMappingNode>())
            .Where(job => job.Children.ContainsKey("steps"))
            .SelectMany(job => ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>())
            .Where(step => Scalar(step, "uses") == "./").ToList();

        Assert.NotEmpty(steps);
        var scenarios = Bench.Harness.Scenarios.ScenarioCatalog.All.Select(s => s.Name).ToList();
        foreach (var step in steps)
        {
            var arguments = DocCommands.Arguments("bench " + Scalar(step, "with", "args"))!;
            Assert.Equal("", Errors(arguments));
            for (var i = 0; i < arguments.Count - 1; i++)
            {
                if (arguments[i] == "--threshold")
                {
                    Bench.Reports.Thresholds.Threshold.Parse(arguments[i + 1], scenarios);
                }
            }
        }
    }

    private static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode node, params string[] keys)
    {
        YamlNode at = node;
        foreach (var key in keys)
        {
            if (at is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            at = next;
        }

        return (at as YamlScalarNode)?.Value;
    }

    /// <summary>Inline code names a command and its options: each option named must be one the command has.</summary>
    private static string UnknownOptions(IReadOnlyList<string> arguments)
    {
        var root = Program.Root(() => CancellationToken.None);
        System.CommandLine.Command command = root;
        var unknown = new List<string>();
        foreach (var word in arguments.Select(a => a.Trim('[', ']')))
        {
            if (word == "--" && arguments is ["cluster", "run", ..])
            {
                // What follows is the coordinator's bench run arguments.
                command = root.Subcommands.Single(c => c.Name == "run");
            }
            else if (command.Subcommands.FirstOrDefault(c => c.Name == word) is { } sub)
            {
                command = sub;
            }
            else if (word.StartsWith("--", StringComparison.Ordinal) && word.Split('=')[0] is var name
                && !command.Options.Any(o => o.Name == name || o.Aliases.Contains(name)) && name is not ("--help" or "--version"))
            {
                unknown.Add($"'{name}' is not an option of {command.Name}");
            }
        }

        return string.Join("; ", unknown);
    }

    /// <summary>
    /// What the command line refuses in a runnable line: its parse errors, options the command lacks, and for
    /// <c>run</c> (whose scenarios are free words) a scenario that does not exist; <c>cluster run</c>'s arguments
    /// after <c>--</c> as <c>run push</c>'s.
    /// </summary>
    private static string Errors(IReadOnlyList<string> arguments)
    {
        // bench cluster run OPTIONS -- ARGS: ARGS are the coordinator's bench run push arguments.
        var dash = arguments.ToList().IndexOf("--");
        if (dash >= 0 && arguments is ["cluster", "run", ..])
        {
            var own = Errors([.. arguments.Take(dash)]);
            var run = Errors(["run", "push", .. arguments.Skip(dash + 1)]);
            return string.Join("; ", new[] { own, run }.Where(e => e.Length > 0));
        }

        var parse = Program.Root(() => CancellationToken.None).Parse([.. arguments]);
        var errors = parse.Errors.Select(e => e.Message).ToList();
        if (parse.CommandResult.Command.Name == "run")
        {
            var scenarios = Bench.Harness.Scenarios.ScenarioCatalog.All.Select(s => s.Name).Append("claims")
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            var words = parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>()
                .SelectMany(a => a.Tokens).Select(t => t.Value);
            errors.AddRange(words.Where(w => !scenarios.Contains(w)).Select(w => $"'{w}' is not a scenario (nor an option of run)"));
        }

        var unknown = UnknownOptions(arguments);
        return string.Join("; ", unknown.Length > 0 ? errors.Append(unknown) : errors);
    }
}
