using Microsoft.Extensions.Options;

namespace Retail.Ics.Holds;

/// <summary>
/// Reservations, allocations and commitments (UC-ICS-002): stock held for an order moves <c>available</c> →
/// <c>reserved</c> → <c>allocated</c> → <c>committed</c>, one ledger change per step together with the hold record,
/// and back to <c>available</c> when released or expired. Reservations expire by themselves (<see cref="ReservationSweeper"/>).
/// </summary>
public static class HoldsApi
{
    public static IServiceCollection AddHolds(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HoldOptions>().Bind(configuration.GetSection(HoldOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HoldOptions>, HoldOptionsValidator>();
        services.AddScoped<HoldChanges>();
        services.AddScoped<HoldBatches>();
        services.AddSingleton<ReservationSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<ReservationSweeper>());
        return services;
    }

    public static IEndpointRouteBuilder MapHolds(this IEndpointRouteBuilder routes)
    {
        var reservations = routes.MapGroup("/reservation").WithTags("Reservations");
        reservations.MapPost("/create", CreateReservation).RequireRole(Role.Member).AsWrite()
            .WithSummary("Reserve a quantity of a variant (a kit: its components, all or none) at a facility for a reference, until its time to live runs out.");
        reservations.MapPost("/release", ReleaseReservation).RequireRole(Role.Member).AsWrite()
            .WithSummary("Release an active reservation: its stock goes back to available.");
        reservations.MapPost("/expire", ExpireReservation).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Expire an active reservation now (what the sweeper does when its time runs out); publishes reservation.expired.");

        var allocations = routes.MapGroup("/allocation").WithTags("Reservations");
        allocations.MapPost("/create", CreateAllocation).RequireRole(Role.Member).AsWrite()
            .WithSummary("Allocate stock: continue an active reservation (hold_guid), or take it straight from available.");
        allocations.MapPost("/release", ReleaseAllocation).RequireRole(Role.Member).AsWrite()
            .WithSummary("Release an active allocation: its stock goes back to available.");
        allocations.MapPost("/expire", ExpireAllocation).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Expire an active allocation now; its stock goes back to available and reservation.expired is published.");

        var commits = routes.MapGroup("/commit").WithTags("Reservations");
        commits.MapPost("/create", CreateCommit).RequireRole(Role.Member).AsWrite()
            .WithSummary("Commit stock to ship: continue an active reservation or allocation (hold_guid), or take it straight from available.");
        commits.MapPost("/release", ReleaseCommit).RequireRole(Role.Member).AsWrite()
            .WithSummary("Release an active commitment: its stock goes back to available.");

        var holds = routes.MapGroup("/hold").WithTags("Reservations");
        holds.MapPost("/get", GetHold).RequireRole(Role.Viewer)
            .WithSummary("A reservation, allocation or commitment by its guid, with its lines, status and expiry.");
        holds.MapPost("/list", ListHolds).RequireRole(Role.Viewer)
            .WithSummary("The holds of a reference, or of a variant at a facility; optionally of one status.");

        var batches = routes.MapGroup("/hold/batch").WithTags("Reservations");
        batches.MapPost("/reserve", ReserveBatch).RequireRole(Role.Member).AsWrite()
            .WithSummary("Reserve every line (1–100) for one reference, all or none, in one change: one hold per line; any short line refuses all (409 insufficient_stock naming the lines).");
        batches.MapPost("/continue", ContinueBatch).RequireRole(Role.Member).AsWrite()
            .WithSummary("Continue every named hold into allocated or committed, all or none, in one change.");
        batches.MapPost("/release", ReleaseBatch).RequireRole(Role.Member).AsWrite()
            .WithSummary("Release every named hold (or a quantity of it), all or none, in one change; skip_ended answers holds that already ended as they are.");
        return routes;
    }

    public static Task<Results<Created<Hold>, ProblemHttpResult>> CreateReservation(ReservationCreateRequest request, HoldChanges changes,
        RequestContext context, CancellationToken ct) =>
        changes.PlaceAsync(context.RequireOrgcode(), HoldStage.Reserved, Codes.Normalize(request.FacilityCode), request.VariantGuid!,
            request.Quantity!.Value, request.Reference!.ToReference(), request.TtlSeconds, ct);

    public static Task<Results<Ok<Hold>, ProblemHttpResult>> ReleaseReservation(HoldReleaseRequest request, HoldChanges changes,
        RequestContext context, CancellationToken ct) =>
        changes.EndAsync(context.RequireOrgcode(), HoldStage.Reserved, request.HoldGuid!, request.ExpectedRevision, HoldStatus.Released,
            RequestRules.Trimmed(request.Reason), ct);

    public static Task<Results<Ok<Hold>, ProblemHttpResult>> ExpireReservation(HoldExpireRequest request, HoldChanges changes,
        RequestContext context, CancellationToken ct) =>
        changes.EndAsync(context.RequireOrgcode(), HoldStage.Reserved, request.HoldGuid!, request.ExpectedRevision, HoldStatus.Expired, "manual", ct);

    public static Task<Results<Created<Hold>, ProblemHttpResult>> CreateAllocation(HoldContinueOrPlaceRequest request, HoldChanges changes,
        RequestContext context, CancellationToken ct) =>
        ContinueOrPlaceAsync(request, HoldStage.Allocated, changes, context, ct);

    public static Task<Results<Ok<Hold>, ProblemHttpResult>> ReleaseAllocation(HoldReleaseRequest request, HoldChanges changes,
        RequestContext context, CancellationToken ct) =>
        changes.EndAsync(context.RequireOrgcode(), HoldStage.Allocated, request.HoldGuid!, request.ExpectedRevision, HoldStatus.Released,
            RequestRules.Trimmed(request.Reason), ct);

    public static Task<Results<Ok<Hold>, ProblemHttpResult>> ExpireAllocation(HoldExpireRequest request, HoldChanges changes,
        RequestContext context, CancellationToken ct) =>
        changes.EndAsync(context.RequireOrgcode(), HoldStage.Allocated, request.HoldGuid!, request.ExpectedRevision, HoldStatus.Expired, "manual", ct);

    public static Task<Results<Created<Hold>, ProblemHttpResult>> CreateCommit(CommitCreateRequest request, HoldChanges changes,
        RequestContext context, CancellationToken ct) =>
        ContinueOrPlaceAsync(request.ToContinueOrPlace(), HoldStage.Committed, changes, context, ct);

    public static Task<Results<Ok<Hold>, ProblemHttpResult>> ReleaseCommit(HoldReleaseRequest request, HoldChanges changes,
        RequestContext context, CancellationToken ct) =>
        changes.EndAsync(context.RequireOrgcode(), HoldStage.Committed, request.HoldGuid!, request.ExpectedRevision, HoldStatus.Released,
            RequestRules.Trimmed(request.Reason), ct);

    public static Task<Results<Created<HoldBatch>, ProblemHttpResult>> ReserveBatch(HoldBatchReserveRequest request, HoldBatches batches,
        RequestContext context, CancellationToken ct) =>
        batches.ReserveAsync(context.RequireOrgcode(), request, ct);

    public static Task<Results<Ok<HoldBatch>, ProblemHttpResult>> ContinueBatch(HoldBatchContinueRequest request, HoldBatches batches,
        RequestContext context, CancellationToken ct) =>
        batches.ContinueAsync(context.RequireOrgcode(), request, ct);

    public static Task<Results<Ok<HoldBatch>, ProblemHttpResult>> ReleaseBatch(HoldBatchReleaseRequest request, HoldBatches batches,
        RequestContext context, CancellationToken ct) =>
        batches.ReleaseAsync(context.RequireOrgcode(), request, ct);

    public static async Task<Results<Ok<Hold>, ProblemHttpResult>> GetHold(HoldGetRequest request, RecordStore<Hold> holds, RequestContext context,
        CancellationToken ct) =>
        await holds.GetAsync(context.RequireOrgcode(), request.HoldGuid!, ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such hold.");

    public static async Task<Ok<Page<Hold>>> ListHolds(HoldListRequest request, RecordStore<Hold> holds, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Reference?.ToReference() is { } reference)
        {
            filters.Add(StateFilter.Eq("reference.kind", reference.Kind));
            filters.Add(StateFilter.Eq("reference.id", reference.Id));
        }
        else
        {
            filters.Add(StateFilter.Eq("facility_code", Codes.Normalize(request.FacilityCode)));
            filters.Add(StateFilter.Eq("variant_guid", request.VariantGuid!));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await holds.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct));
    }

    private static Task<Results<Created<Hold>, ProblemHttpResult>> ContinueOrPlaceAsync(HoldContinueOrPlaceRequest request, HoldStage stage,
        HoldChanges changes, RequestContext context, CancellationToken ct) =>
        request.HoldGuid is not null
            ? changes.ContinueAsync(context.RequireOrgcode(), request.HoldGuid!, request.ExpectedRevision, stage, request.TtlSeconds, ct)
            : changes.PlaceAsync(context.RequireOrgcode(), stage, Codes.Normalize(request.FacilityCode), request.VariantGuid!, request.Quantity!.Value,
                request.Reference!.ToReference(), request.TtlSeconds, ct);
}
