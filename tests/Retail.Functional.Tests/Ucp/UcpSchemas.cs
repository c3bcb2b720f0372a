using System.Text.Json;
using Json.Schema;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// The UCP spec's JSON schemas (../shared/spec/ucp-2026-04-08/schemas), every file registered by its <c>$id</c> in one
/// registry so their relative <c>$ref</c>s resolve; <see cref="AssertValid"/> checks an answer against a schema or one of its $defs.
/// </summary>
internal static class UcpSchemas
{
    private static readonly Lazy<BuildOptions> Options = new(Load);

    private static BuildOptions Load()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var files = Directory.GetFiles(Path.Combine(SpecRoot(), "schemas"), "*.json", SearchOption.AllDirectories).ToList();
        // A schema may need the ones it refers to first: build in passes until none is left (or none more builds).
        while (files.Count > 0)
        {
            var left = new List<string>();
            Exception? last = null;
            foreach (var file in files)
            {
                try
                {
                    var schema = JsonSchema.FromFile(file, options);
                    Register(options.SchemaRegistry, schema);
                }
                catch (Exception ex) when (ex is not IOException)
                {
                    left.Add(file);
                    last = ex;
                }
            }
            if (left.Count == files.Count)
            {
                throw new InvalidOperationException($"UCP schemas do not build: {string.Join(", ", left)}", last);
            }
            files = left;
        }
        return options;
    }

    /// <summary>Building may have registered the schema by its $id already; registering it again is no error here.</summary>
    private static void Register(SchemaRegistry registry, JsonSchema schema)
    {
        try
        {
            registry.Register(schema);
        }
        catch (Exception)
        {
            // already known under its $id
        }
    }

    private static string SpecRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "spec", "ucp-2026-04-08");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("../shared/spec/ucp-2026-04-08 not found above the test directory");
    }

    /// <summary>The answer fits <paramref name="id"/> (a schema's $id, with an optional <c>#/$defs/…</c> fragment).</summary>
    public static void AssertValid(JsonElement payload, string id)
    {
        var options = Options.Value;
        var schema = JsonSchema.FromText($$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"{{id}}"}""", options,
            new Uri($"https://retail.test/ucp/{Guid.NewGuid():N}"));
        var result = schema.Evaluate(payload, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{id}: the answer does not fit: {payload.GetRawText()} {JsonSerializer.Serialize(result)}");
    }

    public const string Search = "https://ucp.dev/schemas/shopping/catalog_search.json#/$defs/search_response";
    public const string Lookup = "https://ucp.dev/schemas/shopping/catalog_lookup.json#/$defs/lookup_response";
    public const string Product = "https://ucp.dev/schemas/shopping/catalog_lookup.json#/$defs/get_product_response";
    public const string Order = "https://ucp.dev/schemas/shopping/order.json";
    public const string Error = "https://ucp.dev/schemas/shopping/types/error_response.json";
}
