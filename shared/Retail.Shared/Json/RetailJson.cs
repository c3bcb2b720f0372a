using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Retail.Shared.Json;

/// <summary>The JSON conventions of the contract: snake_case names and enums, unknown fields refused.</summary>
public static class RetailJson
{
    /// <summary>For request and response bodies: an unknown field is an error, so a typo never passes silently.</summary>
    public static JsonSerializerOptions Api { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web), strict: true);

    /// <summary>For stored records and events: tolerant of fields added or removed by later versions.</summary>
    public static JsonSerializerOptions Storage { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web), strict: false);

    public static JsonSerializerOptions Configure(JsonSerializerOptions options, bool strict)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = 32;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.AllowTrailingCommas = false;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.RespectNullableAnnotations = false;
        // Requests about a master record name its key fields by the record's own names (facility_code, team_guid).
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(MasterData.MasterFieldNames.Apply);
        if (strict)
        {
            options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // "Last one wins" would let two readers of one body disagree on its meaning.
            options.AllowDuplicateProperties = false;
        }
        if (!options.Converters.OfType<UtcTimestampConverter>().Any())
        {
            options.Converters.Add(new UtcTimestampConverter());
        }
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        }
        return options;
    }

    public static byte[] ToBytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Storage);

    public static T FromBytes<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, Storage) ?? throw new JsonException($"stored value of {typeof(T).Name} is null");
}
