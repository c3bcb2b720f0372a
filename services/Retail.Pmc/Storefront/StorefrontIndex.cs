using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Retail.Pmc.Products;
using Retail.Shared.Json;

namespace Retail.Pmc.Storefront;

/// <summary>
/// The storefront read model in its own SQLite file (<c>pmc-storefront.db</c>, WAL): one row per (org, channel, style)
/// with the columns the filters and sorts use and the pre-serialized summary and product JSON; a facet table (brand,
/// category and each of its ancestors, option values) for filters and counts; the variants of each product; the ICS stock
/// each variant has per facility; an FTS5 table over the searchable text. Writes go through one connection, one
/// transaction at a time; reads use pooled connections whose statements are prepared once, and never wait for a write.
/// </summary>
public sealed class StorefrontIndex : IStorefrontIndex, IDisposable
{
    public const string FileName = "pmc-storefront.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS products (
            id INTEGER PRIMARY KEY,
            org TEXT NOT NULL,
            channel TEXT NOT NULL,
            style_guid TEXT NOT NULL,
            record_revision INTEGER NOT NULL,
            online INTEGER NOT NULL,
            style_code TEXT NULL,
            revision_no INTEGER NULL,
            name TEXT NULL,
            name_key TEXT NULL,
            description TEXT NULL,
            brand_guid TEXT NULL,
            brand_code TEXT NULL,
            brand_name TEXT NULL,
            category_guid TEXT NULL,
            category_code TEXT NULL,
            category_name TEXT NULL,
            price_min INTEGER NULL,
            price_max INTEGER NULL,
            currency TEXT NULL,
            sort_price_asc INTEGER NULL,
            sort_price_desc INTEGER NULL,
            in_stock INTEGER NOT NULL DEFAULT 0,
            published_at INTEGER NULL,
            UNIQUE (org, channel, style_guid)
        );
        CREATE TABLE IF NOT EXISTS product_docs (
            id INTEGER PRIMARY KEY,
            summary BLOB NOT NULL,
            product BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS products_code ON products (org, channel, style_code) WHERE online = 1;
        CREATE INDEX IF NOT EXISTS products_name ON products (org, channel, name_key, id, in_stock, brand_code, brand_guid, price_min, price_max) WHERE online = 1;
        CREATE INDEX IF NOT EXISTS products_price_asc ON products (org, channel, sort_price_asc, id, in_stock, brand_code, brand_guid, price_min, price_max) WHERE online = 1;
        CREATE INDEX IF NOT EXISTS products_price_desc ON products (org, channel, sort_price_desc, id, in_stock, brand_code, brand_guid, price_min, price_max) WHERE online = 1;
        CREATE INDEX IF NOT EXISTS products_newest ON products (org, channel, published_at, id, in_stock, brand_code, brand_guid, price_min, price_max) WHERE online = 1;
        CREATE TABLE IF NOT EXISTS facets (
            org TEXT NOT NULL,
            channel TEXT NOT NULL,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            product_id INTEGER NOT NULL,
            PRIMARY KEY (org, channel, kind, value, product_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS facets_product ON facets (product_id, kind);
        CREATE TABLE IF NOT EXISTS variants (
            org TEXT NOT NULL,
            variant_guid TEXT NOT NULL,
            product_id INTEGER NOT NULL,
            PRIMARY KEY (org, variant_guid, product_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS variants_product ON variants (product_id);
        CREATE TABLE IF NOT EXISTS stock (
            org TEXT NOT NULL,
            variant_guid TEXT NOT NULL,
            facility TEXT NOT NULL,
            available INTEGER NOT NULL,
            revision INTEGER NOT NULL,
            PRIMARY KEY (org, variant_guid, facility)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS refs (
            org TEXT NOT NULL,
            kind TEXT NOT NULL,
            guid TEXT NOT NULL,
            code TEXT NULL,
            name TEXT NULL,
            PRIMARY KEY (org, kind, guid)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS refs_code ON refs (org, kind, code);
        CREATE VIRTUAL TABLE IF NOT EXISTS product_text USING fts5(scope, text, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE IF NOT EXISTS meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        """;

    private const string InStockOf = """
        EXISTS (SELECT 1 FROM variants v JOIN stock s ON s.org = v.org AND s.variant_guid = v.variant_guid
                WHERE v.product_id = products.id AND s.available > 0)
        """;

    private const int MaxIdleReaders = 32;

    /// <summary>Facet queries kept per generation (<see cref="Facets"/>); the whole cache starts over when it is full.</summary>
    public const int MaxCachedFacets = 10_000;

    private readonly ConcurrentDictionary<string, (long Generation, IReadOnlyList<FacetCount> Counts)> _facetCache = new(StringComparer.Ordinal);
    private long _generation;
    private static readonly byte[] TrueEnd = "true}"u8.ToArray();
    private static readonly byte[] FalseEnd = "false}"u8.ToArray();

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly Dictionary<string, SqliteCommand> _writerCommands = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentBag<Reader> _readers = [];
    private bool _disposed;

    public StorefrontIndex(string path)
    {
        FilePath = path;
        Retail.Shared.Embedded.SqliteRuntime.EnsureConfigured();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        // NORMAL in WAL: a commit survives a process kill; the read model is rebuilt from events and records anyway.
        Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        Execute(_writer, Schema);
    }

    public string FilePath { get; }

    // ---------------------------------------------------------------- writes

    public async Task ApplyAsync(IReadOnlyList<StorefrontEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }
        // Serialize outside the write lock: the writer holds the lock only for SQL.
        var rows = entries.Select(Prepare).ToList();
        await WriteAsync(() =>
        {
            foreach (var row in rows)
            {
                ApplyOne(row);
            }
        }, ct);
    }

    /// <summary>
    /// ICS's <c>stock.changed</c>: keeps the newest revision per (org, facility, variant) and recomputes <c>in_stock</c>
    /// of the products that have the variant. False when the delivery was not newer (nothing changed).
    /// </summary>
    public Task<bool> ApplyStockAsync(string orgcode, string facilityCode, string variantGuid, long available, long revision, CancellationToken ct) =>
        WriteAsync(() =>
        {
            var upsert = WriterCommand("""
                INSERT INTO stock (org, variant_guid, facility, available, revision) VALUES ($org, $variant, $facility, $available, $revision)
                ON CONFLICT (org, variant_guid, facility) DO UPDATE SET available = excluded.available, revision = excluded.revision
                WHERE excluded.revision > stock.revision
                """);
            upsert.Parameters.AddWithValue("$org", orgcode);
            upsert.Parameters.AddWithValue("$variant", variantGuid);
            upsert.Parameters.AddWithValue("$facility", facilityCode);
            upsert.Parameters.AddWithValue("$available", available);
            upsert.Parameters.AddWithValue("$revision", revision);
            if (upsert.ExecuteNonQuery() == 0)
            {
                return false;
            }
            var recompute = WriterCommand($"""
                UPDATE products SET in_stock = {InStockOf}
                WHERE id IN (SELECT product_id FROM variants WHERE org = $org AND variant_guid = $variant)
                """);
            recompute.Parameters.AddWithValue("$org", orgcode);
            recompute.Parameters.AddWithValue("$variant", variantGuid);
            recompute.ExecuteNonQuery();
            return true;
        }, ct);

    private sealed record PreparedEntry(string Orgcode, string ChannelCode, string StyleGuid, long RecordRevision, ProductRevision? Serve,
        byte[]? Summary, byte[]? Product, string? Text, IReadOnlyList<(string Kind, string Value)> Facets);

    private static PreparedEntry Prepare(StorefrontEntry entry)
    {
        var product = entry.Product;
        var serve = entry.Revision is { } revision && product.Online && product.PointerRevisionNo is { } pointer ? revision : null;
        if (serve is not null)
        {
            if (serve.RevisionNo != product.PointerRevisionNo || serve.StyleGuid != product.StyleGuid || serve.ChannelCode != product.ChannelCode)
            {
                throw new ArgumentException(
                    $"the revision {serve.ChannelCode}:{serve.StyleGuid}:{serve.RevisionNo} is not the pointer of product {product.Key} ({product.PointerRevisionNo})",
                    nameof(entry));
            }
        }
        if (serve is null)
        {
            return new PreparedEntry(entry.Orgcode, product.ChannelCode, product.StyleGuid, product.Revision, null, null, null, null, []);
        }
        var snapshot = serve.Product;
        var summary = StorefrontJson.SummaryPrefix(StorefrontJson.SummaryOf(serve));
        var full = JsonSerializer.SerializeToUtf8Bytes(snapshot, RetailJson.Api);
        var facets = new List<(string, string)> { (FacetKinds.Brand, snapshot.Brand.Guid) };
        foreach (var category in snapshot.CategoryPath.Prepend(snapshot.Category.Guid).Distinct(StringComparer.Ordinal))
        {
            facets.Add((FacetKinds.Category, category));
        }
        foreach (var option in snapshot.Variants.SelectMany(v => v.Options).Select(FacetKinds.OptionValueOf).Distinct(StringComparer.Ordinal))
        {
            facets.Add((FacetKinds.Option, option));
        }
        var text = new StringBuilder()
            .Append(snapshot.Name).Append(' ').Append(snapshot.Description).Append(' ').Append(snapshot.StyleCode).Append(' ')
            .Append(snapshot.Brand.Name).Append(' ').Append(snapshot.Brand.Code).Append(' ').Append(snapshot.Category.Name);
        foreach (var variant in snapshot.Variants)
        {
            text.Append(' ').Append(variant.VariantCode).Append(' ').Append(variant.Name);
            foreach (var barcode in variant.Barcodes)
            {
                text.Append(' ').Append(barcode);
            }
        }
        return new PreparedEntry(entry.Orgcode, product.ChannelCode, product.StyleGuid, product.Revision, serve, summary, full, text.ToString(), facets);
    }

    private void ApplyOne(PreparedEntry entry)
    {
        var stored = WriterCommand("SELECT id, record_revision FROM products WHERE org = $org AND channel = $channel AND style_guid = $style");
        stored.Parameters.AddWithValue("$org", entry.Orgcode);
        stored.Parameters.AddWithValue("$channel", entry.ChannelCode);
        stored.Parameters.AddWithValue("$style", entry.StyleGuid);
        long? id = null;
        using (var reader = stored.ExecuteReader())
        {
            if (reader.Read())
            {
                if (reader.GetInt64(1) >= entry.RecordRevision)
                {
                    return;
                }
                id = reader.GetInt64(0);
            }
        }
        if (id is { } existing)
        {
            ClearProduct(existing);
        }

        var upsert = WriterCommand("""
            INSERT INTO products (org, channel, style_guid, record_revision, online, style_code, revision_no, name, name_key, description,
                brand_guid, brand_code, brand_name, category_guid, category_code, category_name, price_min, price_max, currency,
                sort_price_asc, sort_price_desc, in_stock, published_at)
            VALUES ($org, $channel, $style, $record_revision, $online, $style_code, $revision_no, $name, $name_key, $description,
                $brand_guid, $brand_code, $brand_name, $category_guid, $category_code, $category_name, $price_min, $price_max, $currency,
                $sort_price_asc, $sort_price_desc, 0, $published_at)
            ON CONFLICT (org, channel, style_guid) DO UPDATE SET record_revision = excluded.record_revision, online = excluded.online,
                style_code = excluded.style_code, revision_no = excluded.revision_no, name = excluded.name, name_key = excluded.name_key,
                description = excluded.description, brand_guid = excluded.brand_guid, brand_code = excluded.brand_code,
                brand_name = excluded.brand_name, category_guid = excluded.category_guid, category_code = excluded.category_code,
                category_name = excluded.category_name, price_min = excluded.price_min, price_max = excluded.price_max,
                currency = excluded.currency, sort_price_asc = excluded.sort_price_asc, sort_price_desc = excluded.sort_price_desc,
                in_stock = 0, published_at = excluded.published_at
            RETURNING id
            """);
        var p = upsert.Parameters;
        var serve = entry.Serve;
        var snapshot = serve?.Product;
        p.AddWithValue("$org", entry.Orgcode);
        p.AddWithValue("$channel", entry.ChannelCode);
        p.AddWithValue("$style", entry.StyleGuid);
        p.AddWithValue("$record_revision", entry.RecordRevision);
        p.AddWithValue("$online", serve is null ? 0 : 1);
        p.AddWithValue("$style_code", (object?)snapshot?.StyleCode ?? DBNull.Value);
        p.AddWithValue("$revision_no", (object?)serve?.RevisionNo ?? DBNull.Value);
        p.AddWithValue("$name", (object?)snapshot?.Name ?? DBNull.Value);
        p.AddWithValue("$name_key", (object?)snapshot?.Name.ToLowerInvariant() ?? DBNull.Value);
        p.AddWithValue("$description", (object?)snapshot?.Description ?? DBNull.Value);
        p.AddWithValue("$brand_guid", (object?)snapshot?.Brand.Guid ?? DBNull.Value);
        p.AddWithValue("$brand_code", (object?)snapshot?.Brand.Code ?? DBNull.Value);
        p.AddWithValue("$brand_name", (object?)snapshot?.Brand.Name ?? DBNull.Value);
        p.AddWithValue("$category_guid", (object?)snapshot?.Category.Guid ?? DBNull.Value);
        p.AddWithValue("$category_code", (object?)snapshot?.Category.Code ?? DBNull.Value);
        p.AddWithValue("$category_name", (object?)snapshot?.Category.Name ?? DBNull.Value);
        p.AddWithValue("$price_min", (object?)snapshot?.Price?.MinMinor ?? DBNull.Value);
        p.AddWithValue("$price_max", (object?)snapshot?.Price?.MaxMinor ?? DBNull.Value);
        p.AddWithValue("$currency", (object?)snapshot?.Price?.Currency ?? DBNull.Value);
        // Unpriced products sort last both ways, so the keyset never meets a NULL.
        p.AddWithValue("$sort_price_asc", snapshot is null ? DBNull.Value : snapshot.Price?.MinMinor ?? long.MaxValue);
        p.AddWithValue("$sort_price_desc", snapshot is null ? DBNull.Value : snapshot.Price?.MaxMinor ?? -1L);
        p.AddWithValue("$published_at", serve is null ? DBNull.Value : serve.CreatedAt.ToUnixTimeMilliseconds());
        var productId = Convert.ToInt64(upsert.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (serve is null || snapshot is null)
        {
            return;
        }
        var doc = WriterCommand("INSERT INTO product_docs (id, summary, product) VALUES ($id, $summary, $product)");
        doc.Parameters.AddWithValue("$id", productId);
        doc.Parameters.AddWithValue("$summary", entry.Summary!);
        doc.Parameters.AddWithValue("$product", entry.Product!);
        doc.ExecuteNonQuery();

        foreach (var (kind, value) in entry.Facets)
        {
            var facet = WriterCommand("INSERT OR IGNORE INTO facets (org, channel, kind, value, product_id) VALUES ($org, $channel, $kind, $value, $id)");
            facet.Parameters.AddWithValue("$org", entry.Orgcode);
            facet.Parameters.AddWithValue("$channel", entry.ChannelCode);
            facet.Parameters.AddWithValue("$kind", kind);
            facet.Parameters.AddWithValue("$value", value);
            facet.Parameters.AddWithValue("$id", productId);
            facet.ExecuteNonQuery();
        }
        foreach (var variantGuid in snapshot.Variants.Select(v => v.VariantGuid).Distinct(StringComparer.Ordinal))
        {
            var variant = WriterCommand("INSERT OR IGNORE INTO variants (org, variant_guid, product_id) VALUES ($org, $variant, $id)");
            variant.Parameters.AddWithValue("$org", entry.Orgcode);
            variant.Parameters.AddWithValue("$variant", variantGuid);
            variant.Parameters.AddWithValue("$id", productId);
            variant.ExecuteNonQuery();
        }
        UpsertRef(entry.Orgcode, FacetKinds.Brand, snapshot.Brand);
        UpsertRef(entry.Orgcode, FacetKinds.Category, snapshot.Category);
        var text = WriterCommand("INSERT INTO product_text (rowid, scope, text) VALUES ($id, $scope, $text)");
        text.Parameters.AddWithValue("$id", productId);
        text.Parameters.AddWithValue("$scope", ScopeOf(entry.Orgcode, entry.ChannelCode));
        text.Parameters.AddWithValue("$text", entry.Text);
        text.ExecuteNonQuery();
        var stock = WriterCommand($"UPDATE products SET in_stock = {InStockOf} WHERE id = $id");
        stock.Parameters.AddWithValue("$id", productId);
        stock.ExecuteNonQuery();
    }

    private void ClearProduct(long id)
    {
        foreach (var sql in new[] { "DELETE FROM facets WHERE product_id = $id", "DELETE FROM variants WHERE product_id = $id", "DELETE FROM product_text WHERE rowid = $id",
                     "DELETE FROM product_docs WHERE id = $id" })
        {
            var command = WriterCommand(sql);
            command.Parameters.AddWithValue("$id", id);
            command.ExecuteNonQuery();
        }
    }

    private void UpsertRef(string orgcode, string kind, NamedRef named)
    {
        var command = WriterCommand("""
            INSERT INTO refs (org, kind, guid, code, name) VALUES ($org, $kind, $guid, $code, $name)
            ON CONFLICT (org, kind, guid) DO UPDATE SET code = excluded.code, name = excluded.name
            WHERE code IS NOT excluded.code OR name IS NOT excluded.name
            """);
        command.Parameters.AddWithValue("$org", orgcode);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$guid", named.Guid);
        command.Parameters.AddWithValue("$code", named.Code);
        command.Parameters.AddWithValue("$name", (object?)named.Name ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The FTS5 token that scopes a row to its org and channel: the text match then intersects with it inside the index,
    /// instead of matching every org's products and dropping them after.
    /// </summary>
    internal static string ScopeOf(string orgcode, string channelCode) =>
        "s" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{orgcode}\n{channelCode}")).AsSpan(0, 12));

    private async Task<T> WriteAsync<T>(Func<T> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            WriterCommand("BEGIN IMMEDIATE").ExecuteNonQuery();
            try
            {
                var result = work();
                WriterCommand("COMMIT").ExecuteNonQuery();
                Interlocked.Increment(ref _generation);
                return result;
            }
            catch
            {
                if (_writer.Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0)
                {
                    WriterCommand("ROLLBACK").ExecuteNonQuery();
                }
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private Task WriteAsync(Action work, CancellationToken ct) => WriteAsync(() =>
    {
        work();
        return true;
    }, ct);

    private SqliteCommand WriterCommand(string sql)
    {
        if (!_writerCommands.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            command.Prepare();
            _writerCommands[sql] = command;
        }
        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// Offboarding: deletes up to <paramref name="limit"/> of the org's products (with their facets, variants, text and
    /// documents), then, once none is left, its stock and reference rows; the number of rows it removed.
    /// </summary>
    public Task<int> PurgeOrgAsync(string orgcode, int limit, CancellationToken ct) =>
        WriteAsync(() =>
        {
            var ids = new List<long>();
            var select = WriterCommand("SELECT id FROM products WHERE org = $org LIMIT $limit");
            select.Parameters.AddWithValue("$org", orgcode);
            select.Parameters.AddWithValue("$limit", limit);
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }
            foreach (var id in ids)
            {
                ClearProduct(id);
                var product = WriterCommand("DELETE FROM products WHERE id = $id");
                product.Parameters.AddWithValue("$id", id);
                product.ExecuteNonQuery();
            }
            var removed = ids.Count;
            if (ids.Count < limit)
            {
                foreach (var sql in new[] { "DELETE FROM stock WHERE org = $org", "DELETE FROM refs WHERE org = $org", "DELETE FROM variants WHERE org = $org",
                             "DELETE FROM facets WHERE org = $org" })
                {
                    var command = WriterCommand(sql);
                    command.Parameters.AddWithValue("$org", orgcode);
                    removed += command.ExecuteNonQuery();
                }
            }
            return removed;
        }, ct);

    /// <summary>How many rows of the org the index holds (products, stock, references, variants, facets).</summary>
    public async Task<long> CountOrgAsync(string orgcode, CancellationToken ct)
    {
        using var reader = Rent();
        var command = reader.Command("""
            SELECT (SELECT count(*) FROM products WHERE org = $org) + (SELECT count(*) FROM stock WHERE org = $org)
                 + (SELECT count(*) FROM refs WHERE org = $org) + (SELECT count(*) FROM variants WHERE org = $org)
                 + (SELECT count(*) FROM facets WHERE org = $org)
            """);
        command.Parameters.AddWithValue("$org", orgcode);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Sets a fact about the index file itself (<see cref="StorefrontRebuild.RebuiltAtKey"/>), kept in the file it describes.</summary>
    public Task SetMetaAsync(string key, string value, CancellationToken ct) =>
        WriteAsync(() =>
        {
            var upsert = WriterCommand("INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            upsert.Parameters.AddWithValue("$key", key);
            upsert.Parameters.AddWithValue("$value", value);
            upsert.ExecuteNonQuery();
        }, ct);

    // ---------------------------------------------------------------- reads

    /// <summary>A fact about the index file itself, or null when the file does not hold it (a new or lost file).</summary>
    public async Task<string?> GetMetaAsync(string key, CancellationToken ct)
    {
        using var reader = Rent();
        var command = reader.Command("SELECT value FROM meta WHERE key = $key");
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public async Task<long> CountOnlineAsync(string orgcode, string channelCode, CancellationToken ct)
    {
        using var reader = Rent();
        var command = reader.Command("SELECT count(*) FROM products WHERE org = $org AND channel = $channel AND online = 1");
        command.Parameters.AddWithValue("$org", orgcode);
        command.Parameters.AddWithValue("$channel", channelCode);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>The guid of a brand or category the index knows by its code (from the products it holds), or null.</summary>
    public string? FindRefGuid(string orgcode, string kind, string code)
    {
        using var reader = Rent();
        var command = reader.Command("SELECT guid FROM refs WHERE org = $org AND kind = $kind AND code = $code LIMIT 1");
        command.Parameters.AddWithValue("$org", orgcode);
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$code", code);
        return command.ExecuteScalar() as string;
    }

    /// <summary>One online product by its style guid or style code: the stored product JSON and what the page shows of stock.</summary>
    public StoredProduct? GetProduct(string orgcode, string channelCode, string? styleGuid, string? styleCode)
    {
        using var reader = Rent();
        var command = reader.Command(styleGuid is not null
            ? "SELECT p.id, p.style_guid, p.style_code, p.revision_no, p.published_at, p.in_stock, d.product FROM products p JOIN product_docs d ON d.id = p.id WHERE p.org = $org AND p.channel = $channel AND p.style_guid = $key AND p.online = 1"
            : "SELECT p.id, p.style_guid, p.style_code, p.revision_no, p.published_at, p.in_stock, d.product FROM products p JOIN product_docs d ON d.id = p.id WHERE p.org = $org AND p.channel = $channel AND p.style_code = $key AND p.online = 1");
        command.Parameters.AddWithValue("$org", orgcode);
        command.Parameters.AddWithValue("$channel", channelCode);
        command.Parameters.AddWithValue("$key", styleGuid ?? styleCode);
        long id;
        StoredProduct product;
        using (var row = command.ExecuteReader())
        {
            if (!row.Read())
            {
                return null;
            }
            id = row.GetInt64(0);
            product = new StoredProduct(channelCode, row.GetString(1), row.GetString(2), row.GetInt32(3),
                DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(4)), row.GetInt64(5) != 0, (byte[])row.GetValue(6), []);
        }
        var stock = reader.Command("""
            SELECT DISTINCT v.variant_guid FROM variants v JOIN stock s ON s.org = v.org AND s.variant_guid = v.variant_guid
            WHERE v.product_id = $id AND s.available > 0 ORDER BY v.variant_guid
            """);
        stock.Parameters.AddWithValue("$id", id);
        var inStock = new List<string>();
        using (var row = stock.ExecuteReader())
        {
            while (row.Read())
            {
                inStock.Add(row.GetString(0));
            }
        }
        return product with { VariantsInStock = inStock };
    }

    /// <summary>
    /// A page of summaries matching <paramref name="query"/> in its sort, after <paramref name="cursor"/> (what the last
    /// page answered as its cursor): one indexed statement. With <see cref="StorefrontQuery.Text"/> the products match
    /// the FTS5 expression; relevance (bm25) pages by offset, the other sorts by keyset.
    /// </summary>
    public SummaryPage Query(StorefrontQuery query, string? cursor)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder(256);
        using var reader = Rent();
        var parameters = new List<(string, object)>();
        // Relevance needs a text to rank by; without one the list falls back to names.
        var sort = query.Sort == StorefrontSort.Relevance && query.Text is null ? StorefrontSort.Name : query.Sort;
        var (sortColumn, descending) = SortColumn(sort);
        // The page is chosen on the small rows (or a covering index) first; the JSON in product_docs is read for its rows only.
        sql.Append("SELECT d.summary, m.in_stock, m.id, m.k FROM (SELECT p.id, p.in_stock");
        sql.Append(sortColumn is null ? ", bm25(product_text, 0.0, 1.0) AS k" : $", {sortColumn} AS k");
        if (query.Text is not null)
        {
            sql.Append(" FROM product_text t JOIN products p ON p.id = t.rowid");
        }
        else
        {
            sql.Append(" FROM products p");
        }
        AppendWhere(sql, parameters, query);
        long offset = 0;
        if (cursor is not null)
        {
            if (sortColumn is null)
            {
                offset = ParseOffset(cursor);
            }
            else
            {
                var (key, id) = ParseKeyset(cursor, sort);
                sql.Append(descending ? $" AND ({sortColumn}, p.id) < ($ck, $cid)" : $" AND ({sortColumn}, p.id) > ($ck, $cid)");
                parameters.Add(("$ck", key));
                parameters.Add(("$cid", id));
            }
        }
        var order = descending ? " DESC" : "";
        sql.Append(sortColumn is null ? " ORDER BY k, p.id" : $" ORDER BY {sortColumn}{order}, p.id{order}");
        // LIMIT and OFFSET as literals: SQLite re-prepares a statement whose LIMIT or OFFSET is bound, on every execution.
        sql.Append(" LIMIT ").Append((query.Limit + 1).ToString(CultureInfo.InvariantCulture));
        if (offset > 0)
        {
            sql.Append(" OFFSET ").Append(offset.ToString(CultureInfo.InvariantCulture));
        }
        sql.Append($") m JOIN product_docs d ON d.id = m.id ORDER BY m.k{order}, m.id{order}");

        var command = reader.Command(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var items = new List<byte[]>(Math.Min(query.Limit, 100));
        object? lastKey = null;
        long lastId = 0;
        var more = false;
        using (var row = command.ExecuteReader())
        {
            while (row.Read())
            {
                if (items.Count == query.Limit)
                {
                    more = true;
                    break;
                }
                var prefix = (byte[])row.GetValue(0);
                var end = row.GetInt64(1) != 0 ? TrueEnd : FalseEnd;
                var item = new byte[prefix.Length + end.Length];
                prefix.CopyTo(item, 0);
                end.CopyTo(item, prefix.Length);
                items.Add(item);
                lastId = row.GetInt64(2);
                lastKey = row.GetValue(3);
            }
        }
        string? next = null;
        if (more)
        {
            next = sortColumn is null
                ? "o|" + (offset + items.Count).ToString(CultureInfo.InvariantCulture)
                : $"k|{(lastKey is long l ? "i" + l.ToString(CultureInfo.InvariantCulture) : "s" + lastKey)}|{lastId.ToString(CultureInfo.InvariantCulture)}";
        }
        return new SummaryPage(items, next);
    }

    /// <summary>
    /// Counts of the products matching <paramref name="query"/> per facet value of the kinds asked. The index changes only
    /// when a write commits (a pointer moves, stock changes), and every commit starts a new generation; counts computed in
    /// a generation are kept for it (at most <see cref="MaxCachedFacets"/> queries), so a storefront's repeated searches
    /// count once per change, never from stale rows.
    /// </summary>
    public IReadOnlyList<FacetCount> Facets(StorefrontQuery query, IReadOnlyCollection<string> kinds, int maxPerKind)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(kinds);
        var generation = Interlocked.Read(ref _generation);
        var key = FacetKey(query, kinds, maxPerKind);
        if (_facetCache.TryGetValue(key, out var cached) && cached.Generation == generation)
        {
            return cached.Counts;
        }
        var counts = CountFacets(query, kinds, maxPerKind);
        if (_facetCache.Count >= MaxCachedFacets)
        {
            _facetCache.Clear();
        }
        _facetCache[key] = (generation, counts);
        return counts;
    }

    private static string FacetKey(StorefrontQuery query, IReadOnlyCollection<string> kinds, int maxPerKind)
    {
        var key = new StringBuilder(128);
        key.Append(query.Orgcode).Append('\n').Append(query.ChannelCode).Append('\n').Append(query.Text).Append('\n').Append(query.BrandGuid)
            .Append('\n').Append(query.BrandCode).Append('\n').Append(query.CategoryGuid).Append('\n').Append(query.PriceMinMinor)
            .Append('\n').Append(query.PriceMaxMinor).Append('\n').Append(query.InStock).Append('\n').Append(maxPerKind);
        foreach (var group in query.Options)
        {
            key.Append("\n(").AppendJoin(',', group).Append(')');
        }
        key.Append('\n').AppendJoin(',', kinds);
        return key.ToString();
    }

    private IReadOnlyList<FacetCount> CountFacets(StorefrontQuery query, IReadOnlyCollection<string> kinds, int maxPerKind)
    {
        var sql = new StringBuilder(256);
        var parameters = new List<(string, object)>();
        if (query is { Text: null, BrandGuid: null, BrandCode: null, CategoryGuid: null, Options.Count: 0, PriceMinMinor: null, PriceMaxMinor: null, InStock: null })
        {
            // The whole channel: the facet rows are exactly those of its online products, so the primary key alone counts them.
            parameters.Add(("$org", query.Orgcode));
            parameters.Add(("$channel", query.ChannelCode));
            sql.Append("WITH c AS (SELECT f.kind, f.value, count(*) AS n FROM facets f WHERE f.org = $org AND f.channel = $channel AND");
        }
        else
        {
            sql.Append("WITH m AS (SELECT p.id");
            sql.Append(query.Text is not null ? " FROM product_text t JOIN products p ON p.id = t.rowid" : " FROM products p");
            AppendWhere(sql, parameters, query);
            sql.Append("), c AS (SELECT f.kind, f.value, count(*) AS n FROM m JOIN facets f ON f.product_id = m.id WHERE");
        }
        sql.Append(" f.kind IN (");
        var i = 0;
        foreach (var kind in kinds)
        {
            sql.Append(i == 0 ? "" : ", ").Append("$kind").Append(i);
            parameters.Add(("$kind" + i.ToString(CultureInfo.InvariantCulture), kind));
            i++;
        }
        sql.Append("""
            ) GROUP BY f.kind, f.value),
            r AS (SELECT kind, value, n, row_number() OVER (PARTITION BY kind ORDER BY n DESC, value) AS k FROM c)
            SELECT r.kind, r.value, r.n, x.code, x.name FROM r LEFT JOIN refs x ON x.org = $org AND x.kind = r.kind AND x.guid = r.value
            WHERE r.k <= $max ORDER BY r.kind, r.n DESC, r.value
            """);
        parameters.Add(("$max", maxPerKind));
        using var reader = Rent();
        var command = reader.Command(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var counts = new List<FacetCount>();
        using var row = command.ExecuteReader();
        while (row.Read())
        {
            var kind = row.GetString(0);
            var value = row.GetString(1);
            var count = row.GetInt64(2);
            if (kind == FacetKinds.Option)
            {
                var split = value.IndexOf(':', StringComparison.Ordinal);
                counts.Add(new FacetCount(kind, value, value[(split + 1)..], null, value[..split], count));
            }
            else
            {
                counts.Add(new FacetCount(kind, value, row.IsDBNull(3) ? null : row.GetString(3), row.IsDBNull(4) ? null : row.GetString(4), null, count));
            }
        }
        return counts;
    }

    private static void AppendWhere(StringBuilder sql, List<(string, object)> parameters, StorefrontQuery query)
    {
        parameters.Add(("$org", query.Orgcode));
        parameters.Add(("$channel", query.ChannelCode));
        sql.Append(" WHERE p.org = $org AND p.channel = $channel AND p.online = 1");
        if (query.Text is not null)
        {
            sql.Append(" AND product_text MATCH $match");
            parameters.Add(("$match", $"scope : \"{ScopeOf(query.Orgcode, query.ChannelCode)}\" AND text : ({query.Text})"));
        }
        if (query.BrandGuid is not null)
        {
            sql.Append(" AND p.brand_guid = $brand_guid");
            parameters.Add(("$brand_guid", query.BrandGuid));
        }
        if (query.BrandCode is not null)
        {
            sql.Append(" AND p.brand_code = $brand_code");
            parameters.Add(("$brand_code", query.BrandCode));
        }
        if (query.CategoryGuid is not null)
        {
            sql.Append(" AND p.id IN (SELECT product_id FROM facets WHERE org = $org AND channel = $channel AND kind = 'category' AND value = $category)");
            parameters.Add(("$category", query.CategoryGuid));
        }
        var group = 0;
        foreach (var options in query.Options)
        {
            // AND across groups, OR within one: one IN-list of the group's values per group.
            sql.Append(" AND p.id IN (SELECT product_id FROM facets WHERE org = $org AND channel = $channel AND kind = 'option' AND value IN (");
            var v = 0;
            foreach (var value in options)
            {
                var name = $"$o{group.ToString(CultureInfo.InvariantCulture)}_{v.ToString(CultureInfo.InvariantCulture)}";
                sql.Append(v == 0 ? "" : ", ").Append(name);
                parameters.Add((name, value));
                v++;
            }
            sql.Append("))");
            group++;
        }
        if (query.PriceMinMinor is { } min)
        {
            sql.Append(" AND p.price_max >= $price_min");
            parameters.Add(("$price_min", min));
        }
        if (query.PriceMaxMinor is { } max)
        {
            sql.Append(" AND p.price_min <= $price_max");
            parameters.Add(("$price_max", max));
        }
        if (query.InStock is { } inStock)
        {
            sql.Append(inStock ? " AND p.in_stock = 1" : " AND p.in_stock = 0");
        }
    }

    private static (string? Column, bool Descending) SortColumn(StorefrontSort sort) => sort switch
    {
        StorefrontSort.Name => ("p.name_key", false),
        StorefrontSort.PriceAsc => ("p.sort_price_asc", false),
        StorefrontSort.PriceDesc => ("p.sort_price_desc", true),
        StorefrontSort.Newest => ("p.published_at", true),
        StorefrontSort.Relevance => (null, false),
        _ => throw new ArgumentOutOfRangeException(nameof(sort)),
    };

    private static long ParseOffset(string cursor) =>
        cursor.StartsWith("o|", StringComparison.Ordinal) && long.TryParse(cursor.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw new InvalidPageTokenException("next_token is not a token this list issued.");

    private static (object Key, long Id) ParseKeyset(string cursor, StorefrontSort sort)
    {
        var last = cursor.LastIndexOf('|');
        if (cursor.StartsWith("k|", StringComparison.Ordinal) && last > 2
            && long.TryParse(cursor.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            var key = cursor[2..last];
            if (key[0] == 's' && sort == StorefrontSort.Name)
            {
                return (key[1..], id);
            }
            if (key[0] == 'i' && sort != StorefrontSort.Name && long.TryParse(key.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return (number, id);
            }
        }
        throw new InvalidPageTokenException("next_token is not a token this list issued.");
    }

    private Reader Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_readers.TryTake(out var reader))
        {
            return reader;
        }
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA query_only = 1;");
        return new Reader(this, connection);
    }

    private void Return(Reader reader)
    {
        if (_disposed || _readers.Count >= MaxIdleReaders)
        {
            reader.Close();
            return;
        }
        _readers.Add(reader);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _writeGate.Wait();
        try
        {
            _disposed = true;
            foreach (var command in _writerCommands.Values)
            {
                command.Dispose();
            }
            _writerCommands.Clear();
            _writer.Dispose();
            while (_readers.TryTake(out var reader))
            {
                reader.Close();
            }
            SqliteConnection.ClearPool(_writer);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>A pooled reader connection and the statements it has prepared (by SQL text: statements differ by shape, not by value).</summary>
    private sealed class Reader(StorefrontIndex index, SqliteConnection connection) : IDisposable
    {
        private const int MaxStatements = 256;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteCommand Command(string sql)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                if (_commands.Count >= MaxStatements)
                {
                    DisposeCommands();
                }
                command = connection.CreateCommand();
                command.CommandText = sql;
                command.Prepare();
                _commands[sql] = command;
            }
            command.Parameters.Clear();
            return command;
        }

        public void Dispose() => index.Return(this);

        public void Close()
        {
            DisposeCommands();
            connection.Dispose();
        }

        private void DisposeCommands()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }
            _commands.Clear();
        }
    }
}

public static class FacetKinds
{
    public const string Brand = "brand";
    public const string Category = "category";
    public const string Option = "option";

    public static string OptionValueOf(OptionValue option) => $"{option.OptionGroupCode}:{option.OptionCode}";
}

public enum StorefrontSort
{
    Relevance,
    Name,
    PriceAsc,
    PriceDesc,
    Newest,
}

/// <summary>
/// What the products must match. <see cref="Text"/> is an FTS5 expression built by <see cref="StorefrontText"/> (never the
/// user's text as such); <see cref="Options"/> holds one set of <c>group:option</c> values per option group.
/// </summary>
public sealed record StorefrontQuery(string Orgcode, string ChannelCode)
{
    public string? Text { get; init; }

    public string? BrandGuid { get; init; }

    public string? BrandCode { get; init; }

    public string? CategoryGuid { get; init; }

    public IReadOnlyList<IReadOnlyList<string>> Options { get; init; } = [];

    public long? PriceMinMinor { get; init; }

    public long? PriceMaxMinor { get; init; }

    public bool? InStock { get; init; }

    public StorefrontSort Sort { get; init; } = StorefrontSort.Name;

    public int Limit { get; init; } = 20;
}

/// <summary>Summaries as JSON objects, ready to write; <see cref="Cursor"/> (unsealed) continues after the last one.</summary>
public sealed record SummaryPage(IReadOnlyList<byte[]> Items, string? Cursor);

/// <summary>A facet value and how many matching products have it (for options: the group and the option code).</summary>
public sealed record FacetCount(string Kind, string Value, string? Code, string? Name, string? OptionGroupCode, long Count);

/// <summary>One online product as the index stores it: <see cref="Product"/> is the snapshot's JSON.</summary>
public sealed record StoredProduct(string ChannelCode, string StyleGuid, string StyleCode, int RevisionNo, DateTimeOffset PublishedAt, bool InStock,
    byte[] Product, IReadOnlyList<string> VariantsInStock);
