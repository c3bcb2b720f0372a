using System.Text.Json;
using Dapr.Workflow;
using Microsoft.Extensions.Options;
using Retail.Shared;
using Retail.Utl.Exports;
using Retail.Utl.Sources;

namespace Retail.Utl.Offboarding;

public sealed record OffboardingInput(string OffboardingGuid, string Orgcode);

/// <param name="Reused">A completed export within the reuse window was taken: nothing to export.</param>
public sealed record PreparedExport(bool Cancelled, string ExportGuid, bool Reused, IReadOnlyList<string> Services);

/// <summary>Where the offboarding stands for the workflow: cancelled, held, or free to go on.</summary>
public sealed record OffboardingGate(bool Cancelled, bool Held, DateTimeOffset? CoolingOffUntil);

public sealed record PurgeStepInput(string OffboardingGuid, string Orgcode, string App);

public sealed record OffboardingFailInput(string OffboardingGuid, string Orgcode, string Failure);

/// <summary>
/// ExportFreezePurge (instance <see cref="OffboardingRequest.InstanceIdOf"/>): export (or reuse a recent one) → verify the
/// manifest → freeze the org in OFM → a durable cooling-off timer (cancel possible) → wait while a legal hold stands
/// (<c>on_hold</c>) → purge every service in bounded batches (OFM last, keeping the org record) → verify every service
/// reports zero → close the org and keep the certificate. Every step reads the request first and writes it on its latest
/// revision, so a step run again after a crash has its effect once; cancel and hold changes come as <see cref="Signal"/>
/// and are read from the records, so a signal lost in a crash only delays the workflow until its timer.
/// </summary>
public sealed class OffboardingWorkflow : Workflow<OffboardingInput, string>
{
    public const string Signal = "offboarding_changed";

    public override async Task<string> RunAsync(WorkflowContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = ExportSteps.Retry;
        try
        {
            context.SetCustomStatus(new { step = "export" });
            var export = await context.CallActivityAsync<PreparedExport>(nameof(PrepareExportActivity), input, retry);
            if (export.Cancelled)
            {
                return await CancelledAsync(context, input);
            }
            if (!export.Reused)
            {
                await ExportSteps.RunAsync(context, new ExportInput(export.ExportGuid, input.Orgcode, export.Services));
            }
            context.SetCustomStatus(new { step = "verify_export" });
            await context.CallActivityAsync<string>(nameof(VerifyExportActivity), input, retry);

            context.SetCustomStatus(new { step = "freeze" });
            var gate = await context.CallActivityAsync<OffboardingGate>(nameof(FreezeActivity), input, retry);
            while (!gate.Cancelled && gate.CoolingOffUntil is { } until && until > context.CurrentUtcDateTime)
            {
                context.SetCustomStatus(new { step = "cooling_off" });
                await WaitAsync(context, until - context.CurrentUtcDateTime);
                gate = await context.CallActivityAsync<OffboardingGate>(nameof(ReadGateActivity), input, retry);
            }
            while (true)
            {
                if (gate.Cancelled)
                {
                    return await CancelledAsync(context, input);
                }
                gate = await context.CallActivityAsync<OffboardingGate>(nameof(BeginPurgeActivity), input, retry);
                if (gate.Cancelled)
                {
                    return await CancelledAsync(context, input);
                }
                if (!gate.Held)
                {
                    break;
                }
                context.SetCustomStatus(new { step = "on_hold" });
                var recheck = await context.CallActivityAsync<double>(nameof(HoldRecheckActivity), input, retry);
                await WaitAsync(context, TimeSpan.FromSeconds(recheck));
                gate = await context.CallActivityAsync<OffboardingGate>(nameof(ReadGateActivity), input, retry);
            }

            for (var round = 0; ; round++)
            {
                foreach (var app in export.Services.Contains("ofm") ? export.Services.Where(a => a != "ofm").Append("ofm") : export.Services)
                {
                    context.SetCustomStatus(new { step = "purge", app });
                    PurgeProgress step;
                    do
                    {
                        step = await context.CallActivityAsync<PurgeProgress>(nameof(PurgeServiceActivity), new PurgeStepInput(input.OffboardingGuid, input.Orgcode, app), retry);
                    }
                    while (!step.Done);
                }
                context.SetCustomStatus(new { step = "verify_purge" });
                var left = await context.CallActivityAsync<long>(nameof(VerifyPurgeActivity), input, retry);
                if (left == 0)
                {
                    break;
                }
                if (round >= 2)
                {
                    throw new InvalidOperationException($"{left} items of {input.Orgcode} are left after three purge rounds");
                }
            }
            context.SetCustomStatus(new { step = "close" });
            return await context.CallActivityAsync<string>(nameof(ClosePurgeActivity), input, retry);
        }
        catch (Exception e) when (e is WorkflowTaskFailedException or InvalidOperationException)
        {
            await context.CallActivityAsync<string>(nameof(FailOffboardingActivity), new OffboardingFailInput(input.OffboardingGuid, input.Orgcode, e.Message), retry);
            return "failed";
        }
    }

    private static async Task WaitAsync(WorkflowContext context, TimeSpan timeout)
    {
        try
        {
            await context.WaitForExternalEventAsync<JsonElement>(Signal, timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
        }
        catch (TaskCanceledException)
        {
            // The timer won: the records are read anyway.
        }
    }

    private static async Task<string> CancelledAsync(WorkflowContext context, OffboardingInput input)
    {
        context.SetCustomStatus(new { step = "cancelled" });
        return await context.CallActivityAsync<string>(nameof(UnfreezeActivity), input, ExportSteps.Retry);
    }
}

/// <summary>Shared reads and writes of the offboarding steps.</summary>
public sealed class OffboardingSteps(RecordStore<OffboardingRequest> requests, RecordStore<LegalHold> holds, TimeProvider clock)
{
    public RecordStore<OffboardingRequest> Requests => requests;

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<OffboardingRequest> GetAsync(string guid) =>
        (await requests.GetAsync(null, guid))?.Record ?? throw new InvalidOperationException($"offboarding {guid} is gone");

    public async Task<bool> HeldAsync(string orgcode) => (await holds.GetAsync(null, orgcode))?.Record.Held == true;

    /// <summary>Moves a live request on (never a cancelled, failed or purged one); answers it as it stands.</summary>
    public Task<OffboardingRequest?> AdvanceAsync(string guid, Func<OffboardingRequest, OffboardingRequest?> next, Func<OffboardingRequest, DomainEvent?>? @event = null) =>
        UtlRecords.ChangeAsync(requests, guid, r =>
        {
            if (!r.IsLive || next(r) is not { } changed || changed == r)
            {
                return null;
            }
            var e = @event?.Invoke(changed with { Revision = r.Revision + 1 });
            return (changed, e is null ? null : [e]);
        }, "status_changed");

    public static DomainEvent Event(string type, OffboardingRequest r, string? reason, string? by) =>
        new(type, new OffboardingChanged(r.Orgcode, r.OffboardingGuid, r.Stage, reason, by, r.Revision), $"offboarding/{r.OffboardingGuid}");
}

/// <summary>Step 1: reuse the org's export completed within the window, or create a new one for the workflow to run.</summary>
public sealed class PrepareExportActivity(OffboardingSteps steps, RecordStore<Export> exports, IOptions<UtlOptions> options)
    : WorkflowActivity<OffboardingInput, PreparedExport>
{
    public override async Task<PreparedExport> RunAsync(WorkflowActivityContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await steps.GetAsync(input.OffboardingGuid);
        var all = options.Value.PurgeOrder();
        if (!request.Cancellable)
        {
            return new PreparedExport(true, request.ExportGuid ?? "", true, all);
        }
        if (request.ExportGuid is { } chosen && (await exports.GetAsync(null, chosen))?.Record is { } existing)
        {
            return new PreparedExport(false, chosen, existing.Status == ExportStatus.Completed, [.. existing.Services.Select(s => s.App)]);
        }
        var recent = await ExportsApi.FindAsync(exports, input.Orgcode, null, CancellationToken.None);
        if (recent is not null && recent.OffboardingGuid == request.OffboardingGuid)
        {
            // An earlier run of this step created it and stopped before the request named it: take it, not a second export.
            var adopted = await steps.AdvanceAsync(input.OffboardingGuid, r => r with { ExportGuid = recent.ExportGuid, Stage = OffboardingStage.Exporting });
            return new PreparedExport(adopted is null || !adopted.IsLive, recent.ExportGuid, recent.Status == ExportStatus.Completed,
                [.. recent.Services.Select(s => s.App)]);
        }
        var reuse = recent is { Status: ExportStatus.Completed, CompletedAt: { } at } && steps.Now - at <= options.Value.ExportReuseWindow
            && all.All(app => recent.Services.Any(s => s.App == app));
        var export = reuse ? recent! : new Export
        {
            ExportGuid = Ids.New(),
            Orgcode = input.Orgcode,
            Services = [.. all.Select(app => new ExportService(app, "pending", 0, []))],
            RequestedBy = request.StartedBy,
            OffboardingGuid = request.OffboardingGuid,
        };
        if (!reuse)
        {
            var created = await exports.CreateAsync(null, export);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"export of offboarding {request.OffboardingGuid} not created: {created.Outcome}");
            }
        }
        var after = await steps.AdvanceAsync(input.OffboardingGuid, r => r with { ExportGuid = export.ExportGuid, Stage = OffboardingStage.Exporting });
        return new PreparedExport(after is null || !after.IsLive, export.ExportGuid, reuse, reuse ? [.. export.Services.Select(s => s.App)] : all);
    }
}

/// <summary>Step 2: the manifest and every file it lists exist in MRS, with the SHA-256 and counts it says.</summary>
public sealed class VerifyExportActivity(OffboardingSteps steps, RecordStore<Export> exports, UtlCalls calls) : WorkflowActivity<OffboardingInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await steps.AdvanceAsync(input.OffboardingGuid, r => r.Stage == OffboardingStage.Exporting ? r with { Stage = OffboardingStage.VerifyingExport } : null)
            ?? await steps.GetAsync(input.OffboardingGuid);
        var export = (await exports.GetAsync(null, request.ExportGuid!))?.Record ?? throw new InvalidOperationException($"export {request.ExportGuid} is gone");
        var problem = await ExportVerifier.ProblemAsync(calls, export, CancellationToken.None);
        return problem is null ? "verified" : throw new InvalidOperationException($"export {export.ExportGuid} does not verify: {problem}");
    }
}

/// <summary>Checks an export against its manifest in MRS.</summary>
public static class ExportVerifier
{
    /// <summary>What is wrong with the export's files, or null when the manifest and every file match.</summary>
    public static async Task<string?> ProblemAsync(UtlCalls calls, Export export, CancellationToken ct)
    {
        if (export.Status != ExportStatus.Completed || export.ManifestRecordGuid is null)
        {
            return "not completed";
        }
        var manifestBytes = await calls.DownloadAsync(export.Orgcode, export.ManifestRecordGuid, ct);
        if (manifestBytes is null || UtlCalls.Sha256(manifestBytes) != export.ManifestSha256)
        {
            return "the manifest is missing or its SHA-256 differs";
        }
        var manifest = JsonSerializer.Deserialize<ExportManifest>(UtlCalls.Gunzip(manifestBytes), Retail.Shared.Json.RetailJson.Storage)!;
        foreach (var file in manifest.Services.SelectMany(s => s.Files))
        {
            var bytes = await calls.DownloadAsync(export.Orgcode, file.RecordGuid, ct);
            if (bytes is null)
            {
                return $"{file.Name} is missing";
            }
            if (UtlCalls.Sha256(bytes) != file.Sha256)
            {
                return $"{file.Name}: SHA-256 differs";
            }
            if (ExportParts.CountLines(UtlCalls.Gunzip(bytes)) != file.Records)
            {
                return $"{file.Name}: record count differs";
            }
        }
        return manifest.Services.Sum(s => s.Records) == export.TotalRecords ? null : "the total differs";
    }
}

/// <summary>Step 3: the org <c>frozen</c> in OFM (writes refused everywhere), then the cooling-off period begins.</summary>
public sealed class FreezeActivity(OffboardingSteps steps, UtlCalls calls, IOptions<UtlOptions> options) : WorkflowActivity<OffboardingInput, OffboardingGate>
{
    public override async Task<OffboardingGate> RunAsync(WorkflowActivityContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await steps.GetAsync(input.OffboardingGuid);
        if (!request.Cancellable)
        {
            return new OffboardingGate(!request.IsLive, false, request.CoolingOffUntil);
        }
        if (request.CoolingOffUntil is null)
        {
            await calls.SetOrgStatusAsync(input.Orgcode, "frozen", "offboarding", $"utl-offboarding:{input.OffboardingGuid}:freeze", CancellationToken.None);
            var now = steps.Now;
            request = await steps.AdvanceAsync(input.OffboardingGuid,
                r => r.CoolingOffUntil is not null ? null : r with { Stage = OffboardingStage.CoolingOff, FrozenAt = now, CoolingOffUntil = now + options.Value.CoolingOff },
                r => OffboardingSteps.Event(UtlEvents.OffboardingFrozen, r, null, "service:utl")) ?? await steps.GetAsync(input.OffboardingGuid);
        }
        return new OffboardingGate(!request.IsLive, false, request.CoolingOffUntil);
    }
}

/// <summary>Reads whether the request was cancelled and whether a legal hold stands.</summary>
public sealed class ReadGateActivity(OffboardingSteps steps) : WorkflowActivity<OffboardingInput, OffboardingGate>
{
    public override async Task<OffboardingGate> RunAsync(WorkflowActivityContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await steps.GetAsync(input.OffboardingGuid);
        return new OffboardingGate(request.Stage == OffboardingStage.Cancelled, await steps.HeldAsync(input.Orgcode), request.CoolingOffUntil);
    }
}

public sealed class HoldRecheckActivity(IOptions<UtlOptions> options) : WorkflowActivity<OffboardingInput, double>
{
    public override Task<double> RunAsync(WorkflowActivityContext context, OffboardingInput input) => Task.FromResult(options.Value.HoldRecheck.TotalSeconds);
}

/// <summary>
/// Step 4: the point of no return. Cancelled: nothing. Held: <c>on_hold</c>. Otherwise <c>purging</c>, written on the
/// request's revision, so a cancel committed meanwhile wins and the purge does not begin.
/// </summary>
public sealed class BeginPurgeActivity(OffboardingSteps steps) : WorkflowActivity<OffboardingInput, OffboardingGate>
{
    public override async Task<OffboardingGate> RunAsync(WorkflowActivityContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var held = await steps.HeldAsync(input.Orgcode);
        var request = await steps.AdvanceAsync(input.OffboardingGuid, r => r.Stage is OffboardingStage.Purging or OffboardingStage.VerifyingPurge ? null
            : r with { Stage = held ? OffboardingStage.OnHold : OffboardingStage.Purging }) ?? await steps.GetAsync(input.OffboardingGuid);
        return new OffboardingGate(request.Stage == OffboardingStage.Cancelled, request.Stage == OffboardingStage.OnHold, request.CoolingOffUntil);
    }
}

/// <summary>
/// Step 5, per service: up to <c>PurgeCallsPerStep</c> bounded /orgdata/purge calls; the progress kept on the request. What
/// the service holds is counted (verify) and kept before its first batch, and again after each run, so the deletions of a
/// run that stopped before it recorded them are still counted by the next (the purge itself answers only for its own call).
/// </summary>
public sealed class PurgeServiceActivity(OffboardingSteps steps, UtlCalls calls, IOptions<UtlOptions> options) : WorkflowActivity<PurgeStepInput, PurgeProgress>
{
    public override async Task<PurgeProgress> RunAsync(WorkflowActivityContext context, PurgeStepInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((await steps.GetAsync(input.OffboardingGuid)).Purge.All(p => p.App != input.App))
        {
            var found = (await calls.VerifyAsync(input.Orgcode, input.App, CancellationToken.None)).Total;
            await UtlRecords.ChangeAsync(steps.Requests, input.OffboardingGuid, r => r.Purge.Any(p => p.App == input.App) ? null
                : (r with { Purge = [.. r.Purge, new PurgeProgress(input.App, 0, false, found)] }, null));
        }
        long deleted = 0;
        var done = false;
        for (var call = 0; call < options.Value.PurgeCallsPerStep && !done; call++)
        {
            var step = await calls.PurgeAsync(input.Orgcode, input.App, options.Value.PurgeBatchSize, CancellationToken.None);
            deleted += step.Deleted;
            done = step.Done;
        }
        // Done means a count found nothing left.
        var left = done ? 0 : (await calls.VerifyAsync(input.Orgcode, input.App, CancellationToken.None)).Total;
        var after = await UtlRecords.ChangeAsync(steps.Requests, input.OffboardingGuid, r =>
            (r with { Purge = [.. r.Purge.Select(p => p.App == input.App ? PurgeCount.After(p, deleted, left, done) : p)] }, null));
        return after!.Purge.First(p => p.App == input.App);
    }
}

/// <summary>How a service's purge progress moves on after a run of <see cref="PurgeServiceActivity"/>.</summary>
public static class PurgeCount
{
    /// <summary>
    /// The run deleted <paramref name="deleted"/> and left <paramref name="left"/>. What went since the last count is at least
    /// what this run deleted, and more when a run before it stopped after deleting but before recording; data that arrived
    /// meanwhile (the difference would undercount) is covered by the run's own count.
    /// </summary>
    public static PurgeProgress After(PurgeProgress before, long deleted, long left, bool done)
    {
        ArgumentNullException.ThrowIfNull(before);
        var gone = Math.Max(deleted, (before.Remaining ?? 0) - left);
        return before with { Deleted = before.Deleted + gone, Done = done, Remaining = left };
    }
}

/// <summary>Step 6: every service's /orgdata/verify; answers what is left in total (0: purged).</summary>
public sealed class VerifyPurgeActivity(OffboardingSteps steps, UtlCalls calls) : WorkflowActivity<OffboardingInput, long>
{
    public override async Task<long> RunAsync(WorkflowActivityContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await steps.AdvanceAsync(input.OffboardingGuid, r => r with { Stage = OffboardingStage.VerifyingPurge }) ?? await steps.GetAsync(input.OffboardingGuid);
        var left = new Dictionary<string, long>();
        foreach (var app in request.Purge.Select(p => p.App))
        {
            left[app] = (await calls.VerifyAsync(input.Orgcode, app, CancellationToken.None)).Total;
        }
        await UtlRecords.ChangeAsync(steps.Requests, input.OffboardingGuid, r =>
            (r with { Purge = [.. r.Purge.Select(p => p with { Remaining = left.GetValueOrDefault(p.App), Done = p.Done && left.GetValueOrDefault(p.App) == 0 })] }, null));
        return left.Values.Sum();
    }
}

/// <summary>Step 7: the org <c>closed</c> in OFM and the request <c>purged</c> with its certificate (offboarding.purged).</summary>
public sealed class ClosePurgeActivity(OffboardingSteps steps, RecordStore<Export> exports, UtlCalls calls) : WorkflowActivity<OffboardingInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await calls.SetOrgStatusAsync(input.Orgcode, "closed", "offboarded: data purged", $"utl-offboarding:{input.OffboardingGuid}:close", CancellationToken.None);
        var request = await steps.GetAsync(input.OffboardingGuid);
        var export = request.ExportGuid is null ? null : (await exports.GetAsync(null, request.ExportGuid))?.Record;
        var now = steps.Now;
        await steps.AdvanceAsync(input.OffboardingGuid, r => r with
        {
            Stage = OffboardingStage.Purged,
            Certificate = new PurgeCertificate(r.Orgcode, r.OffboardingGuid, r.RequestedBy, r.Reason, r.StartedBy, r.RequestedAt, r.StartedAt, now,
                export?.ExportGuid, export?.ManifestSha256, export?.TotalRecords ?? 0, r.Purge),
        }, r => OffboardingSteps.Event(UtlEvents.OffboardingPurged, r, null, "service:utl"));
        return "purged";
    }
}

/// <summary>After a cancel: the org active again in OFM (when it was frozen).</summary>
public sealed class UnfreezeActivity(UtlCalls calls) : WorkflowActivity<OffboardingInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, OffboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = await calls.OrgAsync(input.Orgcode, CancellationToken.None);
        if (org.Status == "frozen")
        {
            await calls.SetOrgStatusAsync(input.Orgcode, "active", "offboarding cancelled", $"utl-offboarding:{input.OffboardingGuid}:unfreeze", CancellationToken.None);
        }
        return "cancelled";
    }
}

/// <summary>A step failed for good: the request <c>failed</c> with the reason; an org frozen before the purge began is active again.</summary>
public sealed class FailOffboardingActivity(OffboardingSteps steps, UtlCalls calls) : WorkflowActivity<OffboardingFailInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, OffboardingFailInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var failure = input.Failure.Length > 1000 ? input.Failure[..1000] : input.Failure;
        var before = await steps.GetAsync(input.OffboardingGuid);
        await steps.AdvanceAsync(input.OffboardingGuid, r => r with { Stage = OffboardingStage.Failed, Failure = failure });
        if (before.Cancellable && (await calls.OrgAsync(input.Orgcode, CancellationToken.None)).Status == "frozen")
        {
            await calls.SetOrgStatusAsync(input.Orgcode, "active", "offboarding failed before the purge", $"utl-offboarding:{input.OffboardingGuid}:unfreeze", CancellationToken.None);
        }
        return "failed";
    }
}
