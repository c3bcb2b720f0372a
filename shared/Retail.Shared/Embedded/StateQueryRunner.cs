using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>
/// Translates a <see cref="StateQuery"/> to SQL over json_extract. Paging is keyset paging: the token carries
/// the sort values and the key of the last row, so a page never repeats or skips a row even while other rows
/// are inserted or deleted (the key is the final tiebreaker, which makes the order total).
/// </summary>
internal static class StateQueryRunner
{
    public static async Task<StateQueryPage> RunAsync(EmbeddedDatabase database, StateQuery query, long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        var signature = Signature(query.Sort);
        var after = query.Token is null ? null : PageToken.Decode(query.Token, signature, query.Sort.Count);

        await using var connection = database.OpenReader();
        await using var command = connection.CreateCommand();
        var parameters = command.Parameters;
        var sql = new StringBuilder("SELECT key, value, etag");
        for (var i = 0; i < query.Sort.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $", json_extract(value, $s{i})");
            parameters.AddWithValue($"$s{i}", JsonPath(query.Sort[i].Path));
        }
        sql.Append(" FROM state WHERE (expires_at IS NULL OR expires_at > $now)");
        parameters.AddWithValue("$now", now);

        for (var f = 0; f < query.Filters.Count; f++)
        {
            var filter = query.Filters[f];
            if (filter.Values.Count == 0)
            {
                throw new ArgumentException($"filter on '{filter.Path}' has no values", nameof(query));
            }
            var field = $"json_extract(value, $f{f})";
            parameters.AddWithValue($"$f{f}", JsonPath(filter.Path));
            if (filter.Op == StateFilterOp.LessThan)
            {
                // A null bound would match nothing; SQL's NULL comparison already leaves missing fields out.
                parameters.AddWithValue($"$f{f}v0", ToSqlValue(filter.Values[0]) ?? throw new ArgumentException($"filter on '{filter.Path}' has a null bound", nameof(query)));
                sql.Append(CultureInfo.InvariantCulture, $" AND {field} < $f{f}v0");
                continue;
            }
            var values = filter.Values.Select(ToSqlValue).ToList();
            var nonNull = values.Where(v => v is not null).ToList();
            var terms = new List<string>();
            if (nonNull.Count > 0)
            {
                var names = new List<string>();
                for (var v = 0; v < nonNull.Count; v++)
                {
                    var name = $"$f{f}v{v}";
                    names.Add(name);
                    parameters.AddWithValue(name, nonNull[v]);
                }
                terms.Add(names.Count == 1 ? $"{field} = {names[0]}" : $"{field} IN ({string.Join(", ", names)})");
            }
            if (nonNull.Count < values.Count)
            {
                terms.Add($"{field} IS NULL");
            }
            sql.Append(" AND (").Append(string.Join(" OR ", terms)).Append(')');
        }

        if (after is not null)
        {
            sql.Append(" AND (").Append(KeysetCondition(query.Sort, after, parameters)).Append(')');
        }

        sql.Append(" ORDER BY ");
        for (var i = 0; i < query.Sort.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"json_extract(value, $s{i}){(query.Sort[i].Descending ? " DESC" : "")}, ");
        }
        sql.Append("key LIMIT $limit");
        parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();

        var items = new List<StateEntry>(Math.Min(query.Limit, 1000));
        object?[]? lastSortValues = null;
        var more = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (items.Count == query.Limit)
                {
                    more = true;
                    break;
                }
                items.Add(SqliteStateStore.ReadEntry(reader));
                lastSortValues = new object?[query.Sort.Count];
                for (var i = 0; i < query.Sort.Count; i++)
                {
                    lastSortValues[i] = reader.IsDBNull(3 + i) ? null : reader.GetValue(3 + i);
                }
            }
        }
        var token = more ? PageToken.Encode(signature, items[^1].Key, lastSortValues!) : null;
        return new StateQueryPage(items, token);
    }

    /// <summary>"Rows after the last one" for ORDER BY s0, s1, …, key, with SQLite's NULLs-first ascending order.</summary>
    private static string KeysetCondition(IReadOnlyList<StateSort> sort, PageToken after, SqliteParameterCollection parameters)
    {
        var alternatives = new List<string>();
        var equalSoFar = new List<string>();
        for (var i = 0; i < sort.Count; i++)
        {
            var field = $"json_extract(value, $s{i})";
            var value = after.Values[i];
            var name = $"$a{i}";
            if (value is not null)
            {
                parameters.AddWithValue(name, value);
            }
            var greater = (value, sort[i].Descending) switch
            {
                (null, false) => $"{field} IS NOT NULL",
                (null, true) => null,
                (_, false) => $"{field} > {name}",
                (_, true) => $"({field} < {name} OR {field} IS NULL)",
            };
            if (greater is not null)
            {
                alternatives.Add(string.Join(" AND ", equalSoFar.Append(greater)));
            }
            equalSoFar.Add(value is null ? $"{field} IS NULL" : $"{field} = {name}");
        }
        parameters.AddWithValue("$ak", after.Key);
        alternatives.Add(string.Join(" AND ", equalSoFar.Append("key > $ak")));
        return string.Join(" OR ", alternatives.Select(a => $"({a})"));
    }

    private static string JsonPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var segments = path.Split('.');
        if (segments.Any(s => s.Length == 0 || s.Contains('"', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"invalid field path '{path}'", nameof(path));
        }
        return "$" + string.Concat(segments.Select(s => $".\"{s}\""));
    }

    private static string Signature(IReadOnlyList<StateSort> sort) =>
        string.Join(",", sort.Select(s => (s.Descending ? "-" : "+") + s.Path));

    /// <summary>A filter value as json_extract would return it: text, integer, real, 1/0 for booleans, or null.</summary>
    private static object? ToSqlValue(object? value)
    {
        if (value is null)
        {
            return null;
        }
        var element = value as JsonElement? ?? JsonSerializer.SerializeToElement(value, value.GetType(), RetailJson.Storage);
        return element.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => element.GetString(),
            JsonValueKind.True => 1L,
            JsonValueKind.False => 0L,
            JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDouble(),
            _ => element.GetRawText(),
        };
    }

    private sealed record PageToken(string Key, object?[] Values)
    {
        public static string Encode(string signature, string key, object?[] values)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("s", signature);
                json.WriteString("k", key);
                json.WriteStartArray("v");
                foreach (var value in values)
                {
                    switch (value)
                    {
                        case null: json.WriteNullValue(); break;
                        case long l: json.WriteNumberValue(l); break;
                        case double d: json.WriteStartObject(); json.WriteNumber("r", d); json.WriteEndObject(); break;
                        case string s: json.WriteStringValue(s); break;
                        default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                    }
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            return Base64Url.EncodeToString(buffer.ToArray());
        }

        public static PageToken Decode(string token, string signature, int sortCount)
        {
            try
            {
                using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(token));
                var root = document.RootElement;
                if (root.GetProperty("s").GetString() != signature)
                {
                    throw new ArgumentException("the page token belongs to a query with a different sort", nameof(token));
                }
                var values = root.GetProperty("v").EnumerateArray().Select(v => v.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.Number => (object?)v.GetInt64(),
                    JsonValueKind.Object => v.GetProperty("r").GetDouble(),
                    _ => v.GetString(),
                }).ToArray();
                if (values.Length != sortCount)
                {
                    throw new ArgumentException("the page token does not match the query's sort", nameof(token));
                }
                return new PageToken(root.GetProperty("k").GetString()!, values);
            }
            catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new ArgumentException("the page token is not valid", nameof(token), ex);
            }
        }
    }
}
