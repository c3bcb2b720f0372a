using System.Text;
using System.Text.Json;
using Retail.Shared.OrgData;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>
/// The <c>state</c> part of an org's data in the single-process host: every entry of the service's SQLite state table that
/// belongs to the org — its records, unique values, history and value-index entries (keys <c>rec|</c>, <c>uniq|</c>,
/// <c>hist|</c>, <c>ixv|</c>, org in the third segment) and the raw key families registered as <see cref="OrgKeyPrefix"/>
/// (org in the second segment: idempotency replays, sealed secrets). Export pages them in key order with their JSON;
/// purge deletes a bounded batch per call in one transaction through the store (so text-search triggers and the read
/// cache follow), and a repeated purge finds nothing left. The org is not the leading part of a record key, so each page
/// reads the table once: this is for offboarding, never for a request path.
/// </summary>
public sealed class SqliteStatePart(SqliteStateStore store, IEnumerable<OrgKeyPrefix> prefixes) : IOrgDataPart
{
    public const string Name = OrgDataEndpoints.StatePart;

    private readonly string[] _prefixes = [.. OrgStateKeys.PrefixesOf(prefixes).Order(StringComparer.Ordinal)];

    public string Part => Name;

    public async Task<OrgExportPage> ExportAsync(string orgcode, string? token, int limit, CancellationToken ct)
    {
        var rows = await ScanAsync(orgcode, token, limit, withValues: true, ct);
        var items = rows.Select(r => new OrgDataItem(Name, OrgStateKeys.KindOf(r.Key), r.Key, Parse(r.Value!))).ToList();
        return new OrgExportPage(items, rows.Count < limit ? null : rows[^1].Key);
    }

    public async Task<OrgPurgeStep> PurgeAsync(string orgcode, int limit, CancellationToken ct)
    {
        var rows = await ScanAsync(orgcode, null, limit, withValues: false, ct);
        if (rows.Count == 0)
        {
            return new OrgPurgeStep(0, true);
        }
        var transaction = new StateTransaction();
        foreach (var row in rows)
        {
            transaction.Delete(row.Key, null);
        }
        await store.TransactAsync(transaction, ct);
        return new OrgPurgeStep(rows.Count, rows.Count < limit);
    }

    public async Task<long> CountAsync(string orgcode, CancellationToken ct)
    {
        var (where, parameters) = Where(orgcode);
        using var connection = store.Database.RentReader();
        var command = connection.Command($"SELECT count(*) FROM state WHERE {where}");
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<(string Key, string? Value)>> ScanAsync(string orgcode, string? after, int limit, bool withValues, CancellationToken ct)
    {
        var (where, parameters) = Where(orgcode);
        using var connection = store.Database.RentReader();
        var command = connection.Command($"SELECT key{(withValues ? ", value" : "")} FROM state WHERE ({where}) AND key > $after ORDER BY key LIMIT $limit");
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.Parameters.AddWithValue("$after", after ?? "");
        command.Parameters.AddWithValue("$limit", limit);
        var rows = new List<(string, string?)>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), withValues ? reader.GetString(1) : null));
        }
        return rows;
    }

    // Record keys: the org is the third segment; registered raw families: the second, read as a key range (primary key).
    private (string Sql, List<(string, object)> Parameters) Where(string orgcode)
    {
        var sql = new StringBuilder("""
            (substr(key, 1, instr(key, '|')) IN ('rec|', 'uniq|', 'hist|', 'ixv|')
             AND substr(substr(substr(key, instr(key, '|') + 1), instr(substr(key, instr(key, '|') + 1), '|') + 1), 1, length($org) + 1) = $org || '|')
            """);
        var parameters = new List<(string, object)> { ("$org", orgcode) };
        for (var i = 0; i < _prefixes.Length; i++)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" OR key = $k{i} OR (key >= $p{i} AND key < $q{i})");
            parameters.Add(($"$k{i}", $"{_prefixes[i]}|{orgcode}"));
            parameters.Add(($"$p{i}", $"{_prefixes[i]}|{orgcode}|"));
            parameters.Add(($"$q{i}", $"{_prefixes[i]}|{orgcode}}}"));
        }
        return (sql.ToString(), parameters);
    }

    private static JsonElement Parse(string value)
    {
        try
        {
            return JsonDocument.Parse(value).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(value);
        }
    }
}

/// <summary>
/// The <c>events</c> part in the single-process host: what the service's outbox still keeps of the org's events (their
/// payloads are the org's data) and the deliveries and dead letters that point at them. Purged after the cooling-off
/// period of an offboarding, when nothing of the frozen org is in flight any more; export leaves them out (every
/// event's record is in the <c>state</c> part with its history).
/// </summary>
public sealed class SqliteEventsPart(SqliteStateStore store) : IOrgDataPart
{
    public string Part => "events";

    public Task<OrgExportPage> ExportAsync(string orgcode, string? token, int limit, CancellationToken ct) =>
        Task.FromResult(new OrgExportPage([], null));

    public async Task<OrgPurgeStep> PurgeAsync(string orgcode, int limit, CancellationToken ct)
    {
        var deleted = await store.Database.WriteAsync(batch =>
        {
            var seqs = new List<long>();
            var select = batch.Command("SELECT seq FROM outbox WHERE orgcode = $org LIMIT $limit");
            select.Parameters.AddWithValue("$org", orgcode);
            select.Parameters.AddWithValue("$limit", limit);
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    seqs.Add(reader.GetInt64(0));
                }
            }
            foreach (var seq in seqs)
            {
                foreach (var sql in (string[])["DELETE FROM deliveries WHERE seq = $seq", "DELETE FROM dead_letters WHERE seq = $seq", "DELETE FROM outbox WHERE seq = $seq"])
                {
                    var delete = batch.Command(sql);
                    delete.Parameters.AddWithValue("$seq", seq);
                    delete.ExecuteNonQuery();
                }
            }
            return seqs.Count;
        }, ct).ConfigureAwait(false);
        return new OrgPurgeStep(deleted, deleted < limit);
    }

    public async Task<long> CountAsync(string orgcode, CancellationToken ct)
    {
        using var connection = store.Database.RentReader();
        var command = connection.Command("SELECT count(*) FROM outbox WHERE orgcode = $org");
        command.Parameters.AddWithValue("$org", orgcode);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
