using System.Text.Json;
using FluentValidation;
using Retail.Shared;
using Retail.Shared.Json;
using Retail.Utl.Sources;
using Retail.Workflows.Scheduling;

namespace Retail.Utl.Offboarding;

public sealed record OffboardingRequestBody(string? Orgcode, string? Reason);

public sealed record OffboardingChangeRequest(string? Orgcode, long? ExpectedRevision);

public sealed record OffboardingStatusRequest(string? Orgcode);

/// <param name="Held">True sets the hold, false lifts it.</param>
public sealed record LegalHoldRequest(string? Orgcode, bool? Held, string? Reason, long? ExpectedRevision);

/// <summary>An org's offboarding as /offboarding/status shows it: the request (stage, purge counts, certificate) and the legal hold.</summary>
public sealed record OffboardingView(OffboardingRequest? Offboarding, LegalHold? LegalHold);

public sealed class OffboardingRequestBodyValidator : AbstractValidator<OffboardingRequestBody>
{
    public OffboardingRequestBodyValidator()
    {
        RuleFor(r => r.Orgcode).OptionalCode();
        RuleFor(r => r.Reason).RequiredText(1000);
    }
}

public sealed class OffboardingChangeRequestValidator : AbstractValidator<OffboardingChangeRequest>
{
    public OffboardingChangeRequestValidator()
    {
        RuleFor(r => r.Orgcode).OptionalCode();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class OffboardingStatusRequestValidator : AbstractValidator<OffboardingStatusRequest>
{
    public OffboardingStatusRequestValidator() => RuleFor(r => r.Orgcode).OptionalCode();
}

public sealed class LegalHoldRequestValidator : AbstractValidator<LegalHoldRequest>
{
    public LegalHoldRequestValidator()
    {
        RuleFor(r => r.Orgcode).OptionalCode();
        RuleFor(r => r.Held).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).RequiredText(1000).When(r => r.Held == true);
        RuleFor(r => r.Reason).Text(1000);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
    }
}

/// <summary>
/// /offboarding/request|cancel|status, /start and /legal-hold/set (UC-UTL-001): an owner asks, an operator starts (two people
/// destroy an org's data), the owner or the operator cancels until the purge begins, the operator holds.
/// </summary>
public static class OffboardingApi
{
    public static IEndpointRouteBuilder MapOffboardingApi(this IEndpointRouteBuilder routes)
    {
        var offboarding = routes.MapGroup("/offboarding").WithTags("UTL offboarding");
        offboarding.MapPost("/request", Request).RequireRole(Role.Owner).AsWrite()
            .WithSummary("Ask for the org to be offboarded (owner, with a reason): recorded until an operator starts it.");
        // Not AsWrite: cancel must work while the org is frozen (which refuses writes); the revision check makes it safe to repeat.
        offboarding.MapPost("/cancel", Cancel).RequireRole(Role.Owner)
            .WithSummary("Cancel the org's offboarding until its purge begins (expected_revision): the org is active again.");
        offboarding.MapPost("/status", Status).RequireRole(Role.Owner)
            .WithSummary("The org's offboarding: its stage, per-service purge counts, the purge certificate once purged, and any legal hold.");
        routes.MapPost("/start", Start).RequireOperator().AsWrite().WithTags("UTL offboarding")
            .WithSummary("Start a requested offboarding (operator; expected_revision): export → verify → freeze → cooling-off → purge → verify → close.");
        routes.MapPost("/legal-hold/set", SetLegalHold).RequireOperator().AsWrite().WithTags("UTL offboarding")
            .WithSummary("Set or lift a legal hold on an org (operator): while held, an offboarding waits at on_hold before its purge.");
        return routes;
    }

    public static async Task<Results<Created<OffboardingRequest>, ProblemHttpResult>> Request(OffboardingRequestBody request,
        RecordStore<OffboardingRequest> requests, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await requests.FindAsync(null, "live_org", orgcode, ct) is { } live)
        {
            return UtlProblems.OffboardingInProgress(live.Record.OffboardingGuid, SnakeCase.Name(live.Record.Stage));
        }
        var by = context.Principal?.Id;
        var created = new OffboardingRequest
        {
            OffboardingGuid = Ids.New(),
            Orgcode = orgcode,
            Reason = request.Reason!.Trim(),
            RequestedBy = by,
            RequestedAt = clock.GetUtcNow(),
        };
        var write = await requests.CreateAsync(null, created with { Revision = 0 },
            [OffboardingSteps.Event(UtlEvents.OffboardingRequested, created with { Revision = 1 }, created.Reason, by)], ct);
        return write.ToCreated();
    }

    public static async Task<Results<Ok<OffboardingRequest>, ProblemHttpResult>> Start(OffboardingChangeRequest request,
        RecordStore<OffboardingRequest> requests, IWorkflowScheduler scheduler, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        if (OrgOf(request.Orgcode, context) is not { } orgcode)
        {
            return ApiProblem.Validation("orgcode", "is required (in x-orgcode or the body)");
        }
        var (loaded, problem) = await requests.LoadForChangeByAsync(null, "live_org", orgcode, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (current.StartedAt is not null)
        {
            // Started, but the process may have stopped before the workflow did: start it now (a duplicate start is refused).
            if (await scheduler.GetAsync(OffboardingRequest.InstanceIdOf(current.OffboardingGuid), ct) is null)
            {
                await StartWorkflowAsync(scheduler, current, ct);
                return TypedResults.Ok(current);
            }
            return UtlProblems.AlreadyStarted(current.OffboardingGuid, SnakeCase.Name(current.Stage));
        }
        var by = context.Principal?.Id;
        if (by is not null && by == current.RequestedBy)
        {
            return UtlProblems.SameRequester();
        }
        var next = current with { StartedBy = by, StartedAt = clock.GetUtcNow(), Stage = OffboardingStage.Exporting };
        var write = await requests.UpdateAsync(null, loaded, next, "status_changed",
            [OffboardingSteps.Event(UtlEvents.OffboardingStarted, next with { Revision = current.Revision + 1 }, null, by)], ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        await StartWorkflowAsync(scheduler, write.Record!, ct);
        return TypedResults.Ok(write.Record!);
    }

    private static Task StartWorkflowAsync(IWorkflowScheduler scheduler, OffboardingRequest request, CancellationToken ct) =>
        scheduler.StartAsync(nameof(OffboardingWorkflow), OffboardingRequest.InstanceIdOf(request.OffboardingGuid),
            JsonSerializer.SerializeToElement(new OffboardingInput(request.OffboardingGuid, request.Orgcode), RetailJson.Storage), ct);

    public static async Task<Results<Ok<OffboardingRequest>, ProblemHttpResult>> Cancel(OffboardingChangeRequest request,
        RecordStore<OffboardingRequest> requests, IWorkflowScheduler scheduler, UtlCalls calls, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await requests.LoadForChangeByAsync(null, "live_org", orgcode, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (!current.Cancellable)
        {
            return UtlProblems.NotCancellable(current.OffboardingGuid, SnakeCase.Name(current.Stage));
        }
        var by = context.Principal?.Id;
        var next = current with { Stage = OffboardingStage.Cancelled, CancelledBy = by, CancelledAt = clock.GetUtcNow() };
        var write = await requests.UpdateAsync(null, loaded, next, "status_changed",
            [OffboardingSteps.Event(UtlEvents.OffboardingCancelled, next with { Revision = current.Revision + 1 }, null, by)], ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        if (current.StartedAt is not null)
        {
            // The workflow unfreezes the org when it reads the cancel; this makes it visible at once (the same change, made once).
            await scheduler.RaiseEventAsync(OffboardingRequest.InstanceIdOf(current.OffboardingGuid), OffboardingWorkflow.Signal, null, ct);
            try
            {
                if ((await calls.OrgAsync(orgcode, ct)).Status == "frozen")
                {
                    await calls.SetOrgStatusAsync(orgcode, "active", "offboarding cancelled", $"utl-offboarding:{current.OffboardingGuid}:unfreeze", ct);
                }
            }
            catch (UtlCallException)
            {
                // The workflow will do it.
            }
        }
        return TypedResults.Ok(write.Record!);
    }

    public static async Task<Results<Ok<OffboardingView>, ProblemHttpResult>> Status(OffboardingStatusRequest request,
        RecordStore<OffboardingRequest> requests, RecordStore<LegalHold> holds, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var latest = await LatestAsync(requests, orgcode, ct);
        var hold = (await holds.GetAsync(null, orgcode, ct: ct))?.Record;
        return TypedResults.Ok(new OffboardingView(latest, hold));
    }

    /// <summary>The org's live offboarding, or its most recent one.</summary>
    public static async Task<OffboardingRequest?> LatestAsync(RecordStore<OffboardingRequest> requests, string orgcode, CancellationToken ct)
    {
        if (await requests.FindAsync(null, "live_org", orgcode, ct) is { } live)
        {
            return live.Record;
        }
        OffboardingRequest? latest = null;
        string? token = null;
        do
        {
            var page = await requests.ListAsync(null, [StateFilter.Eq("orgcode", orgcode)], 500, token, ct: ct);
            foreach (var r in page.Items)
            {
                if (latest is null || string.CompareOrdinal(r.OffboardingGuid, latest.OffboardingGuid) > 0)
                {
                    latest = r;
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        return latest;
    }

    public static async Task<Results<Ok<LegalHold>, ProblemHttpResult>> SetLegalHold(LegalHoldRequest request, RecordStore<LegalHold> holds,
        RecordStore<OffboardingRequest> requests, IWorkflowScheduler scheduler, RequestContext context, CancellationToken ct)
    {
        if (OrgOf(request.Orgcode, context) is not { } orgcode)
        {
            return ApiProblem.Validation("orgcode", "is required (in x-orgcode or the body)");
        }
        var (loaded, problem) = await holds.LoadForUpsertAsync(null, orgcode, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var hold = new LegalHold { Orgcode = orgcode, Held = request.Held!.Value, Reason = RequestRules.Trimmed(request.Reason), SetBy = context.Principal?.Id };
        var write = loaded is null ? await holds.CreateAsync(null, hold, ct: ct) : await holds.UpdateAsync(null, loaded, loaded.Record with
        {
            Held = hold.Held,
            Reason = hold.Reason,
            SetBy = hold.SetBy,
        }, ct: ct);
        if (!write.Succeeded)
        {
            return write.Problem();
        }
        if (await requests.FindAsync(null, "live_org", orgcode, ct) is { Record.StartedAt: not null } live)
        {
            await scheduler.RaiseEventAsync(OffboardingRequest.InstanceIdOf(live.Record.OffboardingGuid), OffboardingWorkflow.Signal, null, ct);
        }
        return TypedResults.Ok(write.Record!);
    }

    private static string? OrgOf(string? body, RequestContext context) =>
        body is { Length: > 0 } ? Codes.Normalize(body) : context.Orgcode;
}
