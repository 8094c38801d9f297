using System.Text;
using System.Text.RegularExpressions;

namespace Bench.Scenarios.Tests.Docs;

/// <summary>
/// The commands and repository paths a markdown file states: every <c>bench …</c> and <c>./run-bench.sh …</c> line of
/// its shell blocks and inline code, read as the shell would split it, and every path into the repository it names.
/// </summary>
internal static partial class DocCommands
{
    /// <summary>
    /// A command as written (<c>File:Line</c>) and the arguments <c>bench</c> receives. <c>Runnable</c>: a line of a code
    /// block, to be run as it stands; inline code in prose often names a command or an option without its values.
    /// </summary>
    public sealed record Command(string Where, string Text, IReadOnlyList<string> Arguments, bool Runnable);

    /// <summary>The subcommands run-bench.sh hands to bench as they are; any other first word is a scenario of <c>bench run</c>.</summary>
    private static readonly HashSet<string> Passed =
    [
        "serve", "agent", "merge", "report", "size", "compare", "ab", "reproduce", "calibrate", "trend", "list", "proxy",
        "engine-probe", "generator-probe", "--help", "-h", "-?", "--version",
    ];

    public static IEnumerable<Command> In(string name, string markdown)
    {
        var lines = markdown.Split('\n');
        var fence = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fence = !fence;
                continue;
            }

            var candidates = fence ? [line.Trim()] : InlineCode().Matches(line).Select(m => m.Groups[1].Value.Trim());
            foreach (var candidate in candidates)
            {
                var text = candidate;
                while (fence && text.EndsWith('\\') && i + 1 < lines.Length)
                {
                    text = text[..^1] + " " + lines[++i].Trim();
                }

                if (Arguments(text) is { } arguments)
                {
                    yield return new Command($"{name}:{i + 1}", text, arguments, fence);
                }
            }
        }
    }

    /// <summary>What bench receives from a documented line, or null when the line is not a bench command.</summary>
    public static IReadOnlyList<string>? Arguments(string text)
    {
        var words = Split(text);
        var start = words.FindIndex(w => w is "bench" or "./run-bench.sh");
        if (start < 0 || words.Take(start).Any(w => !w.Contains('=', StringComparison.Ordinal)))
        {
            // Not at the start of the line (environment assignments aside): prose, or another tool's command line.
            return null;
        }

        var rest = words.Skip(start + 1).TakeWhile(w => w is not ("|" or "&&" or ";" or ">" or "2>&1" or "&")).ToList();
        if (words[start] == "bench")
        {
            return rest;
        }

        return rest.Count > 0 && rest[0] == "micro" ? null : rest.Count > 0 && Passed.Contains(rest[0]) ? rest : ["run", .. rest];
    }

    /// <summary>Words as a POSIX shell splits them: quotes kept together, a comment (<c>#</c> after a space) dropped.</summary>
    private static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>
    /// Repository paths a markdown file names: relative link targets, and inline code that starts with a top folder of
    /// the repository. Placeholders (<c>RUN-ID</c>, <c>&lt;…&gt;</c>, <c>*</c>, <c>{…}</c>) are left out.
    /// </summary>
    public static IEnumerable<(string Where, string Path)> Paths(
        string name, string markdown, string folder, IReadOnlyCollection<string> tops)
    {
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match m in Link().Matches(InlineCode().Replace(lines[i], "")))
            {
                var target = m.Groups[1].Value.Split('#')[0];
                var external = target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal);
                if (target.Length > 0 && !external)
                {
                    yield return ($"{name}:{i + 1}", System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, target)));
                }
            }

            foreach (Match m in InlineCode().Matches(lines[i]))
            {
                var code = m.Groups[1].Value.Trim().TrimEnd('/', ',', '.', ':');
                var top = code.Split('/')[0];
                var path = code.Contains('/', StringComparison.Ordinal) && !code.Contains(' ', StringComparison.Ordinal);
                if (path && tops.Contains(top) && !Placeholder().IsMatch(code))
                {
                    yield return ($"{name}:{i + 1}", code);
                }
            }
        }
    }

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"RUN-ID|RUN_ID|<|>|\*|\{|\}|…|\.\.\.|NAME|TRANSPORT|SCENARIO|\bK\b|\bN\b")]
    private static partial Regex Placeholder();
}
