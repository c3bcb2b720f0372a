using System.Globalization;
using Microsoft.Data.Sqlite;
using Retail.Shared.Hosting;
using Retail.Shared.State;

namespace Retail.Shared.Embedded;

/// <summary>
/// The embedded state store of one app id: a SQLite file at <c>{DataDir}/state/{appId}.db</c>. Values are
/// stored as JSON text (so queries can use json_extract), ETags are a per-file counter that is never reused,
/// and outbox messages are inserted in the same transaction as the writes.
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable
{
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _built = new(StringComparer.Ordinal);

    public SqliteStateStore(string appId, RetailOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        ArgumentNullException.ThrowIfNull(options);
        AppId = appId;
        _time = timeProvider ?? TimeProvider.System;
        var path = Path.Combine(options.FullDataDir, "state", appId + ".db");
        Database = new EmbeddedDatabase(appId, path, options.State);
        _cache = new StateReadCache(options.State.ReadCacheEntries, Math.Max(0L, options.State.ReadCacheMiB) * 1024 * 1024);
    }

    private readonly StateReadCache _cache;

    public string AppId { get; }

    internal EmbeddedDatabase Database { get; }

    internal TimeProvider Time => _time;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_cache.TryGet(key, out var cached))
        {
            return cached;
        }
        var stamp = _cache.Stamp(key);
        using var connection = Database.RentReader();
        var command = connection.Command("SELECT key, value, etag, expires_at FROM state WHERE key = $k");
        command.Parameters.AddWithValue("$k", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _cache.Offer(key, null, stamp);
            return null;
        }
        if (!IsLive(reader, NowMs))
        {
            return null;
        }
        var entry = ReadEntry(reader);
        Keep(reader, entry, stamp);
        return entry;
    }

    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new List<StateEntry>(keys.Count);
        if (keys.Count == 0)
        {
            return result;
        }
        // A read the cache answers whole (a hot path's usual case) allocates no more than its answer.
        var seen = keys.Count > 1 ? new HashSet<string>(keys.Count, StringComparer.Ordinal) : null;
        Dictionary<string, long>? stamps = null;
        foreach (var key in keys)
        {
            if (seen is not null && !seen.Add(key))
            {
                continue;
            }
            if (_cache.TryGet(key, out var cached))
            {
                if (cached is not null)
                {
                    result.Add(cached);
                }
            }
            else
            {
                (stamps ??= new Dictionary<string, long>(StringComparer.Ordinal))[key] = _cache.Stamp(key);
            }
        }
        if (stamps is null)
        {
            return result;
        }
        using var connection = Database.RentReader();
        var now = NowMs;
        // Chunks keep the statement under SQLite's parameter limit; each chunk is padded (repeating its last key) to a
        // power of two, so a connection prepares at most ten shapes of this statement.
        foreach (var chunk in stamps.Keys.Chunk(BulkChunk))
        {
            var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)chunk.Length);
            var command = connection.Command(BulkSql(size));
            for (var i = 0; i < size; i++)
            {
                command.Parameters.AddWithValue(BulkNames[i], chunk[Math.Min(i, chunk.Length - 1)]);
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var found = reader.GetString(0);
                if (IsLive(reader, now))
                {
                    var entry = ReadEntry(reader);
                    Keep(reader, entry, stamps[entry.Key]);
                    result.Add(entry);
                }
                stamps[found] = Absent;
            }
        }
        foreach (var (key, stamp) in stamps)
        {
            if (stamp != Absent)
            {
                _cache.Offer(key, null, stamp);
            }
        }
        return result;
    }

    // Marks a key the bulk read found a row for (stamps are generations, never negative).
    private const long Absent = -1;

    // Entries with a TTL are left to SQLite, which knows when they lapse.
    private void Keep(SqliteDataReader reader, StateEntry entry, long stamp)
    {
        if (_cache.Enabled && reader.IsDBNull(3))
        {
            _cache.Offer(entry.Key, entry, stamp);
        }
    }

    private const int BulkChunk = 512;

    private static readonly string[] BulkNames = Enumerable.Range(0, BulkChunk).Select(i => "$k" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> BulkStatements = new();

    private static string BulkSql(int size) => BulkStatements.GetOrAdd(size, n =>
        $"SELECT key, value, etag, expires_at FROM state WHERE key IN ({string.Join(',', BulkNames.Take(n))})");

    // Expiry is checked here, not in SQL: a bound "now" next to the partial expiry index makes SQLite plan the statement
    // again on every execution (the value decides whether that index could serve), which undoes preparing it once.
    private static bool IsLive(SqliteDataReader reader, long now) => reader.IsDBNull(3) || reader.GetInt64(3) > now;

    public async Task<StateCommit> TransactAsync(StateTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var now = NowMs;
        StateCommit commit;
        try
        {
            commit = await Database.WriteAsync(batch => Apply(batch, transaction, now), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // After the commit, before the writer hears of it (also when the outcome is unknown): see StateReadCache.
            if (_cache.Enabled)
            {
                _cache.Invalidate(transaction.Operations.Select(o => o.Key));
            }
        }
        if (commit.Committed && transaction.Messages.Count > 0)
        {
            Database.Signal();
        }
        return commit;
    }

    // A query reads through the index it names only once this store has built it; otherwise SQLite plans on its own.
    public Task<StateQueryPage> QueryAsync(StateQuery query, CancellationToken cancellationToken = default) =>
        StateQueryRunner.RunAsync(Database, query.Index is { } index && !_built.ContainsKey(index) ? query with { Index = null } : query,
            NowMs, cancellationToken);

    public Task<long> CountAsync(IReadOnlyList<StateFilter> filters, string? index = null, string? keyPrefix = null,
        CancellationToken cancellationToken = default) =>
        StateQueryRunner.CountAsync(Database, filters, index is not null && _built.ContainsKey(index) ? index : null, keyPrefix, NowMs, cancellationToken);

    /// <summary>
    /// Builds the declared indexes that are missing and drops the record indexes (<c>ix_…</c>) no longer declared, so an
    /// index a type gave up stops costing every write.
    /// </summary>
    public async Task EnsureIndexesAsync(IReadOnlyList<StateIndex> indexes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        // A key-ordered index is a key range here (StateQuery.KeyPrefix): not built, and dropped from a file that has it.
        var declared = indexes.Where(i => !i.KeyOrdered).DistinctBy(i => i.Name)
            .ToDictionary(i => "ix_" + i.Name, StateQueryRunner.CreateIndexSql, StringComparer.Ordinal);
        await Database.WriteAsync(batch =>
        {
            var existing = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var reader = batch.Command("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'state' AND substr(name, 1, 3) = 'ix_'").ExecuteReader())
            {
                while (reader.Read())
                {
                    existing[reader.GetString(0)] = reader.GetString(1);
                }
            }
            // SQLite keeps the statement without IF NOT EXISTS: an index whose definition changed is built again.
            foreach (var (name, _) in existing.Where(e => !declared.TryGetValue(e.Key, out var wanted)
                || !string.Equals(wanted.Replace("IF NOT EXISTS ", "", StringComparison.Ordinal), e.Value, StringComparison.Ordinal)))
            {
                batch.Command($"DROP INDEX IF EXISTS \"{name.Replace("\"", "", StringComparison.Ordinal)}\"").ExecuteNonQuery();
            }
            foreach (var sql in declared.Values)
            {
                batch.Command(sql).ExecuteNonQuery();
            }
            // Without statistics the planner takes any index that starts with the entity over a narrower one that
            // follows a range; a sampled ANALYZE (quick even on a large file) gives it the numbers to choose well.
            batch.Command("PRAGMA analysis_limit = 1000").ExecuteNonQuery();
            batch.Command("ANALYZE state").ExecuteNonQuery();
            return true;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var index in indexes.Where(i => !i.KeyOrdered))
        {
            _built[index.Name] = true;
        }
    }

    /// <summary>Deletes entries whose TTL has passed (reads already hide them); returns how many.</summary>
    public Task<int> SweepExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = NowMs;
        return Database.WriteAsync(batch =>
        {
            var delete = batch.Command("DELETE FROM state WHERE key IN (SELECT key FROM state WHERE expires_at <= $now LIMIT 5000)");
            delete.Parameters.AddWithValue("$now", now);
            return delete.ExecuteNonQuery();
        }, cancellationToken);
    }

    internal async Task AppendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var now = NowMs;
        await Database.WriteAsync(batch =>
        {
            foreach (var message in messages)
            {
                InsertOutbox(batch, message, now);
            }
            return true;
        }, cancellationToken).ConfigureAwait(false);
        Database.Signal();
    }

    // Each write carries its ETag condition in its statement: a create inserts unless a row holds the key (then a second
    // statement replaces the holder if it expired), a change updates only the live row with the expected ETag; no row
    // changed means a conflict. This spares every write the read of the current ETag that used to come first (a second
    // B-tree descent a row). Expiry is compared through coalesce so that no index on expires_at is a candidate plan (see
    // IsLive on bound "now"s).
    /// <summary>
    /// A new key: a plain insert that does nothing when the key is held. Most writes without an ETag create a key nobody
    /// holds, and this statement costs SQLite about 2 µs a row less than <see cref="ReplaceExpiredSql"/>'s upsert (15.6 →
    /// 13.5 µs a row into Accounting's file with its 25 indexes, e_sqlite3 3.53, 2026-12-07), which only runs when it
    /// did nothing. Only the primary key can make it ignore a row (the table's other columns are never null, and it has
    /// no other unique index).
    /// </summary>
    private const string InsertSql = """
        INSERT OR IGNORE INTO state (key, value, etag, expires_at) VALUES ($k, CAST($v AS TEXT), $e, $x)
        """;

    /// <summary>A key that is held: it is taken only if its holder expired (and was not swept yet), which counts as absent.</summary>
    private const string ReplaceExpiredSql = """
        INSERT INTO state (key, value, etag, expires_at) VALUES ($k, CAST($v AS TEXT), $e, $x)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at
        WHERE state.expires_at IS NOT NULL AND state.expires_at <= $now
        """;

    private const string UpdateSql = """
        UPDATE state SET value = CAST($v AS TEXT), etag = $e, expires_at = $x
        WHERE key = $k AND etag = $old AND coalesce(expires_at, 9223372036854775807) > $now
        """;

    private static StateCommit Apply(WriteBatch batch, StateTransaction transaction, long now)
    {
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var operation in transaction.Operations)
        {
            switch (operation)
            {
                case StateUpsert upsert:
                    var etag = batch.NextETag();
                    var written = upsert.ETag is null
                        ? Write(batch, InsertSql, upsert, etag, now) == 1 || Write(batch, ReplaceExpiredSql, upsert, etag, now) == 1
                        : Write(batch, UpdateSql, upsert, etag, now) == 1;
                    if (!written)
                    {
                        batch.Abort();
                        return StateCommit.Conflict(upsert.Key);
                    }
                    etags[upsert.Key] = etag;
                    break;
                case StateDelete delete:
                    if (delete.ETag is not null)
                    {
                        // The live row's ETag (an expired row counts as absent); expiry compared here for the reason IsLive gives.
                        var current = batch.Command("SELECT CASE WHEN expires_at IS NULL OR expires_at > $now THEN etag END FROM state WHERE key = $k");
                        current.Parameters.AddWithValue("$k", delete.Key);
                        current.Parameters.AddWithValue("$now", now);
                        if (!string.Equals(delete.ETag, current.ExecuteScalar() as string, StringComparison.Ordinal))
                        {
                            batch.Abort();
                            return StateCommit.Conflict(delete.Key);
                        }
                    }
                    var remove = batch.Command("DELETE FROM state WHERE key = $k");
                    remove.Parameters.AddWithValue("$k", delete.Key);
                    remove.ExecuteNonQuery();
                    etags.Remove(delete.Key);
                    break;
                default:
                    throw new NotSupportedException($"unknown state operation {operation.GetType().Name}");
            }
        }
        foreach (var message in transaction.Messages)
        {
            InsertOutbox(batch, message, now);
        }
        return new StateCommit(true, etags, null);
    }

    /// <summary>One upsert through <paramref name="sql"/>: the rows it changed.</summary>
    private static int Write(WriteBatch batch, string sql, StateUpsert upsert, string etag, long now)
    {
        var write = batch.Command(sql);
        write.Parameters.AddWithValue("$k", upsert.Key);
        write.Parameters.AddWithValue("$v", upsert.Value);
        write.Parameters.AddWithValue("$e", etag);
        write.Parameters.AddWithValue("$x", upsert.Ttl is { } ttl ? now + (long)ttl.TotalMilliseconds : (object)DBNull.Value);
        write.Parameters.AddWithValue("$now", now); // a name the statement does not use is not bound
        if (upsert.ETag is not null)
        {
            write.Parameters.AddWithValue("$old", upsert.ETag);
        }
        return write.ExecuteNonQuery();
    }

    /// <summary>Unique on the message id: a message id already in the outbox is not inserted twice.</summary>
    private static void InsertOutbox(WriteBatch batch, OutboxMessage message, long now)
    {
        var insert = batch.Command("""
            INSERT INTO outbox (id, topic, type, source, subject, orgcode, data, time, traceparent, is_cdc, committed_at)
            VALUES ($id, $topic, $type, $source, $subject, $orgcode, $data, $time, $tp, $cdc, $now)
            ON CONFLICT (id) DO NOTHING
            """);
        insert.Parameters.AddWithValue("$id", message.Id);
        insert.Parameters.AddWithValue("$topic", message.Topic);
        insert.Parameters.AddWithValue("$type", message.Type);
        insert.Parameters.AddWithValue("$source", message.Source);
        insert.Parameters.AddWithValue("$subject", (object?)message.Subject ?? DBNull.Value);
        insert.Parameters.AddWithValue("$orgcode", (object?)message.Orgcode ?? DBNull.Value);
        insert.Parameters.AddWithValue("$data", message.Data);
        insert.Parameters.AddWithValue("$time", message.Time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        insert.Parameters.AddWithValue("$tp", (object?)message.TraceParent ?? DBNull.Value);
        insert.Parameters.AddWithValue("$cdc", message.IsChangeDataCapture ? 1 : 0);
        insert.Parameters.AddWithValue("$now", now);
        insert.ExecuteNonQuery();
    }

    internal static StateEntry ReadEntry(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2));

    public void Dispose() => Database.Dispose();
}
