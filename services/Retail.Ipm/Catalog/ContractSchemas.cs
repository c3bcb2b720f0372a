using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Retail.Shared.Json;

namespace Retail.Ipm.Catalog;

/// <summary>
/// The JSON Schema (draft 2020-12) of a type as the store and the bus write it: <see cref="RetailJson.Storage"/>, so the
/// names are snake_case, enums are their snake_case strings and times RFC 3339 strings.
/// </summary>
public static class ContractSchemas
{
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";

    private static readonly JsonSchemaExporterOptions Exporter = new() { TransformSchemaNode = Describe };

    public static JsonObject Of(Type type, string? title = null)
    {
        var exported = RetailJson.Storage.GetJsonSchemaAsNode(type, Exporter);
        var schema = new JsonObject { ["$schema"] = Draft };
        if (title is not null)
        {
            schema["title"] = title;
        }
        // A type the exporter cannot describe comes back as `true` (anything): the schema then only names its draft.
        if (exported is JsonObject body)
        {
            foreach (var (name, value) in body.ToList())
            {
                body.Remove(name);
                schema[name] = value;
            }
        }
        return schema;
    }

    // Times go through the contract's own converter, which the exporter cannot see into (it would answer "anything").
    private static JsonNode Describe(JsonSchemaExporterContext context, JsonNode schema)
    {
        var type = context.TypeInfo.Type;
        if ((Nullable.GetUnderlyingType(type) ?? type) != typeof(DateTimeOffset))
        {
            return schema;
        }
        var nullable = Nullable.GetUnderlyingType(type) is not null;
        return new JsonObject
        {
            ["type"] = nullable ? new JsonArray("string", "null") : JsonValue.Create("string"),
            ["format"] = "date-time",
        };
    }
}
