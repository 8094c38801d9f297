using Bench.Harness.Cluster;
using YamlDotNet.RepresentationModel;

namespace Bench.Scenarios.Tests.Deploy;

/// <summary>What the run's objects carry as text (the target file, the bench run arguments) reads back unchanged.</summary>
public sealed class ClusterYamlTests
{
    public static TheoryData<string> Texts() =>
    [
        "3", "0x1F", "1e3", "-1", ".5", "yes", "No", "on", "OFF", "y", "null", "~", "true", "", " ", "-", "--rate", "a: b",
        "# not a comment", "[1, 2]", "{a: 1}", "'quoted'", "\"quoted\"", "$(HOME)", "*alias", "&anchor", "!tag", "%directive",
        "@at", "`tick`", "tab\there", "trailing ", " leading", "line 1\nline 2\n", "  indented first\nsecond\n",
        "trailing spaces  \nnext\n", "windows\r\nlines\r\n", "no final newline\nend", "\n\nleading blank lines\n",
        "final blank lines\n\n\n", "unicode ü × µ — ✓", "nul\0byte", "bell\a", "http://127.0.0.1:5080/publish?topic={stream}",
        "registry.example/bench:dev", "0.0.0.0:7000", "push.p99 < 50ms",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_text_reads_back_as_it_was_written(string text)
    {
        var yaml = ClusterYaml.Write([ClusterYaml.Map(("value", ClusterYaml.Text(text)), ("n", ClusterYaml.Number(3)))]);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var map = (YamlMappingNode)stream.Documents.Single().RootNode;
        var value = (YamlScalarNode)map.Children[new YamlScalarNode("value")];
        Assert.Equal(text, value.Value);
        Assert.False(Resolved(value), $"'{text}' is written plain and would be read as a number, a boolean or null");
    }

    [Fact]
    public void Objects_are_separated_by_three_dashes_and_end_no_document_with_dots()
    {
        var yaml = ClusterYaml.Write([ClusterYaml.Map(("a", ClusterYaml.Number(1))), ClusterYaml.Map(("b", ClusterYaml.Number(2)))]);
        Assert.Equal("a: 1\n---\nb: 2\n", yaml);
    }

    /// <summary>A plain scalar a YAML 1.1 reader would take for a number, a boolean or null.</summary>
    private static bool Resolved(YamlScalarNode node) =>
        node.Style == YamlDotNet.Core.ScalarStyle.Plain && (node.Value is null || double.TryParse(node.Value, out _)
            || node.Value.ToLowerInvariant() is "" or "~" or "null" or "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n");
}
