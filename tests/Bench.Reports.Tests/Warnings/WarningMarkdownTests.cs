using Bench.Reports.Warnings;

namespace Bench.Reports.Tests.Warnings;

/// <summary>A warning is rendered in one place, from its typed value: its scope, then its sentence, as literal text.</summary>
public sealed class WarningMarkdownTests
{
    [Fact]
    public void A_case_warning_is_one_list_item_with_the_case_in_bold_then_its_scope_and_sentence()
    {
        var warning = WarningKinds.SignatureRejected.Of(1_200).In("agent 2").In("launch 1");

        var item = WarningMarkdown.CaseItem("push / webhook", warning);

        Assert.Equal(
            "- **push / webhook**: launch 1: agent 2: 1,200 deliveries failed signature verification and were answered 401.", item);
    }

    [Fact]
    public void A_warning_from_a_file_is_escaped_so_it_cannot_become_markup()
    {
        var item = WarningMarkdown.CaseItem("rtt / sse", RunWarning.Other("see ![x](/etc/passwd) *now*"));

        Assert.Equal(@"- **rtt / sse**: see \!\[x\](/etc/passwd) \*now\*", item);
    }

    [Fact]
    public void Every_kind_has_a_distinct_stable_name()
    {
        var names = WarningKinds.All.Select(k => k.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", n));
        Assert.All(WarningKinds.All, k => Assert.Same(k, WarningKinds.Named(k.Name)));
    }
}
