using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bench.Reports.Json;

/// <summary>
/// Every string read from a results file or shard, on one line: control characters and line or paragraph separators
/// become spaces. A run id or a cell holding <c>\n</c> or <c>\r</c> could otherwise start a markdown line of its own
/// in the report (an image line, which report.html once inlined from any path). Written strings pass unchanged.
/// </summary>
internal sealed class OneLineText : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Flatten(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Flatten(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value);

    public override bool HandleNull => false;

    /// <summary><paramref name="text"/> with every control character and line separator replaced by a space.</summary>
    public static string Flatten(string text)
    {
        if (!text.AsSpan().ContainsAny(Breaks))
        {
            return text;
        }

        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Breaks.Contains(source[i]) ? ' ' : source[i];
            }
        });
    }

    /// <summary>C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.</summary>
    private static readonly System.Buffers.SearchValues<char> Breaks = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0, 32).Concat(Enumerable.Range(0x7f, 33)).Select(c => (char)c)) + "\u2028\u2029");
}
