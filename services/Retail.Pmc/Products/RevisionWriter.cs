using System.Security.Cryptography;
using System.Text.Json;
using Retail.Shared.Json;

namespace Retail.Pmc.Products;

/// <summary>A revision a snapshot got: a new number, or the latest one when its content was the same (nothing written).</summary>
public sealed record WrittenRevision(string StyleGuid, int RevisionNo, bool Unchanged);

/// <summary>
/// Writes product revisions: for each snapshot, the product record's next number (<see cref="ChannelProduct.LatestRevisionNo"/>
/// + 1), the immutable <see cref="ProductRevision"/> and the channel's <see cref="ChannelStats.Revisions"/>, staged in the
/// caller's batch so they commit together (a run's page of styles with its own progress). Pointers and the online flag
/// are not touched here: that is <see cref="ProductSwitch"/>'s.
/// </summary>
public sealed class RevisionWriter(RecordStore<ProductRevision> revisions, RecordStore<ChannelProduct> products, RecordStore<ChannelStats> stats,
    RequestContext context)
{
    // The channels whose stats a batch already changes: a record is staged once per batch.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<RecordBatch, HashSet<string>> _statsStaged = new();

    /// <summary>Hex SHA-256 of the snapshot's canonical JSON (the storage serializer: snake_case, declaration order).</summary>
    public static string ContentHashOf(ProductSnapshot snapshot) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(snapshot, RetailJson.Storage)));

    /// <summary>
    /// Stages the next revision of each snapshot's product in <paramref name="batch"/> (at most one snapshot per style). A
    /// snapshot equal to its product's latest revision writes nothing (<see cref="WrittenRevision.Unchanged"/>), and so does
    /// one whose product <paramref name="runGuid"/> already wrote (a repeated activity). The caller commits; a revision
    /// mismatch there means another writer got in first: stage again in a new batch. Once per batch and channel.
    /// </summary>
    public async Task<IReadOnlyList<WrittenRevision>> StageAsync(RecordBatch batch, string orgcode, string channelCode, IReadOnlyList<ProductSnapshot> snapshots,
        string? runGuid, string? reason, CancellationToken ct)
    {
        var current = await products.LoadManyAsync(orgcode, snapshots.Select(s => ChannelProduct.KeyOf(channelCode, s.StyleGuid)).Distinct().ToList(), ct);
        var latestKeys = current.Values.Where(p => p.Record.LatestRevisionNo > 0)
            .Select(p => ProductRevision.KeyOf(channelCode, p.Record.StyleGuid, p.Record.LatestRevisionNo)).ToList();
        var latest = (await revisions.GetManyAsync(orgcode, latestKeys, ct: ct)).ToDictionary(r => r.StyleGuid, StringComparer.Ordinal);
        var written = new List<WrittenRevision>(snapshots.Count);
        var added = 0;
        foreach (var snapshot in snapshots)
        {
            var hash = ContentHashOf(snapshot);
            current.TryGetValue(ChannelProduct.KeyOf(channelCode, snapshot.StyleGuid), out var product);
            if (product is not null && runGuid is not null && product.Record.LatestRunGuid == runGuid)
            {
                written.Add(new WrittenRevision(snapshot.StyleGuid, product.Record.LatestRevisionNo, Unchanged: false));
                continue;
            }
            if (product is not null && latest.TryGetValue(snapshot.StyleGuid, out var last) && last.ContentHash == hash)
            {
                written.Add(new WrittenRevision(snapshot.StyleGuid, last.RevisionNo, Unchanged: true));
                continue;
            }
            var revisionNo = (product?.Record.LatestRevisionNo ?? 0) + 1;
            revisions.Create(batch, orgcode, new ProductRevision
            {
                ChannelCode = channelCode,
                StyleGuid = snapshot.StyleGuid,
                RevisionNo = revisionNo,
                RunGuid = runGuid,
                Reason = reason,
                ContentHash = hash,
                Product = snapshot,
                CreatedBy = context.Principal?.Id ?? "system",
            });
            if (product is null)
            {
                products.Create(batch, orgcode, new ChannelProduct
                {
                    ChannelCode = channelCode,
                    StyleGuid = snapshot.StyleGuid,
                    StyleCode = snapshot.StyleCode,
                    LatestRevisionNo = revisionNo,
                    LatestRunGuid = runGuid,
                });
            }
            else
            {
                products.Update(batch, orgcode, product, product.Record with
                {
                    StyleCode = snapshot.StyleCode,
                    LatestRevisionNo = revisionNo,
                    LatestRunGuid = runGuid,
                });
            }
            written.Add(new WrittenRevision(snapshot.StyleGuid, revisionNo, Unchanged: false));
            added++;
        }
        if (added > 0)
        {
            await StageStatsAsync(batch, orgcode, channelCode, s => s with { Revisions = s.Revisions + added }, ct);
        }
        return written;
    }

    /// <summary>Writes one snapshot's next revision in its own transaction, reading again after a concurrent write (a few times).</summary>
    public async Task<(WrittenRevision? Written, ProblemHttpResult? Problem)> WriteAsync(string orgcode, string channelCode, ProductSnapshot snapshot,
        string? runGuid, string? reason, CancellationToken ct)
    {
        ProblemHttpResult? lost = null;
        for (var attempt = 0; attempt < ProductSwitch.Attempts; attempt++)
        {
            var batch = new RecordBatch();
            var written = await StageAsync(batch, orgcode, channelCode, [snapshot], runGuid, reason, ct);
            var commit = await batch.CommitAsync(ct);
            if (commit.Succeeded)
            {
                return (written[0], null);
            }
            lost = commit.Problem();
            if (commit.Outcome != RecordWriteOutcome.RevisionMismatch)
            {
                break;
            }
        }
        return (null, lost);
    }

    /// <summary>
    /// Stages the channel's last run (build/stats) in <paramref name="batch"/>: the run's own finish commits it. Not in a
    /// batch that also stages revisions of the channel (each batch changes the channel's stats once).
    /// </summary>
    public Task StageRunFinishedAsync(RecordBatch batch, string orgcode, string channelCode, string runGuid, DateTimeOffset finishedAt, CancellationToken ct) =>
        StageStatsAsync(batch, orgcode, channelCode, s => s with { LastRunGuid = runGuid, LastRunFinishedAt = finishedAt }, ct);

    private async Task StageStatsAsync(RecordBatch batch, string orgcode, string channelCode, Func<ChannelStats, ChannelStats> change, CancellationToken ct)
    {
        if (!_statsStaged.GetOrCreateValue(batch).Add(channelCode))
        {
            throw new InvalidOperationException($"This batch already changes the stats of channel '{channelCode}': stage revisions and a run's finish in batches of their own.");
        }
        var current = await stats.GetAsync(orgcode, channelCode, ct: ct);
        if (current is null)
        {
            stats.Create(batch, orgcode, change(new ChannelStats { ChannelCode = channelCode }));
        }
        else
        {
            stats.Update(batch, orgcode, current, change(current.Record));
        }
    }
}
