using System.Security.Cryptography;
using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.Options;
using Retail.Pmc.Products;
using Retail.Shared.Json;

namespace Retail.Pmc.Runs.Activities;

/// <summary>
/// Write, one page: for each evaluated item with a snapshot, a new immutable revision of the style in the channel (n+1)
/// unless the latest one holds the same content (then the item takes that number); the products' records, the
/// revisions, the channel's stats, the items and the run's counts commit in one batch.
/// </summary>
public sealed class WritePageActivity(RunLedger ledger, RecordStore<RunItem> items, RecordStore<ChannelProduct> products,
    RecordStore<ProductRevision> revisions, RecordStore<ChannelStats> stats, IOptions<RunOptions> options)
    : WorkflowActivity<RunPageInput, RunPage>
{
    /// <summary>Hex SHA-256 of the snapshot's JSON as stored: equal content, equal hash.</summary>
    public static string ContentHash(ProductSnapshot snapshot) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(snapshot, RetailJson.Storage)));

    public override Task<RunPage> RunAsync(WorkflowActivityContext context, RunPageInput input) =>
        ledger.PageAsync(input, RunStage.Write, async (loaded, batch) =>
        {
            var run = loaded.Record;
            var org = input.Orgcode;
            var channel = run.ChannelCode;
            var page = await items.ListAsync(org, [StateFilter.Eq("run_guid", run.RunGuid), StateFilter.Eq("state", ItemState.Evaluated)],
                options.Value.PageSize, sort: [new StateSort("seq")]);
            if (page.Items.Count == 0)
            {
                return run with { Stage = RunStage.Manifest };
            }
            var current = await items.LoadManyAsync(org, page.Items.Select(i => i.Key).ToList());
            var withSnapshot = page.Items.Where(i => i.Snapshot is not null).ToList();
            var known = await products.LoadManyAsync(org, withSnapshot.Select(i => ChannelProduct.KeyOf(channel, i.StyleGuid)).ToList());
            var latestKeys = known.Values.Where(p => p.Record.LatestRevisionNo > 0)
                .Select(p => ProductRevision.KeyOf(channel, p.Record.StyleGuid, p.Record.LatestRevisionNo)).ToList();
            var latest = (await revisions.GetManyAsync(org, latestKeys)).ToDictionary(r => r.StyleGuid, StringComparer.Ordinal);
            var written = 0;
            var unchanged = 0;
            foreach (var item in page.Items)
            {
                if (item.Snapshot is not { } snapshot)
                {
                    items.Update(batch, org, current[item.Key], item with { State = ItemState.Written });
                    continue;
                }
                var hash = ContentHash(snapshot);
                var product = known.GetValueOrDefault(ChannelProduct.KeyOf(channel, item.StyleGuid));
                int revisionNo;
                var same = false;
                if (product is not null && product.Record.LatestRunGuid == run.RunGuid)
                {
                    revisionNo = product.Record.LatestRevisionNo;
                }
                else if (product is not null && latest.TryGetValue(item.StyleGuid, out var last) && last.ContentHash == hash)
                {
                    revisionNo = last.RevisionNo;
                    same = true;
                    unchanged++;
                }
                else
                {
                    revisionNo = (product?.Record.LatestRevisionNo ?? 0) + 1;
                    revisions.Create(batch, org, new ProductRevision
                    {
                        ChannelCode = channel,
                        StyleGuid = item.StyleGuid,
                        RevisionNo = revisionNo,
                        RunGuid = run.RunGuid,
                        Reason = run.Reason,
                        ContentHash = hash,
                        Product = snapshot,
                        CreatedBy = run.StartedBy,
                    });
                    if (product is null)
                    {
                        products.Create(batch, org, new ChannelProduct
                        {
                            ChannelCode = channel,
                            StyleGuid = item.StyleGuid,
                            StyleCode = snapshot.StyleCode,
                            LatestRevisionNo = revisionNo,
                            LatestRunGuid = run.RunGuid,
                        });
                    }
                    else
                    {
                        products.Update(batch, org, product, product.Record with { LatestRevisionNo = revisionNo, LatestRunGuid = run.RunGuid });
                    }
                    written++;
                }
                items.Update(batch, org, current[item.Key], item with { State = ItemState.Written, RevisionNo = revisionNo, Unchanged = same });
            }
            if (written > 0)
            {
                await RunLedger.StageStatsAsync(stats, batch, org, channel, s => s with { Revisions = s.Revisions + written }, default);
            }
            return run with { Counts = RunLedger.Add(run.Counts, new RunCounts { RevisionsWritten = written, RevisionsUnchanged = unchanged }) };
        });
}
