using Dapr.Workflow;
using Microsoft.Extensions.Options;
using Retail.Pmc.Products;

namespace Retail.Pmc.Runs.Activities;

/// <summary>
/// Write, one page: for each evaluated item with a snapshot, a new immutable revision of the style in the channel (n+1)
/// unless the latest one holds the same content (then the item takes that number), staged by <see cref="RevisionWriter"/>;
/// the products' records, the revisions, the channel's stats, the items and the run's counts commit in one batch.
/// </summary>
public sealed class WritePageActivity(RunLedger ledger, RecordStore<RunItem> items, RevisionWriter writer, IOptions<RunOptions> options)
    : WorkflowActivity<RunPageInput, RunPage>
{
    public override Task<RunPage> RunAsync(WorkflowActivityContext context, RunPageInput input) =>
        ledger.PageAsync(input, RunStage.Write, async (loaded, batch) =>
        {
            var run = loaded.Record;
            var org = input.Orgcode;
            var page = await items.ListAsync(org, [StateFilter.Eq("run_guid", run.RunGuid), StateFilter.Eq("state", ItemState.Evaluated)],
                options.Value.PageSize, sort: [new StateSort("seq")]);
            if (page.Items.Count == 0)
            {
                return run with { Stage = RunStage.Manifest };
            }
            var current = await items.LoadManyAsync(org, page.Items.Select(i => i.Key).ToList());
            var snapshots = page.Items.Where(i => i.Snapshot is not null).Select(i => i.Snapshot!).ToList();
            var revisions = snapshots.Count == 0
                ? new Dictionary<string, WrittenRevision>()
                : (await writer.StageAsync(batch, org, run.ChannelCode, snapshots, run.RunGuid, run.Reason, default))
                    .ToDictionary(w => w.StyleGuid, StringComparer.Ordinal);
            foreach (var item in page.Items)
            {
                var revision = revisions.GetValueOrDefault(item.StyleGuid);
                items.Update(batch, org, current[item.Key], item with
                {
                    State = ItemState.Written,
                    RevisionNo = item.Snapshot is null ? null : revision?.RevisionNo,
                    Unchanged = revision?.Unchanged ?? false,
                });
            }
            return run with
            {
                Counts = RunLedger.Add(run.Counts, new RunCounts
                {
                    RevisionsWritten = revisions.Values.Count(r => !r.Unchanged),
                    RevisionsUnchanged = revisions.Values.Count(r => r.Unchanged),
                }),
            };
        });
}
