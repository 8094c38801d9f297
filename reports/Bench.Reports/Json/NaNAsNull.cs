using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bench.Reports.Json;

/// <summary>
/// A figure that has no value in some case (CPU per event of an interleaved block that delivered nothing: 0 ÷ 0) is
/// written as JSON null and read back as NaN, which the gate reports as a missing value. JSON has no NaN: writing one
/// threw, and took the whole results.json with it.
/// </summary>
internal sealed class NaNAsNull : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
