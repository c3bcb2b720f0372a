using Dapr.Workflow;
using Microsoft.Extensions.Options;

namespace Retail.Pmc.Runs.Activities;

/// <summary>
/// Select, one page: a page of PVM's styles (a brand's, a category's, or all, from the run's saved <c>next_token</c>),
/// one style, or the named variants grouped by style; a <see cref="RunItem"/> per style, committed with the token.
/// </summary>
public sealed class SelectPageActivity(RunLedger ledger, RecordStore<RunItem> items, RunSources sources, IOptions<RunOptions> options)
    : WorkflowActivity<RunPageInput, RunPage>
{
    /// <summary>The item of selected variants PVM no longer has (the selector named them; evaluate has nothing to read).</summary>
    public const string UnknownStyle = "unknown";

    public override Task<RunPage> RunAsync(WorkflowActivityContext context, RunPageInput input) =>
        ledger.PageAsync(input, RunStage.Select, async (loaded, batch) =>
        {
            var run = loaded.Record;
            var org = input.Orgcode;
            var selected = new List<RunItem>();
            string? token = null;
            switch (run.Selector.Kind)
            {
                case SelectorKind.Variants:
                    selected.AddRange(await VariantItemsAsync(org, run));
                    break;
                case SelectorKind.Style:
                    if (await sources.StyleAsync(org, run.Selector.Guid!, default) is { } style)
                    {
                        selected.Add(Item(run, style.StyleGuid, style.StyleCode, null));
                    }
                    break;
                default:
                    var page = await sources.StylesAsync(org, run.Selector.Kind, run.Selector.Guid, options.Value.PageSize, run.SelectToken, default);
                    selected.AddRange(page.Items.Select(s => Item(run, s.StyleGuid, s.StyleCode, null)));
                    token = page.NextToken;
                    break;
            }
            var seq = run.NextSeq;
            foreach (var item in selected)
            {
                items.Create(batch, org, item with { Seq = seq++ });
            }
            var styles = selected.Count(i => i.StyleGuid != UnknownStyle);
            return run with
            {
                NextSeq = seq,
                SelectToken = token,
                Stage = token is null ? RunStage.Evaluate : RunStage.Select,
                Counts = RunLedger.Add(run.Counts, new RunCounts
                {
                    StylesSelected = styles,
                    StylesEvaluated = selected.Count - styles,
                    VariantsSelected = selected.Where(i => i.StyleGuid == UnknownStyle).Sum(i => i.Verdicts.Count),
                    VariantsExcluded = selected.Where(i => i.StyleGuid == UnknownStyle).Sum(i => i.Verdicts.Count),
                    ExcludedByRule = selected.Where(i => i.StyleGuid == UnknownStyle)
                        .ToDictionary(_ => ExclusionRules.UnknownVariant, i => i.Verdicts.Count),
                }),
            };
        });

    private async Task<IReadOnlyList<RunItem>> VariantItemsAsync(string org, PublishRun run)
    {
        var found = new List<PvmVariant>();
        var unknown = new List<string>();
        foreach (var guid in run.Selector.VariantGuids ?? [])
        {
            if (await sources.VariantAsync(org, guid, default) is { } variant)
            {
                found.Add(variant);
            }
            else
            {
                unknown.Add(guid);
            }
        }
        var selected = found.GroupBy(v => v.StyleGuid)
            .Select(g => Item(run, g.Key, g.First().StyleCode, g.Select(v => v.VariantGuid).ToList()))
            .ToList();
        if (unknown.Count > 0)
        {
            selected.Add(Item(run, UnknownStyle, null, unknown) with
            {
                State = ItemState.Written,
                Verdicts = unknown.Select(v => new VariantVerdict(v, null, false, ExclusionRules.UnknownVariant, "PVM has no such variant.")).ToList(),
            });
        }
        return selected;
    }

    private static RunItem Item(PublishRun run, string styleGuid, string? styleCode, IReadOnlyList<string>? variants) =>
        new() { RunGuid = run.RunGuid, StyleGuid = styleGuid, StyleCode = styleCode, VariantGuids = variants };
}
