using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Bench.Harness.Cluster;

/// <summary>
/// Kubernetes objects as YamlDotNet nodes, and their text. A string is written plain only when no YAML 1.1 reader
/// (kubectl's) could take it for a number, a boolean or null; otherwise it is quoted, so an env value "3" stays a string.
/// </summary>
public static partial class ClusterYaml
{
    private static readonly HashSet<string> Words =
        new(["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"], StringComparer.OrdinalIgnoreCase);

    /// <summary>A mapping of the entries whose value is not null, in their order.</summary>
    public static YamlMappingNode Map(params (string Key, YamlNode? Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
        {
            if (value is not null)
            {
                map.Add(Text(key), value);
            }
        }

        return map;
    }

    public static YamlSequenceNode List(IEnumerable<YamlNode> items) => new(items);

    public static YamlSequenceNode List(params YamlNode[] items) => new(items);

    /// <summary>A string: plain when unambiguous, a literal block when it has several lines (and no \r), else double-quoted.</summary>
    public static YamlScalarNode Text(string value)
    {
        // A literal block reads \r\n back as \n: text with a carriage return is double-quoted, where it is escaped.
        var style = value.Contains('\n', StringComparison.Ordinal) && !value.Contains('\r', StringComparison.Ordinal) ? ScalarStyle.Literal
            : PlainText().IsMatch(value) && !Words.Contains(value) ? ScalarStyle.Plain
            : ScalarStyle.DoubleQuoted;
        return new YamlScalarNode(value) { Style = style };
    }

    public static YamlScalarNode Number(long value) =>
        new(value.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain };

    public static YamlScalarNode Bool(bool value) => new(value ? "true" : "false") { Style = ScalarStyle.Plain };

    /// <summary>The objects as one YAML stream, separated by <c>---</c>, as <c>kubectl apply -f</c> reads it.</summary>
    public static string Write(IEnumerable<YamlMappingNode> objects)
    {
        using var text = new StringWriter { NewLine = "\n" };
        var stream = new YamlStream(objects.Select(o => new YamlDocument(o)));
        stream.Save(new ImplicitEnds(new Emitter(text, 2, int.MaxValue)), assignAnchors: false);
        return text.ToString();
    }

    [GeneratedRegex("^[A-Za-z/][A-Za-z0-9._/-]*(:[A-Za-z0-9._/-]+)*$")]
    private static partial Regex PlainText();

    /// <summary>No <c>...</c> after each document: <c>---</c> alone separates them.</summary>
    private sealed class ImplicitEnds(IEmitter inner) : IEmitter
    {
        public void Emit(ParsingEvent @event) => inner.Emit(@event is DocumentEnd ? new DocumentEnd(isImplicit: true) : @event);
    }
}
