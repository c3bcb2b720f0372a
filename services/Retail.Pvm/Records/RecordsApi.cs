using FluentValidation;

namespace Retail.Pvm.Records;

public sealed record RecordHistoryRequest(string? Entity, string? Key, int? Limit, string? NextToken) : IPagedRequest;

public sealed record RecordStatusRequest(string? Entity, string? Key);

/// <summary>Where a record stands: its lifecycle status (or "live" for records without one), doom, revision and last change.</summary>
public sealed record RecordStatusView(string Entity, string Key, string Status, bool Doomed, long Revision, DateTimeOffset UpdatedAt);

internal static class RecordRequestRules
{
    public static void AddRecordRules<T>(this AbstractValidator<T> validator, Func<T, string?> entity, Func<T, string?> key)
    {
        validator.RuleFor(r => entity(r)).NotEmpty().WithMessage("is required")
            .Must(PvmRecords.IsEntity).WithMessage($"must be one of {string.Join(", ", PvmRecords.Entities)}")
            .OverridePropertyName("entity");
        // A key (a guid, a code, "{kind}:{from}:{to}", a barcode): the store's own key rules.
        validator.RuleFor(r => key(r)).NotEmpty().WithMessage("is required")
            .Must(k => k is null || (RequestRules.IsText(k, 128) && k.Trim() == k && !k.Contains('|', StringComparison.Ordinal)))
            .WithMessage("must be a record key of 1–128 printable characters without '|'")
            .OverridePropertyName("key");
    }
}

public sealed class RecordHistoryRequestValidator : AbstractValidator<RecordHistoryRequest>
{
    public RecordHistoryRequestValidator()
    {
        this.AddRecordRules(r => r.Entity, r => r.Key);
        this.AddPagingRules();
    }
}

public sealed class RecordStatusRequestValidator : AbstractValidator<RecordStatusRequest>
{
    public RecordStatusRequestValidator() => this.AddRecordRules(r => r.Entity, r => r.Key);
}

/// <summary>
/// <c>/history</c> and <c>/status</c> of any PVM record, by entity and key (a coded record also by its code), through a
/// registry of PVM's record stores (<see cref="PvmRecords"/>). A record of another org is 404 like a missing one.
/// </summary>
public static class RecordsApi
{
    public static IEndpointRouteBuilder MapRecordQueries(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/history", History).RequireRole(Role.Viewer).WithTags("Records")
            .WithSummary("The history of any PVM record (who changed it, when, to which revision, what changed), oldest first.");
        routes.MapPost("/status", Status).RequireRole(Role.Viewer).WithTags("Records")
            .WithSummary("Where any PVM record stands: its lifecycle status (or live), whether it is doomed, its revision.");
        return routes;
    }

    public static async Task<Results<Ok<Page<HistoryEntry>>, ProblemHttpResult>> History(RecordHistoryRequest request, HttpContext http,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var queries = PvmRecords.For(http.RequestServices, request.Entity!);
        if (await queries.FindAsync(orgcode, request.Key!, ct) is not { } record)
        {
            return NotFound(request.Entity!);
        }
        return TypedResults.Ok(await queries.HistoryAsync(orgcode, record.Key, Paging.LimitOf(request), request.NextToken, ct));
    }

    public static async Task<Results<Ok<RecordStatusView>, ProblemHttpResult>> Status(RecordStatusRequest request, HttpContext http,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await PvmRecords.For(http.RequestServices, request.Entity!).FindAsync(orgcode, request.Key!, ct) is not { } record)
        {
            return NotFound(request.Entity!);
        }
        return TypedResults.Ok(new RecordStatusView(request.Entity!, record.Key, PvmRecords.StatusOf(record), record.IsDoomed, record.Revision,
            record.UpdatedAt));
    }

    private static ProblemHttpResult NotFound(string entity) => ApiProblem.NotFound($"No such {entity.Replace('_', ' ')} in this org.");
}
