namespace Bench.Harness.TargetFiles.Publishers;

/// <summary>The ways a target file can make its system publish, in the order its errors list them.</summary>
public static class PublishKinds
{
    public static readonly IReadOnlyList<IPublishKind> All = [new HttpPublishKind(), new WebSocketPublishKind(), new SignalRPublishKind()];

    /// <summary>Reads the file's <c>publish</c> section: exactly one kind; none, or two, is an error naming <c>publish</c>.</summary>
    public static IPublishSpec Read(PublishModel? section, TargetFileFields fields)
    {
        var names = string.Join(", ", All.Select(k => k.Name));
        var given = section is null ? [] : All.Where(k => k.IsGiven(section)).ToList();
        return given.Count switch
        {
            1 => given[0].Read(section!, fields),
            0 => throw fields.Fail("publish", $"required; one of {names} (how Bench makes your system emit an event)"),
            _ => throw fields.Fail("publish", $"give one of {names}, not {string.Join(" and ", given.Select(k => k.Name))}"),
        };
    }
}
