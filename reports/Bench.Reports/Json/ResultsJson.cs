using System.Text.Json;
using System.Text.Json.Serialization;
using Bench.Reports.Model;

namespace Bench.Reports.Json;

/// <summary>Reads and writes <c>results.json</c>.</summary>
public static class ResultsJson
{
    public static string Serialize(RunResults results) => JsonSerializer.Serialize(results, ResultsJsonContext.Default.RunResults);

    /// <summary>An agent's shard as UTF-8 JSON, as <see cref="WriteShard"/> writes it (an agent sends it to its coordinator).</summary>
    public static byte[] SerializeShard(ShardResult shard) =>
        JsonSerializer.SerializeToUtf8Bytes(shard, ResultsJsonContext.Default.ShardResult);

    /// <summary>Writes an agent's shard atomically, as <see cref="Write(RunResults, string)"/>.</summary>
    public static void WriteShard(ShardResult shard, string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(shard, ResultsJsonContext.Default.ShardResult));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads an agent's shard; throws <see cref="InvalidDataException"/> naming the file and what is wrong.</summary>
    public static ShardResult ReadShard(string path)
    {
        ShardResult? shard;
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length > MaxBytes)
            {
                throw new InvalidDataException($"{path} is {stream.Length / (1024 * 1024)} MB; Bench reads shards of up to"
                    + $" {MaxBytes / (1024 * 1024)} MB");
            }

            shard = JsonSerializer.Deserialize(stream, ResultsJsonContext.Default.ShardResult);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a Bench shard: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} cannot be read: {e.Message}", e);
        }

        if (shard is null)
        {
            throw new InvalidDataException($"{path} is empty");
        }

        if (shard.Schema != ShardResult.CurrentSchema)
        {
            throw new InvalidDataException($"{path} has schema '{shard.Schema}'; this Bench reads '{ShardResult.CurrentSchema}'");
        }

        if (shard.Count < 1 || shard.Index < 0 || shard.Index >= shard.Count)
        {
            throw new InvalidDataException($"{path}: index {shard.Index} of count {shard.Count} is not a shard of a job");
        }

        // The shard is checked as a results file is (its case, and its own fields: no null, no name that is a path).
        if (ResultsValidator.Problem(shard, "shard") is { } problem)
        {
            throw new InvalidDataException($"{path}: {problem}");
        }

        return shard;
    }

    /// <summary>Writes atomically (a temporary file renamed over the old one), so a crash never leaves half a file.</summary>
    public static void Write(RunResults results, string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, Serialize(results));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The largest results file read: a default run writes well under 1 MB, a long full run a few MB.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Reads a results file and checks it (<see cref="ResultsValidator"/>); throws <see cref="InvalidDataException"/>
    /// with a reason naming the field when it is not one Bench can render.
    /// </summary>
    public static RunResults Read(string path)
    {
        RunResults? results;
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length > MaxBytes)
            {
                throw new InvalidDataException($"{path} is {stream.Length / (1024 * 1024)} MB; Bench reads results files of up to"
                    + $" {MaxBytes / (1024 * 1024)} MB");
            }

            results = JsonSerializer.Deserialize(stream, ResultsJsonContext.Default.RunResults);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a Bench results file: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} cannot be read: {e.Message}", e);
        }

        if (results is null)
        {
            throw new InvalidDataException($"{path} is empty");
        }

        if (results.Schema != RunResults.CurrentSchema)
        {
            throw new InvalidDataException($"{path} has schema '{results.Schema}'; this Bench reads '{RunResults.CurrentSchema}'");
        }

        if (ResultsValidator.Problem(results) is { } problem)
        {
            throw new InvalidDataException($"{path}: {problem}");
        }

        return results;
    }
}

// Nullable annotations are respected: a JSON null where the model has no "?" (results, timeline, warnings) is refused
// as the file is read, not met as a crash while rendering.
// Strings are read on one line (OneLineText): text from a file never starts a markdown line of its own in a report.
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    Converters = new[] { typeof(OneLineText) })]
[JsonSerializable(typeof(RunResults))]
[JsonSerializable(typeof(ShardResult))]
internal sealed partial class ResultsJsonContext : JsonSerializerContext;
