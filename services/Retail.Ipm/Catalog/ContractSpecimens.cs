using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Retail.Ipm.Catalog;

/// <summary>
/// An example payload made from a schema, the same every time: every property present, strings "string", guids derived
/// from the property's name (so two fields never share one), integers 1, the first enum value, fixed RFC 3339 times.
/// </summary>
public static class ContractSpecimens
{
    public const string SampleTime = "2026-01-01T00:00:00Z";
    public const string SampleDate = "2026-01-01";
    private const int MaxDepth = 12;

    public static JsonNode? Of(JsonObject schema) => Make(schema, schema, "", 0);

    private static JsonNode? Make(JsonNode? node, JsonObject root, string name, int depth)
    {
        if (node is not JsonObject schema || depth > MaxDepth)
        {
            return null;
        }
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return Make(Resolve(root, reference), root, name, depth + 1);
        }
        if (schema.TryGetPropertyValue("const", out var constant))
        {
            return constant?.DeepClone();
        }
        if (schema["enum"] is JsonArray values)
        {
            return (values.FirstOrDefault(v => v is not null) ?? values.FirstOrDefault())?.DeepClone();
        }
        var types = schema["type"] switch
        {
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };
        var type = types.FirstOrDefault(t => t != "null")
            ?? (schema.ContainsKey("properties") ? "object" : schema.ContainsKey("items") ? "array" : null);
        return type switch
        {
            "object" => MakeObject(schema, root, depth),
            "array" => depth >= MaxDepth ? new JsonArray() : new JsonArray(Make(schema["items"], root, name, depth + 1)),
            "string" => MakeString(schema["format"]?.GetValue<string>(), name),
            "integer" or "number" => JsonValue.Create(1),
            "boolean" => JsonValue.Create(true),
            _ => null,
        };
    }

    private static JsonObject MakeObject(JsonObject schema, JsonObject root, int depth)
    {
        var value = new JsonObject();
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (property, propertySchema) in properties)
            {
                value[property] = Make(propertySchema, root, property, depth + 1);
            }
        }
        return value;
    }

    private static JsonValue MakeString(string? format, string name) => format switch
    {
        "date-time" => JsonValue.Create(SampleTime),
        "date" => JsonValue.Create(SampleDate),
        "time" => JsonValue.Create("00:00:00"),
        "uuid" => JsonValue.Create(GuidFor(name)),
        "uri" => JsonValue.Create("https://example.com/"),
        _ when name.EndsWith("_guid", StringComparison.Ordinal) || name == "guid" => JsonValue.Create(GuidFor(name)),
        _ => JsonValue.Create("string"),
    };

    /// <summary>A UUIDv7-shaped guid made from the field's name: deterministic, and distinct between fields.</summary>
    public static string GuidFor(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true).ToString();
    }

    private static JsonNode? Resolve(JsonObject root, string reference)
    {
        if (!reference.StartsWith('#'))
        {
            return null;
        }
        JsonNode? node = root;
        foreach (var part in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o[key],
                JsonArray a when int.TryParse(key, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }
        return node;
    }
}
