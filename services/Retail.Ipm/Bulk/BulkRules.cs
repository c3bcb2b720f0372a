using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using CsvHelper.Configuration;

namespace Retail.Ipm.Bulk;

/// <summary>A non-blank line of an import file, numbered from 1 like an editor does.</summary>
public sealed record SourceLine(long Line, string Text);

/// <summary>The lines of one slice and where the next one starts; <see cref="Done"/> when the file has no more lines.</summary>
public sealed record FileSlice(IReadOnlyList<SourceLine> Lines, long NextOffset, long NextLine, bool Done);

/// <summary>A line read as fields (NDJSON values, or CSV texts by header), or why it cannot be.</summary>
public sealed record SourceRecord(IReadOnlyDictionary<string, JsonElement>? Json, IReadOnlyDictionary<string, string>? Csv, string? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// The pure rules of bulk jobs: files split into slices of lines, lines parsed (NDJSON objects; CSV rows of a header, one
/// record a line: a quoted field cannot span lines), mapped to the target's fields and typed, natural keys, the sample of keys.
/// </summary>
public static class BulkRules
{
    public const int DefaultSliceSize = 1000;
    public const int MaxSliceSize = 1000;
    public const int SampleSize = 50;
    public const int MaxRawChars = 4000;
    public const int DefaultPartSize = 5000;
    public const int MaxPartSize = 50_000;

    public static string AppOf(string entity) => entity.Split('.', 2)[0];

    private static readonly CsvConfiguration CsvConfig = new(CultureInfo.InvariantCulture) { HasHeaderRecord = false, BadDataFound = null };

    /// <summary>Where the content starts: after a UTF-8 byte order mark, if there is one.</summary>
    public static long StartOffset(ReadOnlySpan<byte> file) => file.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;

    /// <summary>Up to <paramref name="size"/> non-blank lines from <paramref name="offset"/> (line <paramref name="line"/>).</summary>
    public static FileSlice Slice(ReadOnlySpan<byte> file, long offset, long line, int size)
    {
        var lines = new List<SourceLine>(Math.Min(size, 1024));
        while (offset < file.Length && lines.Count < size)
        {
            var rest = file[(int)offset..];
            var end = rest.IndexOf((byte)'\n');
            var raw = end < 0 ? rest : rest[..end];
            if (raw.EndsWith((ReadOnlySpan<byte>)[(byte)'\r']))
            {
                raw = raw[..^1];
            }
            var text = Encoding.UTF8.GetString(raw);
            if (!string.IsNullOrWhiteSpace(text))
            {
                lines.Add(new SourceLine(line, text));
            }
            offset += end < 0 ? rest.Length : end + 1;
            line++;
        }
        return new FileSlice(lines, offset, line, offset >= file.Length);
    }

    /// <summary>The non-blank lines of the whole file (the header of a CSV excluded), counted without keeping them.</summary>
    public static long CountRecords(ReadOnlySpan<byte> file, long offset)
    {
        long count = 0;
        var rest = file[(int)offset..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var raw = end < 0 ? rest : rest[..end];
            if (raw.IndexOfAnyExcept((ReadOnlySpan<byte>)[(byte)' ', (byte)'\t', (byte)'\r']) >= 0)
            {
                count++;
            }
            rest = end < 0 ? [] : rest[(end + 1)..];
        }
        return count;
    }

    /// <summary>The CSV fields of one line; null when it is not a single complete row.</summary>
    public static IReadOnlyList<string>? CsvFields(string line)
    {
        using var reader = new StringReader(line);
        using var parser = new CsvParser(reader, CsvConfig);
        if (!parser.Read())
        {
            return null;
        }
        var fields = parser.Record ?? [];
        return parser.Read() ? null : fields;
    }

    public static SourceRecord Parse(BulkFormat format, string text, IReadOnlyList<string>? header)
    {
        if (format == BulkFormat.Csv)
        {
            var fields = CsvFields(text);
            if (fields is null || header is null || fields.Count != header.Count)
            {
                return new SourceRecord(null, null, $"the line has {fields?.Count.ToString(CultureInfo.InvariantCulture) ?? "no"} fields, the header {header?.Count ?? 0}");
            }
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                row[header[i]] = fields[i];
            }
            return new SourceRecord(null, row, null);
        }
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new SourceRecord(null, null, "the line is not a JSON object");
            }
            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.Clone();
            }
            return new SourceRecord(values, null, null);
        }
        catch (JsonException ex)
        {
            return new SourceRecord(null, null, "the line is not valid JSON: " + ex.Message.Split('.')[0]);
        }
    }

    /// <summary>
    /// The mapping a job uses: the one given, or every field of the entity taken from the source field of the same name
    /// (for a CSV, those of its header).
    /// </summary>
    public static IReadOnlyList<BulkMappingRule> MappingOf(IReadOnlyList<BulkMappingRule>? given, TargetEntity entity, IReadOnlyList<string>? header) =>
        given is { Count: > 0 }
            ? given
            : [.. entity.Fields.Where(f => header is null || header.Contains(f.Name)).Select(f => new BulkMappingRule(f.Name, f.Name, null))];

    /// <summary>What is wrong with a mapping for this entity and file: (code, field, reason) of the first fault, or null.</summary>
    public static (string Code, string Field, string Reason)? CheckMapping(IReadOnlyList<BulkMappingRule> mapping, TargetEntity entity, IReadOnlyList<string>? header)
    {
        var fields = entity.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var rule in mapping)
        {
            if (!fields.ContainsKey(rule.Target))
            {
                return ("unknown_target_field", rule.Target, $"{entity.Entity} has no field '{rule.Target}'; its fields: {string.Join(", ", fields.Keys)}.");
            }
            if (rule.Source is { } source && header is not null && !header.Contains(source))
            {
                return ("unknown_source_field", rule.Target, $"the file's header has no column '{source}'.");
            }
        }
        var mapped = mapping.Select(r => r.Target).ToHashSet(StringComparer.Ordinal);
        var missing = entity.Fields.Where(f => f.Required && !mapped.Contains(f.Name)).Select(f => f.Name).ToList();
        return missing.Count > 0 ? ("mapping_incomplete", missing[0], $"required fields of {entity.Entity} are not mapped: {string.Join(", ", missing)}.") : null;
    }

    /// <summary>The target record of a source record: each mapped field typed as the target declares it; absent or empty values left out.</summary>
    public static JsonObject Map(SourceRecord source, IReadOnlyList<BulkMappingRule> mapping, IReadOnlyDictionary<string, string> types)
    {
        var record = new JsonObject();
        foreach (var rule in mapping)
        {
            JsonNode? value = null;
            var present = false;
            if (rule.Constant is { } constant)
            {
                (value, present) = (JsonNode.Parse(constant.GetRawText()), true);
            }
            else if (rule.Source is { } name && source.Json is { } json && json.TryGetValue(name, out var element))
            {
                (value, present) = (JsonNode.Parse(element.GetRawText()), element.ValueKind != JsonValueKind.Null);
            }
            else if (rule.Source is { } column && source.Csv is { } row && row.TryGetValue(column, out var text) && text.Length > 0)
            {
                (value, present) = (Typed(types.GetValueOrDefault(rule.Target, "string"), text), true);
            }
            if (present)
            {
                record[rule.Target] = value;
            }
        }
        return record;
    }

    /// <summary>
    /// A CSV text as the target field's type: numbers, booleans, lists (<c>|</c>-separated), JSON objects; a text that is
    /// not of the type stays text, so the target rejects it with its own reason.
    /// </summary>
    public static JsonNode? Typed(string type, string text)
    {
        var t = text.Trim();
        switch (type.ToLowerInvariant())
        {
            case "integer" or "int" or "long":
                return long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l) : JsonValue.Create(text);
            case "decimal" or "number" or "money":
                return decimal.TryParse(t, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d) : JsonValue.Create(text);
            case "boolean" or "bool":
                return t.ToLowerInvariant() switch
                {
                    "true" or "1" or "yes" => JsonValue.Create(true),
                    "false" or "0" or "no" => JsonValue.Create(false),
                    _ => JsonValue.Create(text),
                };
            case "array" or "list" or "string[]" or "array<string>":
                return new JsonArray([.. t.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => (JsonNode?)JsonValue.Create(v))]);
            case "object" or "json":
                try
                {
                    return JsonNode.Parse(t);
                }
                catch (JsonException)
                {
                    return JsonValue.Create(text);
                }
            default:
                return JsonValue.Create(text);
        }
    }

    /// <summary>The natural key of a mapped record (its key fields joined with ":"), or null when one is missing.</summary>
    public static string? NaturalKeyOf(JsonObject record, IReadOnlyList<string> naturalKey)
    {
        var parts = new List<string>(naturalKey.Count);
        foreach (var field in naturalKey)
        {
            if (record[field] is not JsonValue value)
            {
                return null;
            }
            parts.Add(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString());
        }
        return parts.Count == 0 ? null : string.Join(':', parts);
    }

    /// <summary>
    /// A uniform sample (reservoir) of at most <see cref="SampleSize"/> keys over every accepted record: <paramref name="seen"/>
    /// records were accepted before these <paramref name="keys"/>.
    /// </summary>
    public static IReadOnlyList<string> Sample(IReadOnlyList<string> current, long seen, IEnumerable<string> keys, Random random)
    {
        var sample = current.ToList();
        foreach (var key in keys)
        {
            seen++;
            if (sample.Count < SampleSize)
            {
                sample.Add(key);
            }
            else if (random.NextInt64(seen) is var slot && slot < SampleSize)
            {
                sample[(int)slot] = key;
            }
        }
        return sample;
    }

    public static string Raw(string text) => text.Length <= MaxRawChars ? text : text[..MaxRawChars];
}
