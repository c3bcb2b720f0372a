using Dapr.Workflow;
using Microsoft.Extensions.Options;

namespace Retail.Pmc.Runs.Activities;

/// <summary>
/// Evaluate, one page: the next selected items (in selection order) get the profile's verdict per variant and the
/// snapshot of the included ones from PVM, MRS and PPM; the items and the run's counts commit together.
/// </summary>
public sealed class EvaluatePageActivity(RunLedger ledger, RecordStore<RunItem> items, RunSources sources, IOptions<RunOptions> options)
    : WorkflowActivity<RunPageInput, RunPage>
{
    public override Task<RunPage> RunAsync(WorkflowActivityContext context, RunPageInput input) =>
        ledger.PageAsync(input, RunStage.Evaluate, async (loaded, batch) =>
        {
            var run = loaded.Record;
            var org = input.Orgcode;
            var page = await items.ListAsync(org, [StateFilter.Eq("run_guid", run.RunGuid), StateFilter.Eq("state", ItemState.Selected)],
                options.Value.PageSize, sort: [new StateSort("seq")]);
            if (page.Items.Count == 0)
            {
                return run with { Stage = RunStage.Write };
            }
            var current = await items.LoadManyAsync(org, page.Items.Select(i => i.Key).ToList());
            var evaluator = new StyleEvaluator(sources, org, run);
            var change = new RunCounts();
            var byRule = new Dictionary<string, int>(StringComparer.Ordinal);
            // The styles of a page are read from PVM, MRS and PPM a few at a time (each style is a handful of calls that mostly
            // wait); their writes are staged in selection order.
            var verdicts = new StyleEvaluator.Verdict[page.Items.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, page.Items.Count),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.EvaluateConcurrency },
                async (i, ct) => verdicts[i] = await evaluator.EvaluateAsync(page.Items[i], ct));
            for (var i = 0; i < page.Items.Count; i++)
            {
                var item = page.Items[i];
                var verdict = verdicts[i];
                items.Update(batch, org, current[item.Key], item with
                {
                    State = ItemState.Evaluated,
                    StyleCode = verdict.StyleCode ?? item.StyleCode,
                    Snapshot = verdict.Snapshot,
                    Verdicts = verdict.Verdicts,
                });
                foreach (var excluded in verdict.Verdicts.Where(v => !v.Included))
                {
                    byRule[excluded.Rule!] = byRule.GetValueOrDefault(excluded.Rule!) + 1;
                }
                change = change with
                {
                    StylesEvaluated = change.StylesEvaluated + 1,
                    VariantsSelected = change.VariantsSelected + verdict.Verdicts.Count,
                    VariantsPublished = change.VariantsPublished + verdict.Verdicts.Count(v => v.Included),
                    VariantsExcluded = change.VariantsExcluded + verdict.Verdicts.Count(v => !v.Included),
                };
            }
            return run with { Counts = RunLedger.Add(run.Counts, change with { ExcludedByRule = byRule }) };
        });
}
