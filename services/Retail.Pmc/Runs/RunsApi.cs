using System.Text.Json;
using FluentValidation;
using Retail.Pmc.Runs.Activities;
using Retail.Pmc.Runs.Workflow;
using Retail.Shared;
using Retail.Shared.Json;
using Retail.Workflows.Scheduling;

namespace Retail.Pmc.Runs;

public sealed record SelectorRequest(SelectorKind? Kind, string? Guid, IReadOnlyList<string>? VariantGuids);

/// <summary>Start a run: the channel (body or <c>x-channel-code</c>), an optional logical facility, what to select, why, auto or manual, online at the end or not.</summary>
public sealed record StartRunRequest(string? ChannelCode, string? FacilityCode, SelectorRequest? Selector, string? Reason, RunMode? Mode, bool? GoOnline);

public sealed record RunKeyRequest(string? RunGuid);

public sealed record ManifestListRequest(string? RunGuid, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A run as the API shows it (its internal cursors left out).</summary>
public sealed record RunView(string RunGuid, string ChannelCode, string? FacilityCode, RunSelector Selector, string Reason, RunMode Mode, bool GoOnline,
    RunStatus Status, RunStage Stage, RunCounts Counts, PublishProfile Profile, IReadOnlyList<ManifestPart> Manifest, string? PackGuid,
    string? StartedBy, string? CancelledBy, string? Failure, DateTimeOffset? FinishedAt, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static RunView Of(PublishRun r) => new(r.RunGuid, r.ChannelCode, r.FacilityCode, r.Selector, r.Reason, r.Mode, r.GoOnline, r.Status, r.Stage,
        r.Counts, r.Profile, r.Manifest, r.PackGuid, r.StartedBy, r.CancelledBy, r.Failure, r.FinishedAt, r.Revision, r.CreatedAt, r.UpdatedAt);
}

/// <summary>One line of a run's manifest: a variant, included or excluded by a rule.</summary>
public sealed record ManifestEntry(string StyleGuid, string? StyleCode, string VariantGuid, string? VariantCode, bool Included, string? Rule,
    string? Detail, int? RevisionNo);

public sealed record PresignedPart(int Part, string RecordGuid, int Lines, long SizeBytes, string? DownloadUrl, DateTimeOffset? DownloadExpiresAt);

public sealed record ManifestPresignAnswer(string RunGuid, IReadOnlyList<PresignedPart> Parts);

public sealed class StartRunRequestValidator : AbstractValidator<StartRunRequest>
{
    public const int MaxVariants = 100;

    public StartRunRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.Reason).RequiredText(500);
        RuleFor(r => r.Selector).NotNull().WithMessage("is required");
        When(r => r.Selector is not null, () =>
        {
            RuleFor(r => r.Selector!.Kind).NotNull().WithMessage("is required").OverridePropertyName("selector.kind");
            RuleFor(r => r.Selector!.Guid).RequiredGuid().When(r => r.Selector!.Kind is SelectorKind.Style or SelectorKind.Brand or SelectorKind.Category)
                .OverridePropertyName("selector.guid");
            RuleFor(r => r.Selector!.Guid).Null().When(r => r.Selector!.Kind is SelectorKind.Variants or SelectorKind.All)
                .WithMessage("applies to style, brand and category only").OverridePropertyName("selector.guid");
            RuleFor(r => r.Selector!.VariantGuids).NotNull().WithMessage("is required for kind variants")
                .Must(v => v is null || v.Count is >= 1 and <= MaxVariants).WithMessage($"names 1–{MaxVariants} variants")
                .Must(v => v is null || v.All(g => g is not null && System.Guid.TryParse(g.Trim(), out _))).WithMessage("each must be a guid")
                .Must(v => v is null || v.Select(g => g?.Trim().ToLowerInvariant()).Distinct().Count() == v.Count).WithMessage("names each variant once")
                .When(r => r.Selector!.Kind == SelectorKind.Variants).OverridePropertyName("selector.variant_guids");
            RuleFor(r => r.Selector!.VariantGuids).Null().When(r => r.Selector!.Kind is not SelectorKind.Variants and not null)
                .WithMessage("applies to kind variants only").OverridePropertyName("selector.variant_guids");
        });
    }
}

public sealed class RunKeyRequestValidator : AbstractValidator<RunKeyRequest>
{
    public RunKeyRequestValidator() => RuleFor(r => r.RunGuid).RequiredGuid();
}

public sealed class ManifestListRequestValidator : AbstractValidator<ManifestListRequest>
{
    public ManifestListRequestValidator()
    {
        RuleFor(r => r.RunGuid).RequiredGuid();
        this.AddPagingRules();
    }
}

/// <summary>
/// Publish runs (UC-PMC-001, UC-PMC-002): the run record, and the workflow instance <see cref="PublishRun.InstanceIdOf"/>
/// that carries it through select, evaluate, write, manifest and finish.
/// </summary>
public static class RunsApi
{
    public static RouteGroupBuilder MapRunEndpoints(this IEndpointRouteBuilder routes)
    {
        var runs = routes.MapGroup("/publish/run").WithTags("Publish runs");
        runs.MapPost("/start", Start).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Start a publish run for a channel: variants, a style, a brand, a category or all; auto or manual; online at the end or not (202).");
        runs.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("A run: status, stage, counts (selected, published, excluded by rule, revisions) and its manifest parts.");
        runs.MapPost("/step", Step).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Advance a manual run by one stage (409 run_not_waiting unless it waits for a step).");
        runs.MapPost("/cancel", Cancel).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Cancel a run: it stops after the page it is on; nothing of it goes online.");
        runs.MapPost("/manifest/list", ManifestList).RequireRole(Role.Viewer)
            .WithSummary("A page of the run's manifest: one entry per variant, included or excluded with the rule (during and after the run).");
        runs.MapPost("/manifest/presign", ManifestPresign).RequireRole(Role.Viewer)
            .WithSummary("The run's manifest parts (gzip NDJSON in MRS) with signed download URLs (422 manifest_not_ready before the manifest stage).");
        return runs;
    }

    public static async Task<Results<Accepted<RunView>, ProblemHttpResult>> Start(StartRunRequest request, RecordStore<PublishRun> runs,
        RecordStore<PublishProfile> profiles, IOrgDirectory directory, RunSources sources, IWorkflowScheduler scheduler,
        Microsoft.Extensions.Options.IOptions<RunOptions> options, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (channel, _, problem) = RunChecks.Channel(request.ChannelCode, context);
        if (problem is not null)
        {
            return problem;
        }
        if (await RunChecks.ChannelProblemAsync(directory, orgcode, channel!, ct) is { } badChannel)
        {
            return badChannel;
        }
        var facility = RequestRules.Trimmed(request.FacilityCode) is { } f ? Codes.Normalize(f) : null;
        if (facility is not null && await RunChecks.FacilityProblemAsync(directory, orgcode, facility, ct) is { } badFacility)
        {
            return badFacility;
        }
        var selector = new RunSelector(request.Selector!.Kind!.Value, request.Selector.Guid?.Trim().ToLowerInvariant(),
            request.Selector.VariantGuids?.Select(v => v.Trim().ToLowerInvariant()).ToList());
        if (await SelectorProblemAsync(sources, orgcode, selector, ct) is { } badSelector)
        {
            return badSelector;
        }
        var profile = await ProfilesApi.LoadAsync(profiles, orgcode, channel!, ct);
        var run = new PublishRun
        {
            RunGuid = Ids.New(),
            ChannelCode = channel!,
            FacilityCode = facility ?? profile.FacilityCode,
            Selector = selector,
            Reason = request.Reason!.Trim(),
            Mode = request.Mode ?? RunMode.Auto,
            GoOnline = request.GoOnline ?? false,
            Profile = profile,
            StartedBy = context.Principal?.Id,
        };
        var write = await runs.CreateAsync(orgcode, run, [RunLedger.Changed(PmcEvents.RunStarted, orgcode, run)], ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        var input = JsonSerializer.SerializeToElement(new RunWorkflowInput(orgcode, run.RunGuid, RunStage.Select, options.Value.PagesPerGeneration), RetailJson.Storage);
        await scheduler.StartAsync(nameof(PublishRunWorkflow), PublishRun.InstanceIdOf(orgcode, run.RunGuid), input, ct);
        return TypedResults.Accepted((string?)null, RunView.Of(write.Record!));
    }

    public static async Task<Results<Ok<RunView>, ProblemHttpResult>> Get(RunKeyRequest request, RecordStore<PublishRun> runs, RequestContext context,
        CancellationToken ct)
    {
        var loaded = await runs.GetAsync(context.RequireOrgcode(), Key(request.RunGuid), ct: ct);
        return loaded is null ? ApiProblem.NotFound("No such publish run.") : TypedResults.Ok(RunView.Of(loaded.Record));
    }

    /// <summary>Flips a waiting manual run back to running (ETag-checked, so two steps never both pass), then tells the workflow.</summary>
    public static async Task<Results<Ok<RunView>, ProblemHttpResult>> Step(RunKeyRequest request, RecordStore<PublishRun> runs,
        IWorkflowScheduler scheduler, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = await runs.GetAsync(orgcode, Key(request.RunGuid), ct: ct);
        if (loaded is null)
        {
            return ApiProblem.NotFound("No such publish run.");
        }
        var run = loaded.Record;
        if (run.IsFinished)
        {
            return PmcProblems.RunFinished($"The run is {SnakeCase.Name(run.Status)}.");
        }
        if (run.Status != RunStatus.AwaitingStep)
        {
            return PmcProblems.RunNotWaiting(run.Mode == RunMode.Auto
                ? "The run advances on its own (mode auto)."
                : $"The run is still on its {SnakeCase.Name(run.Stage)} stage.");
        }
        var write = await runs.UpdateAsync(orgcode, loaded, run with { Status = RunStatus.Running }, ct: ct);
        if (!write.Succeeded)
        {
            return PmcProblems.RunNotWaiting("The run changed meanwhile; read it again.");
        }
        await scheduler.RaiseEventAsync(PublishRun.InstanceIdOf(orgcode, run.RunGuid), PublishRunWorkflow.StepEvent, null, ct);
        return TypedResults.Ok(RunView.Of(write.Record!));
    }

    /// <summary>Marks the run cancelled (ETag-checked: against a finishing run, one of them wins) and ends its workflow.</summary>
    public static async Task<Results<Ok<RunView>, ProblemHttpResult>> Cancel(RunKeyRequest request, RecordStore<PublishRun> runs,
        IWorkflowScheduler scheduler, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        for (var attempt = 0; ; attempt++)
        {
            var loaded = await runs.GetAsync(orgcode, Key(request.RunGuid), ct: ct);
            if (loaded is null)
            {
                return ApiProblem.NotFound("No such publish run.");
            }
            var run = loaded.Record;
            if (run.IsFinished)
            {
                return PmcProblems.RunFinished($"The run is {SnakeCase.Name(run.Status)}.");
            }
            var cancelled = run with { Status = RunStatus.Cancelled, CancelledBy = context.Principal?.Id, FinishedAt = clock.GetUtcNow() };
            var write = await runs.UpdateAsync(orgcode, loaded, cancelled, "status_changed", [RunLedger.Changed(PmcEvents.RunFinished, orgcode, cancelled)], ct);
            if (write.Succeeded)
            {
                await scheduler.TerminateAsync(PublishRun.InstanceIdOf(orgcode, run.RunGuid), null, ct);
                return TypedResults.Ok(RunView.Of(write.Record!));
            }
            if (attempt >= 4)
            {
                return write.Problem();
            }
        }
    }

    /// <summary>The run's items in selection order, one entry per variant named so far (selected items have none until evaluated).</summary>
    public static async Task<Results<Ok<Page<ManifestEntry>>, ProblemHttpResult>> ManifestList(ManifestListRequest request, RecordStore<PublishRun> runs,
        RecordStore<RunItem> items, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var runGuid = Key(request.RunGuid);
        if (await runs.GetAsync(orgcode, runGuid, ct: ct) is null)
        {
            return ApiProblem.NotFound("No such publish run.");
        }
        var page = await items.ListAsync(orgcode, [StateFilter.Eq("run_guid", runGuid)], Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("seq")], ct: ct);
        return TypedResults.Ok(new Page<ManifestEntry>(page.Items.SelectMany(Entries).ToList(), page.NextToken));
    }

    public static async Task<Results<Ok<ManifestPresignAnswer>, ProblemHttpResult>> ManifestPresign(RunKeyRequest request, RecordStore<PublishRun> runs,
        RunSources sources, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var loaded = await runs.GetAsync(orgcode, Key(request.RunGuid), ct: ct);
        if (loaded is null)
        {
            return ApiProblem.NotFound("No such publish run.");
        }
        var run = loaded.Record;
        if (run.Stage < RunStage.Finish || (run.Stage == RunStage.Finish && run.Manifest.Count == 0))
        {
            return PmcProblems.ManifestNotReady($"The run is on its {SnakeCase.Name(run.Stage)} stage; the manifest is built after write.");
        }
        var parts = new List<PresignedPart>();
        foreach (var part in run.Manifest)
        {
            var meta = await sources.MetaAsync(orgcode, part.RecordGuid, ct);
            parts.Add(new PresignedPart(part.Part, part.RecordGuid, part.Lines, part.SizeBytes, meta?.DownloadUrl, meta?.DownloadExpiresAt));
        }
        return TypedResults.Ok(new ManifestPresignAnswer(run.RunGuid, parts));
    }

    /// <summary>The manifest lines of one item, as the NDJSON parts hold them.</summary>
    public static IEnumerable<ManifestEntry> Entries(RunItem item) => item.Verdicts.Select(v =>
        new ManifestEntry(item.StyleGuid, item.StyleCode, v.VariantGuid, v.VariantCode, v.Included, v.Rule, v.Detail, v.Included ? item.RevisionNo : null));

    private static string Key(string? guid) => guid!.Trim().ToLowerInvariant();

    private static async Task<ProblemHttpResult?> SelectorProblemAsync(RunSources sources, string orgcode, RunSelector selector, CancellationToken ct)
    {
        (string Path, object Body, string What)? ask = selector.Kind switch
        {
            SelectorKind.Style => ("/style/get", new { style_guid = selector.Guid }, "style"),
            SelectorKind.Brand => ("/brand/get", new { brand_guid = selector.Guid }, "brand"),
            SelectorKind.Category => ("/category/get", new { category_guid = selector.Guid }, "category"),
            _ => null,
        };
        if (ask is { } one)
        {
            return Exists(await sources.ExistsAsync(orgcode, one.Path, one.Body, ct), "selector.guid", $"No {one.What} '{selector.Guid}' in this org.");
        }
        if (selector.Kind == SelectorKind.Variants)
        {
            for (var i = 0; i < selector.VariantGuids!.Count; i++)
            {
                var guid = selector.VariantGuids[i];
                if (Exists(await sources.ExistsAsync(orgcode, "/variant/get", new { variant_guid = guid }, ct), $"selector.variant_guids[{i}]",
                        $"No variant '{guid}' in this org.") is { } problem)
                {
                    return problem;
                }
            }
        }
        return null;
    }

    private static ProblemHttpResult? Exists(bool? exists, string field, string detail) => exists switch
    {
        true => null,
        false => PmcProblems.UnknownReference(field, detail),
        null => ApiProblem.DependencyUnavailable("The product service (PVM)"),
    };
}
