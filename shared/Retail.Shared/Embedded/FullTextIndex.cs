namespace Retail.Shared.Embedded;

/// <summary>
/// An FTS5 index inside an app's own SQLite file, kept by triggers on the <c>state</c> table: a stored record whose
/// <c>data.search_text</c> is set (and that is not doomed) has one row; changing or deleting the record changes or
/// removes it in the same transaction as the write. <c>state_text_keys</c> gives each indexed state key a stable
/// integer id (the FTS rowid), so a VACUUM that renumbers the state table's rowids cannot detach the index.
/// Installed on first use: an app that never searches pays nothing on its writes.
/// </summary>
internal static class FullTextIndex
{
    private const string Searchable = """
        json_extract(new.value, '$.data.search_text') IS NOT NULL AND coalesce(json_extract(new.value, '$.doomed'), 0) = 0
        """;

    private const string Insert = $"""
        INSERT INTO state_text_keys (state_key) SELECT new.key WHERE {Searchable};
        INSERT INTO state_text (rowid, text, entity, orgcode, record_key)
            SELECT k.id, json_extract(new.value, '$.data.search_text'), json_extract(new.value, '$.entity'),
                   json_extract(new.value, '$.orgcode'), json_extract(new.value, '$.key')
            FROM state_text_keys k WHERE k.state_key = new.key AND {Searchable};
        """;

    private const string Remove = """
        DELETE FROM state_text WHERE rowid = (SELECT id FROM state_text_keys WHERE state_key = old.key);
        DELETE FROM state_text_keys WHERE state_key = old.key;
        """;

    private const string Schema = $"""
        CREATE TABLE state_text_keys (id INTEGER PRIMARY KEY, state_key TEXT NOT NULL UNIQUE);
        CREATE VIRTUAL TABLE state_text USING fts5(text, entity UNINDEXED, orgcode UNINDEXED, record_key UNINDEXED,
            tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER state_text_insert AFTER INSERT ON state BEGIN {Insert} END;
        CREATE TRIGGER state_text_update AFTER UPDATE OF value ON state BEGIN {Remove} {Insert} END;
        CREATE TRIGGER state_text_delete AFTER DELETE ON state BEGIN {Remove} END;
        """;

    // The records written before the index existed, indexed once when it is created.
    private const string Backfill = """
        INSERT INTO state_text_keys (state_key)
            SELECT key FROM state WHERE json_extract(value, '$.data.search_text') IS NOT NULL AND coalesce(json_extract(value, '$.doomed'), 0) = 0;
        INSERT INTO state_text (rowid, text, entity, orgcode, record_key)
            SELECT k.id, json_extract(s.value, '$.data.search_text'), json_extract(s.value, '$.entity'),
                   json_extract(s.value, '$.orgcode'), json_extract(s.value, '$.key')
            FROM state_text_keys k JOIN state s ON s.key = k.state_key;
        """;

    /// <summary>Creates the index and its triggers if this file has none yet; runs on the writer, so no write slips between.</summary>
    public static Task InstallAsync(EmbeddedDatabase database, CancellationToken cancellationToken) =>
        database.WriteAsync(batch =>
        {
            var exists = batch.Command("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'state_text'").ExecuteScalar();
            if (Convert.ToInt64(exists, System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }
            batch.Command(Schema).ExecuteNonQuery();
            batch.Command(Backfill).ExecuteNonQuery();
            return true;
        }, cancellationToken);
}
