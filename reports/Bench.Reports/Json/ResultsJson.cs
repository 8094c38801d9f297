using System.Text.Json;
using System.Text.Json.Serialization;
using Bench.Reports.Model;

namespace Bench.Reports.Json;

/// <summary>Reads and writes <c>results.json</c>.</summary>
public static class ResultsJson
{
    public static string Serialize(RunResults results) => JsonSerializer.Serialize(results, ResultsJsonContext.Default.RunResults);

    /// <summary>Writes atomically (a temporary file renamed over the old one), so a crash never leaves half a file.</summary>
    public static void Write(RunResults results, string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, Serialize(results));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a results file; throws <see cref="InvalidDataException"/> with a reason when it is not one.</summary>
    public static RunResults Read(string path)
    {
        RunResults? results;
        try
        {
            using var stream = File.OpenRead(path);
            results = JsonSerializer.Deserialize(stream, ResultsJsonContext.Default.RunResults);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a Bench results file: {e.Message}", e);
        }

        if (results is null)
        {
            throw new InvalidDataException($"{path} is empty");
        }

        if (results.Schema != RunResults.CurrentSchema)
        {
            throw new InvalidDataException($"{path} has schema '{results.Schema}'; this Bench reads '{RunResults.CurrentSchema}'");
        }

        return results;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(RunResults))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;
