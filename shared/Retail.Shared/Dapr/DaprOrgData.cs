using System.Globalization;
using System.Text;
using System.Text.Json;
using Retail.Shared.OrgData;
using Retail.Shared.State;

namespace Retail.Shared.Dapr;

/// <summary>The query offboarding runs on the Dapr state API: an org's tagged entries of this app, in key order.</summary>
public sealed partial class DaprStateStore
{
    /// <summary>An entry of an org as the query found it: its key (from the tag), its position, ETag and value as written.</summary>
    internal sealed record OrgEntry(string Key, string Pos, string ETag, byte[] Value);

    /// <summary>
    /// Up to <paramref name="limit"/> of the org's entries of this app from position <paramref name="offset"/> of the list
    /// ordered by the tag's position (the key in hex): <c>EQ $org.app</c>, <c>EQ $org.org</c>, sort <c>$org.pos</c>. The
    /// offset is sent as the store's page token, which for <c>state.postgresql</c> v1 is the offset itself.
    /// </summary>
    internal async Task<IReadOnlyList<OrgEntry>> QueryOrgAsync(string orgcode, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(orgcode);
        var json = OrgQueryJson(AppId, orgcode, offset, limit);
        var response = await Guard(() => dapr.QueryStateAsync<JsonElement>(storeName, json, cancellationToken: cancellationToken));
        return [.. response.Results.Select(item =>
        {
            var pos = item.Data.GetProperty(DaprOrgTags.Member).GetProperty("pos").GetString()
                ?? throw new JsonException($"an entry of {orgcode} in {storeName} has an org tag without its position");
            return new OrgEntry(DaprOrgTags.KeyOf(pos), pos, item.ETag, DaprSortKeys.RemoveFrom(JsonSerializer.SerializeToUtf8Bytes(item.Data)));
        })];
    }

    internal static string OrgQueryJson(string appId, string orgcode, int offset, int limit)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("filter");
            writer.WriteStartArray("AND");
            foreach (var (path, value) in new[] { (DaprOrgTags.AppPath, appId), (DaprOrgTags.OrgPath, orgcode) })
            {
                writer.WriteStartObject();
                writer.WriteStartObject("EQ");
                writer.WriteString(path, value);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartArray("sort");
            writer.WriteStartObject();
            writer.WriteString("key", DaprOrgTags.PosPath);
            writer.WriteString("order", "ASC");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartObject("page");
            writer.WriteNumber("limit", limit);
            if (offset > 0)
            {
                writer.WriteString("token", offset.ToString(CultureInfo.InvariantCulture));
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>
/// The <c>state</c> part of an org's data in Dapr mode: every entry of this app that carries the org's tag
/// (<see cref="DaprOrgTags"/>), which the adapter writes with every value under an org's key — records, history, unique
/// values, value-index entries, idempotency replays and the registered <see cref="OrgKeyPrefix"/> families — in the
/// same operation. Found through the state query API in key order; export resumes after the last key it gave (the
/// token carries the store's offset as a hint and that key, so an entry deleted or added before the cursor between two
/// pages neither hides nor repeats one); purge deletes the first entries it finds, ETag-checked, in transactions of
/// <see cref="DeleteBatch"/>; the count reads every page, and zero means the query found nothing at all.
/// </summary>
public sealed class DaprStatePart(DaprStateStore store) : IOrgDataPart
{
    /// <summary>Deletions per state transaction.</summary>
    public const int DeleteBatch = 100;

    private const int CountPage = 1000;

    public string Part => OrgDataEndpoints.StatePart;

    public async Task<OrgExportPage> ExportAsync(string orgcode, string? token, int limit, CancellationToken ct)
    {
        limit = Math.Max(1, limit);
        var (offset, after) = ParseToken(token);
        var position = after is null ? 0 : await ResumeAtAsync(orgcode, offset, after, limit, ct);
        var items = new List<OrgDataItem>(limit);
        string? lastPos = null;
        var next = position;
        var last = false;
        while (items.Count < limit && !last)
        {
            var page = await store.QueryOrgAsync(orgcode, position, limit, ct);
            last = page.Count < limit;
            for (var i = 0; i < page.Count && items.Count < limit; i++)
            {
                var entry = page[i];
                if (after is not null && string.CompareOrdinal(entry.Pos, after) <= 0)
                {
                    continue;
                }
                items.Add(new OrgDataItem(Part, OrgStateKeys.KindOf(entry.Key), entry.Key, Parse(entry.Value)));
                lastPos = entry.Pos;
                next = position + i + 1;
            }
            position += page.Count;
        }
        return new OrgExportPage(items, items.Count < limit ? null : $"{next.ToString(CultureInfo.InvariantCulture)}:{DaprOrgTags.KeyOf(lastPos!)}");
    }

    public async Task<OrgPurgeStep> PurgeAsync(string orgcode, int limit, CancellationToken ct)
    {
        limit = Math.Max(1, limit);
        var entries = await store.QueryOrgAsync(orgcode, 0, limit, ct);
        long deleted = 0;
        foreach (var batch in entries.Chunk(DeleteBatch))
        {
            var transaction = new StateTransaction();
            foreach (var entry in batch)
            {
                transaction.Delete(entry.Key, entry.ETag);
            }
            // A conflict means an entry changed since it was read: nothing of this batch went; the next call reads again.
            var commit = await store.TransactAsync(transaction, ct);
            if (!commit.Committed)
            {
                return new OrgPurgeStep(deleted, false);
            }
            deleted += batch.Length;
        }
        return new OrgPurgeStep(deleted, entries.Count < limit);
    }

    public async Task<long> CountAsync(string orgcode, CancellationToken ct)
    {
        long count = 0;
        var offset = 0;
        while (true)
        {
            var page = await store.QueryOrgAsync(orgcode, offset, CountPage, ct);
            count += page.Count;
            if (page.Count < CountPage)
            {
                return count;
            }
            offset += page.Count;
        }
    }

    /// <summary>
    /// Where the entries after <paramref name="after"/> start: at the hinted offset unless entries before it went away
    /// since the last page (the one before it then sorts after <paramref name="after"/>), else further back.
    /// </summary>
    private async Task<int> ResumeAtAsync(string orgcode, int offset, string after, int step, CancellationToken ct)
    {
        var start = offset;
        while (start > 0)
        {
            var probe = await store.QueryOrgAsync(orgcode, start - 1, 1, ct);
            if (probe.Count == 1 && string.CompareOrdinal(probe[0].Pos, after) <= 0)
            {
                break;
            }
            start = Math.Max(0, start - step);
        }
        return start;
    }

    // "{offset}:{last key}"; any other text is read as the last key itself, as the embedded part's tokens are.
    private static (int Offset, string? AfterPos) ParseToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (0, null);
        }
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && int.TryParse(token.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return (offset, DaprOrgTags.PosOf(token[(colon + 1)..]));
        }
        return (0, DaprOrgTags.PosOf(token));
    }

    private static JsonElement Parse(byte[] value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(value));
        }
    }
}
