using Retail.Shared.Hosting;

namespace Retail.Shared.Embedded;

/// <summary>
/// The <c>state</c> part of a service's storage in the single-process host: the rows of its SQLite state file that belong to
/// the org — its records, their unique values, history and value-index entries (keys <c>rec|</c>, <c>uniq|</c>, <c>hist|</c>,
/// <c>ixv|</c>, whose third segment is the org) — as bytes of key plus value (UTF-8), and how many records. Entries kept by
/// hashed or principal keys (idempotency replays, caches; short-lived) are no org's storage and are left out. One read
/// over the file (the org is not the leading part of any key), so it is for a daily measurement or an operator's check,
/// not for a request path.
/// </summary>
public sealed class SqliteStorageMeter(SqliteStateStore store) : IStorageMeter
{
    public const string StatePart = "state";

    private const string Sql = """
        SELECT coalesce(sum(length(CAST(key AS BLOB)) + length(CAST(value AS BLOB))), 0),
               coalesce(sum(CASE WHEN substr(key, 1, 4) = 'rec|' THEN 1 ELSE 0 END), 0)
        FROM (SELECT key, value, substr(key, instr(key, '|') + 1) AS rest FROM state
              WHERE substr(key, 1, instr(key, '|')) IN ('rec|', 'uniq|', 'hist|', 'ixv|')
                AND (expires_at IS NULL OR expires_at > $now))
        WHERE substr(substr(rest, instr(rest, '|') + 1), 1, length($org) + 1) = $org || '|'
        """;

    public string Part => StatePart;

    public async Task<StorageMeasure> MeasureAsync(string orgcode, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orgcode);
        using var connection = store.Database.RentReader();
        var command = connection.Command(Sql);
        command.Parameters.AddWithValue("$org", orgcode);
        command.Parameters.AddWithValue("$now", store.Time.GetUtcNow().ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false)
            ? new StorageMeasure(reader.GetInt64(0), reader.GetInt64(1))
            : new StorageMeasure(0, 0);
    }
}
