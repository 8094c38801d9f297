using System.Text.Json.Nodes;
using Bench.Reports.Json;

namespace Bench.Reports.Tests.Json;

/// <summary>The fixed run's results.json with one field replaced: the damage the validation tests feed the readers.</summary>
internal static class JsonDamage
{
    /// <summary>
    /// Fixtures.Run() as JSON, with the value at <paramref name="path"/> (dots; numbers index arrays) set to
    /// <paramref name="value"/> (JSON).
    /// </summary>
    public static string Of(string path, string value)
    {
        var root = JsonNode.Parse(ResultsJson.Serialize(Fixtures.Run()))!;
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, out var index) ? node[index]! : node[part]!;
        }

        var replacement = JsonNode.Parse(value);
        if (int.TryParse(parts[^1], out var i))
        {
            node[i] = replacement;
        }
        else
        {
            node[parts[^1]] = replacement;
        }

        return root.ToJsonString();
    }
}
