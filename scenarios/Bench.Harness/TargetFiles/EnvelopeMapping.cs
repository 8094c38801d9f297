using System.Globalization;
using System.Text.Json;
using Bench.Targets.Events;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// Where a system that re-wraps events carries Bench's values in fields of its own (<c>envelope: { id: $.msgId,
/// seq: $.n, ts: $.sentAt }</c>): seq (the event's number) and ts (its intended timestamp) are required, an integer or
/// a string holding one; id is optional (the default is Bench's id for seq), <c>evt_N</c> or the number N.
/// </summary>
public sealed record EnvelopeMapping(EnvelopePath? Id, EnvelopePath Seq, EnvelopePath Ts)
{
    /// <summary>The mapping's fields, under <c>envelope</c>.</summary>
    public static readonly IReadOnlyList<string> Names = ["id", "seq", "ts"];

    public IReadOnlyList<EnvelopePath> Paths => Id is null ? [Seq, Ts] : [Id, Seq, Ts];

    /// <summary>How the file wrote it, for warnings: <c>{ id: $.msgId, seq: $.n, ts: $.sentAt }</c>.</summary>
    public string Text => "{ " + (Id is null ? "" : $"id: {Id.Text}, ") + $"seq: {Seq.Text}, ts: {Ts.Text} }}";

    /// <summary>Reads Bench's values from a message; throws <see cref="FormatException"/> naming the field (<c>envelope.seq: …</c>).
    /// </summary>
    public EnvelopeFields Read(JsonElement root)
    {
        var seq = Integer("seq", Seq, root);
        var ts = Integer("ts", Ts, root);
        var id = Id is null ? PublishedEvent.EventId(seq) : IdAt(Id, root);
        return new EnvelopeFields(id, "", seq, ts);
    }

    private static long Integer(string name, EnvelopePath path, JsonElement root)
    {
        var at = Found(name, path, root);
        if (at.ValueKind == JsonValueKind.Number && at.TryGetInt64(out var number))
        {
            return number;
        }

        if (at.ValueKind == JsonValueKind.String
            && long.TryParse(at.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw new FormatException($"envelope.{name}: {path.Text} is {Shown(at)}, not an integer");
    }

    private static string IdAt(EnvelopePath path, JsonElement root)
    {
        var at = Found("id", path, root);
        return at.ValueKind switch
        {
            JsonValueKind.Number when at.TryGetInt64(out var n) => PublishedEvent.EventId(n),
            JsonValueKind.String when long.TryParse(at.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) =>
                PublishedEvent.EventId(n),
            JsonValueKind.String => at.GetString()!,
            _ => throw new FormatException($"envelope.id: {path.Text} is {Shown(at)}, not Bench's id (evt_N or N)"),
        };
    }

    private static JsonElement Found(string name, EnvelopePath path, JsonElement root)
    {
        try
        {
            return path.Find(root);
        }
        catch (FormatException e)
        {
            throw new FormatException($"envelope.{name}: {e.Message}", e);
        }
    }

    private static string Shown(JsonElement at) => at.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
