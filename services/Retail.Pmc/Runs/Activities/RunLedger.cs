namespace Retail.Pmc.Runs.Activities;

/// <summary>Every page activity's input: which run.</summary>
public sealed record RunPageInput(string Orgcode, string RunGuid);

/// <summary>
/// What a page did: the stage the run is now on (the next one when this page finished its stage), whether the workflow
/// waits for a step before it, and whether the run has ended (completed, cancelled or failed).
/// </summary>
public sealed record RunPage(RunStage Stage, RunStatus Status, bool AwaitStep, bool Ended);

/// <summary>Settings of publish runs (section <c>Pmc:Runs</c>).</summary>
public sealed class RunOptions
{
    public const string Section = "Pmc:Runs";

    /// <summary>A part's gzip bytes stay under 900 KB: the cap leaves room for the last item and the unflushed tail.</summary>
    public const int MaxPartBytes = 800 * 1024;

    /// <summary>Styles per page activity (select, evaluate, write, manifest reads).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Pages a workflow generation runs before it continues as new (a short journal to replay).</summary>
    public int PagesPerGeneration { get; set; } = Workflow.PublishRunWorkflow.PagesPerGeneration;

    /// <summary>Styles of an evaluate page read from PVM, MRS and PPM at the same time.</summary>
    public int EvaluateConcurrency { get; set; } = 8;

    /// <summary>A manifest part closes once its gzip bytes pass this (items are whole, so a part stays under 900 KB).</summary>
    public int ManifestPartBytes { get; set; } = MaxPartBytes;
}

/// <summary>
/// The run record as page activities see it: loaded with its ETag, checked for being on the activity's stage, and
/// committed with the page's records in one batch. A lost ETag race (a cancel, a step) makes the page run again from a
/// fresh read, which then sees the cancel and stops.
/// </summary>
public sealed class RunLedger(RecordStore<PublishRun> runs, TimeProvider clock)
{
    public const int Attempts = 8;

    public RecordStore<PublishRun> Runs => runs;

    public DateTimeOffset Now => clock.GetUtcNow();

    public static DomainEvent Changed(string type, string orgcode, PublishRun run) =>
        new(type, new RunChanged(orgcode, run.RunGuid, run.ChannelCode, run.Status, run.Stage, run.Counts), run.RunGuid);

    /// <summary>
    /// Runs one page of <paramref name="stage"/>: <paramref name="page"/> stages its writes in the batch and answers the
    /// run as it is to be after the page; the run's update joins the batch, and the whole commits at once. When the run is
    /// not on this stage any more (the page already committed before a restart) or has ended, nothing is done and the
    /// answer says where it stands.
    /// </summary>
    public async Task<RunPage> PageAsync(RunPageInput input, RunStage stage, Func<Loaded<PublishRun>, RecordBatch, Task<PublishRun>> page,
        CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var loaded = await runs.GetAsync(input.Orgcode, input.RunGuid, ct: ct);
            if (loaded is null)
            {
                return new RunPage(RunStage.Done, RunStatus.Failed, false, true);
            }
            var run = loaded.Record;
            if (run.IsFinished || run.Stage != stage)
            {
                return Where(run);
            }
            var batch = new RecordBatch();
            var next = await page(loaded, batch);
            if (next.Stage != run.Stage && next.Mode == RunMode.Manual && next.Stage != RunStage.Done && !next.IsFinished)
            {
                next = next with { Status = RunStatus.AwaitingStep };
            }
            IEnumerable<DomainEvent> events = next.IsFinished ? [Changed(PmcEvents.RunFinished, input.Orgcode, next)] : [];
            var written = runs.Update(batch, input.Orgcode, loaded, next, next.Status != run.Status ? "status_changed" : "updated", events);
            if ((await batch.CommitAsync(ct)).Succeeded)
            {
                return Where(written);
            }
        }
        throw new InvalidOperationException($"publish run {input.RunGuid} kept changing while its {stage} page was written");
    }

    /// <summary>Where a run stands for the workflow: waiting for a step only when a manual run has a stage to go.</summary>
    public static RunPage Where(PublishRun run) =>
        new(run.Stage, run.Status, run.Mode == RunMode.Manual && !run.IsFinished && run.Stage != RunStage.Done, run.IsFinished);

    /// <summary>Counts after a page: <paramref name="change"/> applied to the current ones.</summary>
    public static RunCounts Add(RunCounts counts, RunCounts change)
    {
        var byRule = new Dictionary<string, int>(counts.ExcludedByRule, StringComparer.Ordinal);
        foreach (var (rule, n) in change.ExcludedByRule)
        {
            byRule[rule] = byRule.GetValueOrDefault(rule) + n;
        }
        return new RunCounts
        {
            StylesSelected = counts.StylesSelected + change.StylesSelected,
            StylesEvaluated = counts.StylesEvaluated + change.StylesEvaluated,
            VariantsSelected = counts.VariantsSelected + change.VariantsSelected,
            VariantsPublished = counts.VariantsPublished + change.VariantsPublished,
            VariantsExcluded = counts.VariantsExcluded + change.VariantsExcluded,
            ExcludedByRule = new SortedDictionary<string, int>(byRule, StringComparer.Ordinal),
            RevisionsWritten = counts.RevisionsWritten + change.RevisionsWritten,
            RevisionsUnchanged = counts.RevisionsUnchanged + change.RevisionsUnchanged,
        };
    }
}
