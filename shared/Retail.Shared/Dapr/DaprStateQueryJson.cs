using System.Text;
using System.Text.Json;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Shared.Dapr;

/// <summary>
/// Writes a <see cref="StateQuery"/> in the JSON of Dapr's state query API:
/// <c>{"filter": {"AND": [{"EQ": {path: value}}, {"IN": {path: [values]}}]}, "sort": [{"key": path, "order": "ASC"}],
/// "page": {"limit": n, "token": "…"}}</c>. A single filter stands alone; AND joins two or more. Each sort key is
/// preceded by its numeric twin (<see cref="DaprSortKeys"/>), since the PostgreSQL store compares values as text.
/// </summary>
internal static class DaprStateQueryJson
{
    public static string Write(StateQuery query)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (query.Filters.Count > 0)
            {
                writer.WritePropertyName("filter");
                if (query.Filters.Count == 1)
                {
                    WriteFilter(writer, query.Filters[0]);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteStartArray("AND");
                    foreach (var filter in query.Filters)
                    {
                        WriteFilter(writer, filter);
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
            }
            if (query.Sort.Count > 0)
            {
                writer.WriteStartArray("sort");
                foreach (var sort in query.Sort)
                {
                    WriteSort(writer, DaprSortKeys.PathOf(sort.Path), sort.Descending);
                    WriteSort(writer, sort.Path, sort.Descending);
                }
                writer.WriteEndArray();
            }
            writer.WriteStartObject("page");
            writer.WriteNumber("limit", query.Limit);
            if (!string.IsNullOrEmpty(query.Token))
            {
                writer.WriteString("token", query.Token);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteSort(Utf8JsonWriter writer, string path, bool descending)
    {
        writer.WriteStartObject();
        writer.WriteString("key", path);
        writer.WriteString("order", descending ? "DESC" : "ASC");
        writer.WriteEndObject();
    }

    private static void WriteFilter(Utf8JsonWriter writer, StateFilter filter)
    {
        writer.WriteStartObject();
        // Range filters never get here: state.postgresql compares them as text, so the adapter applies them itself.
        if (filter.IsRange)
        {
            throw new ArgumentException($"range filter on '{filter.Path}' is applied by the adapter, not sent", nameof(filter));
        }
        writer.WriteStartObject(filter.IsEquality ? "EQ" : "IN");
        writer.WritePropertyName(filter.Path);
        if (filter.IsEquality)
        {
            WriteValue(writer, filter.Values[0]);
        }
        else
        {
            writer.WriteStartArray();
            foreach (var value in filter.Values)
            {
                WriteValue(writer, value);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    // Values go through the storage conventions so an enum filter matches the snake_case string that was stored.
    private static void WriteValue(Utf8JsonWriter writer, object? value) =>
        JsonSerializer.Serialize(writer, value, value?.GetType() ?? typeof(object), RetailJson.Storage);
}
