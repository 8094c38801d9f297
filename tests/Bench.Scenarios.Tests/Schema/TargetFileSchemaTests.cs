using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bench.Harness.TargetFiles;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace Bench.Scenarios.Tests.Schema;

/// <summary>
/// docs/schemas/target-file.schema.json, the schema editors read (examples name it in their first line): it accepts
/// every example target file, refuses a misspelt field, and names exactly the fields <see cref="TargetFileModel"/> reads.
/// </summary>
public sealed class TargetFileSchemaTests
{
    private const string SchemaLine = "# yaml-language-server: $schema=../../docs/schemas/target-file.schema.json";

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

    private static string SchemaPath => RepoPaths.Of("docs", "schemas", "target-file.schema.json");

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.Of("examples", "targets"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_names_the_schema_and_is_valid_by_it(string example)
    {
        var path = RepoPaths.Of("examples", "targets", example);
        var text = File.ReadAllText(path);
        Assert.Equal(SchemaLine, text.Split('\n')[0].TrimEnd('\r'));
        var result = Evaluate(text);
        Assert.True(result.IsValid, example + ": " + Describe(result));

        // The schema and Bench agree: what the schema accepts, Bench loads (the webhook example's secret is by reference).
        if (Environment.GetEnvironmentVariable("BROADCAST_WEBHOOK_SECRET") is null)
        {
            Environment.SetEnvironmentVariable("BROADCAST_WEBHOOK_SECRET", "whsec_" + Convert.ToBase64String(new byte[32]));
        }

        TargetFile.Load(path);
    }

    [Theory]
    [InlineData("subscribe:\n  url: ws://127.0.0.1:1/ws\n", "  urll: ws://127.0.0.1:1/ws\n")]
    [InlineData("transport: websocket\n", "transport: websockets\n")]
    [InlineData("process:\n  pid: 1\n", "process:\n  pid: one\n")]
    [InlineData("publish:\n  http:\n", "publish:\n  websocket:\n    url: ws://127.0.0.1:1/p\n  http:\n")]
    public void A_planted_mistake_is_refused(string good, string bad)
    {
        var valid = "transport: websocket\npublish:\n  http:\n    url: http://127.0.0.1:1/p\n" +
            "subscribe:\n  url: ws://127.0.0.1:1/ws\nprocess:\n  pid: 1\n";
        Assert.True(Evaluate(valid).IsValid, Describe(Evaluate(valid)));
        var planted = valid.Replace(good, good.StartsWith("subscribe", StringComparison.Ordinal) ? "subscribe:\n" + bad : bad,
            StringComparison.Ordinal);
        Assert.NotEqual(valid, planted);
        Assert.False(Evaluate(planted).IsValid, planted);
    }

    [Fact]
    public void The_schema_names_exactly_the_fields_the_model_reads()
    {
        var schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();
        var differences = new List<string>();
        Compare(typeof(TargetFileModel), schema, schema, "", differences);
        Assert.Empty(differences);
    }

    /// <summary>Walks the model's properties and the schema's object properties together (refs resolved).</summary>
    private static void Compare(Type model, JsonObject node, JsonObject schema, string at, List<string> differences)
    {
        node = Resolve(node, schema);
        var properties = node["properties"]?.AsObject() ?? [];
        var fields = model.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(Field, p => p.PropertyType, StringComparer.Ordinal);
        differences.AddRange(fields.Keys.Except(properties.Select(p => p.Key)).Select(f => $"{at}{f}: read by Bench, not in the schema"));
        differences.AddRange(properties.Select(p => p.Key).Except(fields.Keys).Select(f => $"{at}{f}: in the schema, not read by Bench"));
        foreach (var (name, type) in fields)
        {
            if (properties[name] is JsonObject child && type.IsClass && type != typeof(string) && !type.IsGenericType)
            {
                Compare(type, child, schema, $"{at}{name}.", differences);
            }
        }
    }

    /// <summary>The field's name in a file: its alias where it has one, else the property's name in camelCase.</summary>
    private static string Field(PropertyInfo property) =>
        property.GetCustomAttribute<YamlDotNet.Serialization.YamlMemberAttribute>()?.Alias
            ?? char.ToLowerInvariant(property.Name[0]) + property.Name[1..];

    private static JsonObject Resolve(JsonObject node, JsonObject schema)
    {
        while (node["$ref"]?.GetValue<string>() is { } reference)
        {
            node = schema["$defs"]![reference["#/$defs/".Length..]]!.AsObject();
        }

        return node;
    }

    private static EvaluationResults Evaluate(string yaml)
    {
        using var json = JsonDocument.Parse(ToJson(yaml)?.ToJsonString() ?? "null");
        return Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    /// <summary>YAML as JSON, the way a YAML-aware editor reads it: plain scalars that are numbers, booleans or null are those.</summary>
    private static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Node(stream.Documents[0].RootNode);
    }

    private static JsonNode? Node(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Node(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Node)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s => Plain(s.Value ?? ""),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidOperationException("unexpected YAML node " + node.NodeType),
    };

    private static JsonNode? Plain(string value) => value switch
    {
        "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        _ => JsonValue.Create(value),
    };
}
