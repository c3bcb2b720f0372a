using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retail.Shared.Json;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>
/// Translates a <see cref="StateQuery"/> to SQL over json_extract (and the record columns computed from it). Paging is keyset paging: the token carries
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

        using var connection = database.RentReader();
        var parameters = new QueryParameters();
        var sql = new StringBuilder("SELECT key, value, etag");
        for (var i = 0; i < query.Sort.Count; i++)
        {
            sql.Append(", ").Append(Field(query.Sort[i].Path));
        }
        // No index, and the entries share a key prefix: read the key range, in key order when the list is by key.
        var keyPrefix = query.Index is null ? query.KeyPrefix : null;
        var byKey = keyPrefix is not null && query.Sort is [{ Path: "key" }];
        AppendFromWhere(sql, query.Filters, query.Index, keyPrefix, now, parameters);

        var items = new List<StateEntry>(Math.Min(query.Limit, 1000));
        object?[]? lastSortValues = null;
        var more = false;
        // The first page is one query. A later one is read arm by arm (KeysetArms): each arm fixes the leading sort fields
        // to the token's values and takes the next field greater, so each seeks its index to the token's place and reads
        // on in index order; the arms follow one another in the list's order. One query with the arms joined by OR would
        // make SQLite start at the first matching row and skip every row before the token: a deep page then cost as
        // much as reading all before it.
        var arms = after is null ? [(Condition: (string?)null, Fixed: 0)]
            : byKey ? [(Condition: query.Sort[0].Descending ? "key < $ak" : "key > $ak", Fixed: 0)]
            : KeysetArms(query.Sort, after, parameters);
        if (byKey && after is not null)
        {
            parameters.AddWithValue("$ak", after.Key);
        }
        foreach (var (condition, fixedFields) in arms)
        {
            var armSql = new StringBuilder(sql.ToString());
            if (condition is not null)
            {
                armSql.Append(" AND (").Append(condition).Append(')');
            }
            armSql.Append(" ORDER BY ");
            if (byKey)
            {
                // Within the prefix the key orders entries as their record key: the range is read in order, nothing sorted.
                armSql.Append(query.Sort[0].Descending ? "key DESC" : "key");
            }
            else
            {
                // Fields an arm fixes by equality leave the ORDER BY: SQLite only sees that the index gives the order when
                // the order starts with the fields after the fixed ones.
                for (var i = fixedFields; i < query.Sort.Count; i++)
                {
                    armSql.Append(Field(query.Sort[i].Path)).Append(query.Sort[i].Descending ? " DESC, " : ", ");
                }
                armSql.Append("key");
            }
            // LIMIT as a literal, never a bound value: SQLite re-prepares a statement on every execution whose LIMIT is a bound
            // parameter (it plans with the value), which cost more than the query itself. Limits are few, so shapes stay few.
            armSql.Append(" LIMIT ").Append((query.Limit + 1).ToString(CultureInfo.InvariantCulture));
            // Same shape, same SQL: the connection's prepared statement is reused and only the values are bound anew.
            var command = connection.Command(armSql.ToString());
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new SqliteParameter(parameter.ParameterName, parameter.Value));
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
            if (more)
            {
                break;
            }
        }
        var token = more ? PageToken.Encode(signature, items[^1].Key, lastSortValues!) : null;
        return new StateQueryPage(items, token);
    }

    /// <summary>
    /// How many live entries match <paramref name="filters"/>, counted by SQLite over the index the filters name (a count
    /// reads index entries and the rows' filter fields, never hands a value to the caller).
    /// </summary>
    public static async Task<long> CountAsync(EmbeddedDatabase database, IReadOnlyList<StateFilter> filters, string? index, string? keyPrefix,
        long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        using var connection = database.RentReader();
        var parameters = new QueryParameters();
        var sql = new StringBuilder("SELECT count(*)");
        AppendFromWhere(sql, filters, index, keyPrefix, now, parameters);
        var command = connection.Command(sql.ToString());
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new SqliteParameter(parameter.ParameterName, parameter.Value));
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// FROM state, the index to read through (or the key range of <paramref name="keyPrefix"/>, through the primary key),
    /// and WHERE: live entries and the filters (shared by pages and counts).
    /// </summary>
    private static void AppendFromWhere(StringBuilder sql, IReadOnlyList<StateFilter> filters, string? index, string? keyPrefix, long now,
        QueryParameters parameters)
    {
        var range = index is null && keyPrefix is { Length: > 0 } ? keyPrefix : null;
        sql.Append(" FROM state");
        if (index is not null)
        {
            // SQLite's guesses without statistics (or with averages over skewed values) can prefer a wider index that
            // also gives the order; the record layer knows which index a list was declared for.
            sql.Append(" INDEXED BY ").Append(IndexName(index));
        }
        else if (range is not null)
        {
            // The keys from the prefix up to (not including) the prefix with its last character one higher. Another
            // index that starts with the org (a type's own, partial on its entity) could look as good to the planner.
            sql.Append(" INDEXED BY sqlite_autoindex_state_1");
        }
        // coalesce keeps "now" out of anything an index could match, so the prepared statement is not planned again per value.
        sql.Append(" WHERE coalesce(expires_at, 9223372036854775807) > $now");
        parameters.AddWithValue("$now", now);
        if (range is not null)
        {
            sql.Append(" AND key >= $kp AND key < $kpEnd");
            parameters.AddWithValue("$kp", range);
            parameters.AddWithValue("$kpEnd", string.Concat(range.AsSpan(0, range.Length - 1), ((char)(range[^1] + 1)).ToString()));
        }

        for (var f = 0; f < filters.Count; f++)
        {
            var filter = filters[f];
            if (filter.Values.Count == 0)
            {
                throw new ArgumentException($"filter on '{filter.Path}' has no values", nameof(filters));
            }
            var field = Field(filter.Path);
            var values = filter.Values.Select(ToSqlValue).ToList();
            // The entity is written as a literal: an index over one entity's values (WHERE entity = '…') is usable only
            // when the query says the same literally. Entity names come from code and are checked to be plain.
            if (filter.Path == "entity" && filter.IsEquality && values[0] is string entity && IsPlainEntity(entity))
            {
                sql.Append(" AND ").Append(field).Append(" = '").Append(entity).Append('\'');
                continue;
            }
            if (filter.IsRange)
            {
                var bound = values[0] ?? throw new ArgumentException($"range filter on '{filter.Path}' needs a value", nameof(filters));
                parameters.AddWithValue($"$f{f}v0", bound);
                var op = filter.Op switch
                {
                    FilterOp.Less => "<",
                    FilterOp.LessOrEqual => "<=",
                    FilterOp.Greater => ">",
                    _ => ">=",
                };
                sql.Append(CultureInfo.InvariantCulture, $" AND {field} {op} $f{f}v0");
                continue;
            }
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
    }

    /// <summary>
    /// "Rows after the last one" for ORDER BY s0, s1, …, key (SQLite's order: NULLs first ascending, last descending), as
    /// arms in the list's order: the rows with every field equal to the token's and a greater key, then those with all but
    /// the last field equal and the last one after the token's, …, then those whose first field is after it. Each arm
    /// says how many leading fields it fixes.
    /// </summary>
    private static List<(string? Condition, int Fixed)> KeysetArms(IReadOnlyList<StateSort> sort, PageToken after, QueryParameters parameters)
    {
        var arms = new List<(string?, int)>();
        var equalSoFar = new List<string>();
        for (var i = 0; i < sort.Count; i++)
        {
            var field = Field(sort[i].Path);
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
                arms.Add((string.Join(" AND ", equalSoFar.Append(greater)), i));
            }
            equalSoFar.Add(value is null ? $"{field} IS NULL" : $"{field} = {name}");
        }
        parameters.AddWithValue("$ak", after.Key);
        arms.Add((string.Join(" AND ", equalSoFar.Append("key > $ak")), sort.Count));
        arms.Reverse();
        return arms;
    }

    /// <summary>
    /// The SQL expression of a JSON path, written with the path as a literal: SQLite uses an expression index only
    /// when the query's expression is the index's own, so queries and <see cref="CreateIndexSql"/> share this.
    /// Paths come from code (record types and handlers), and are checked to be plain names all the same.
    /// </summary>
    internal static string Field(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var segments = path.Split('.');
        if (segments.Any(s => s.Length == 0 || !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            throw new ArgumentException($"invalid field path '{path}'", nameof(path));
        }
        // The record fields every list names are columns of their own (computed from the value; see EmbeddedDatabase).
        if (segments.Length == 1 && EmbeddedDatabase.RecordColumns.TryGetValue(path, out var column))
        {
            return column;
        }
        return "json_extract(value, '$" + string.Concat(segments.Select(s => $".\"{s}\"")) + "')";
    }

    private static string IndexName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? "ix_" + name
            : throw new ArgumentException($"invalid index '{name}'", nameof(name));

    /// <summary>
    /// An expression index over the paths, ending with the key so that keyset paging reads it in order; over one entity's
    /// values only when the index names one.
    /// </summary>
    internal static string CreateIndexSql(StateIndex index)
    {
        if (index.Name.Length is 0 or > 100 || !index.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || index.Paths.Count == 0)
        {
            throw new ArgumentException($"invalid index '{index.Name}'", nameof(index));
        }
        // Lists are ordered by the stored record key (then the state key); ending every index with both lets a page be
        // read in order straight from the index instead of sorting every match first.
        var columns = index.Paths[^1] == "key" ? index.Paths : [.. index.Paths, "key"];
        var sql = $"CREATE INDEX IF NOT EXISTS {IndexName(index.Name)} ON state ({string.Join(", ", columns.Select(Field))}, key)";
        var where = new List<string>();
        if (index.Entity is not null)
        {
            where.Add($"{Field("entity")} = {EntityLiteral(index.Entity)}");
        }
        if (index.PresentOnly is not null)
        {
            // SQLite reads a partial index for a query whose own terms imply this one: any comparison of the path does.
            where.Add($"{Field(index.PresentOnly)} IS NOT NULL");
        }
        return where.Count == 0 ? sql : $"{sql} WHERE {string.Join(" AND ", where)}";
    }

    private static string EntityLiteral(string entity) =>
        IsPlainEntity(entity) ? $"'{entity}'" : throw new ArgumentException($"invalid entity name '{entity}'", nameof(entity));

    private static bool IsPlainEntity(string entity) =>
        entity.Length is > 0 and <= 100 && entity.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '#' or '-');

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

/// <summary>The values a query binds, collected while its SQL is built (the prepared command is picked by the finished SQL).</summary>
internal sealed class QueryParameters : List<SqliteParameter>
{
    public void AddWithValue(string name, object? value) => Add(new SqliteParameter(name, value ?? DBNull.Value));
}
