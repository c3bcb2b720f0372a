using FluentValidation;
using Retail.Pvm.Catalog;
using Retail.Pvm.Identifiers;

namespace Retail.Pvm.Links;

public sealed record VariantLinkAddRequest(string? FromVariantGuid, string? FromVariantCode, string? ToVariantGuid, string? ToVariantCode, int? Rank,
    string? Note);

public sealed record VariantLinkStatusRequest(string? FromVariantGuid, string? FromVariantCode, string? ToVariantGuid, string? ToVariantCode,
    MasterStatus? Status, string? Reason, long? ExpectedRevision);

public sealed record VariantLinkListRequest(string? FromVariantGuid, string? FromVariantCode, MasterStatus? Status, int? Limit, string? NextToken)
    : IPagedRequest;

public sealed class VariantLinkAddRequestValidator : AbstractValidator<VariantLinkAddRequest>
{
    public VariantLinkAddRequestValidator()
    {
        this.AddVariantRefRules("from", r => r.FromVariantGuid, r => r.FromVariantCode);
        this.AddVariantRefRules("to", r => r.ToVariantGuid, r => r.ToVariantCode);
        RuleFor(r => r.Rank).NotNull().WithMessage("is required").InclusiveBetween(1, VariantLinksApi.MaxRank);
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class VariantLinkStatusRequestValidator : AbstractValidator<VariantLinkStatusRequest>
{
    public VariantLinkStatusRequestValidator()
    {
        this.AddVariantRefRules("from", r => r.FromVariantGuid, r => r.FromVariantCode);
        this.AddVariantRefRules("to", r => r.ToVariantGuid, r => r.ToVariantCode);
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class VariantLinkListRequestValidator : AbstractValidator<VariantLinkListRequest>
{
    public VariantLinkListRequestValidator()
    {
        this.AddVariantRefRules("from", r => r.FromVariantGuid, r => r.FromVariantCode);
        this.AddPagingRules();
    }
}

/// <summary>
/// Alternatives (ranked substitutes; SCM's substitution uses them) and supplementary links (accessories, cross-sell)
/// from one variant to another (UC-PVM-008): add, status (<c>active ⇄ inactive → retired</c>, retired dooms the link),
/// and a variant's links in rank order.
/// </summary>
public static class VariantLinksApi
{
    public const int MaxRank = 1000;

    public static IEndpointRouteBuilder MapVariantLinks(this IEndpointRouteBuilder routes)
    {
        MapKind(routes, "/alternative", VariantLinkKind.Alternative, "alternative (a ranked substitute)");
        MapKind(routes, "/supplementary", VariantLinkKind.Supplementary, "supplementary link (an accessory or cross-sell)");
        return routes;
    }

    private static void MapKind(IEndpointRouteBuilder routes, string path, VariantLinkKind kind, string what)
    {
        var links = routes.MapGroup(path).WithTags(kind == VariantLinkKind.Alternative ? "Alternatives" : "Supplementary links");
        links.MapPost("/add", (VariantLinkAddRequest request, RecordStore<VariantLink> store, RecordStore<Variant> variants, RequestContext context,
                CancellationToken ct) => AddLink(kind, request, store, variants, context, ct))
            .RequireRole(Role.Member).AsWrite().WithSummary($"Link a variant to an {what}, with its rank (1–{MaxRank}).");
        links.MapPost("/status", (VariantLinkStatusRequest request, RecordStore<VariantLink> store, RecordStore<Variant> variants, RequestContext context,
                TimeProvider clock, CancellationToken ct) => SetLinkStatus(kind, request, store, variants, context, clock, ct))
            .RequireRole(Role.Admin).AsWrite().WithSummary($"Move an {what} through active, inactive and retired (final; it leaves lists).");
        links.MapPost("/list", (VariantLinkListRequest request, RecordStore<VariantLink> store, RecordStore<Variant> variants, RequestContext context,
                CancellationToken ct) => ListLinks(kind, request, store, variants, context, ct))
            .RequireRole(Role.Viewer).WithSummary($"A variant's {what}s in rank order, by status.");
    }

    public static async Task<Results<Created<VariantLink>, ProblemHttpResult>> AddLink(VariantLinkKind kind, VariantLinkAddRequest request,
        RecordStore<VariantLink> store, RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        // A link names existing variants that are not retired.
        var (from, fromProblem) = await Identifiers.VariantRefs.ForWriteAsync(variants, orgcode,
            new VariantRef(request.FromVariantGuid, request.FromVariantCode), ct, prefix: "from_");
        if (from is null)
        {
            return fromProblem!;
        }
        var (to, toProblem) = await Identifiers.VariantRefs.ForWriteAsync(variants, orgcode,
            new VariantRef(request.ToVariantGuid, request.ToVariantCode), ct, prefix: "to_");
        if (to is null)
        {
            return toProblem!;
        }
        if (from.VariantGuid == to.VariantGuid)
        {
            return ApiProblem.Business("link_to_self", "A variant cannot be linked to itself.",
                $"Variant '{from.VariantCode}' cannot be its own {SnakeName(kind)}.", [new("field", VariantRefs.Field("to", request.ToVariantGuid))]);
        }
        var link = new VariantLink
        {
            Kind = kind,
            FromVariantGuid = from.VariantGuid,
            FromVariantCode = from.VariantCode,
            ToVariantGuid = to.VariantGuid,
            ToVariantCode = to.VariantCode,
            Rank = request.Rank!.Value,
            Note = RequestRules.Trimmed(request.Note),
        };
        var existing = await store.GetAsync(orgcode, link.Key, includeDoomed: true, ct);
        if (existing is { Record.IsDoomed: false })
        {
            return ApiProblem.Duplicate($"Variant '{from.VariantCode}' already has '{to.VariantCode}' as its {SnakeName(kind)}.",
                VariantRefs.Field("to", request.ToVariantGuid));
        }
        // A retired (doomed) link of the same pair comes back as a new revision of the same record, its history kept.
        var write = existing is null
            ? await store.CreateAsync(orgcode, link, ct: ct)
            : await store.UpdateAsync(orgcode, existing, link with { DoomedAt = null }, "created", ct: ct);
        return write.ToCreated();
    }

    public static async Task<Results<Ok<VariantLink>, ProblemHttpResult>> SetLinkStatus(VariantLinkKind kind, VariantLinkStatusRequest request,
        RecordStore<VariantLink> store, RecordStore<Variant> variants, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var from = await VariantRefs.LoadAsync(variants, orgcode, request.FromVariantGuid, request.FromVariantCode, ct);
        var to = await VariantRefs.LoadAsync(variants, orgcode, request.ToVariantGuid, request.ToVariantCode, ct);
        var key = from is null || to is null ? null : VariantLink.KeyOf(kind, from.Record.VariantGuid, to.Record.VariantGuid);
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, key, request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var status = request.Status!.Value;
        if (MasterLifecycle.Machine.Check(current.Status, status) is { } refused)
        {
            return refused;
        }
        var next = current with
        {
            Status = status,
            StatusReason = RequestRules.Trimmed(request.Reason),
            DoomedAt = status == MasterStatus.Retired ? clock.GetUtcNow() : null,
        };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed", ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<Page<VariantLink>>, ProblemHttpResult>> ListLinks(VariantLinkKind kind, VariantLinkListRequest request,
        RecordStore<VariantLink> store, RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var from = await VariantRefs.LoadAsync(variants, orgcode, request.FromVariantGuid, request.FromVariantCode, ct);
        if (from is null)
        {
            return ApiProblem.NotFound("No such variant in this org.");
        }
        List<StateFilter> filters = [StateFilter.Eq("from_variant_guid", from.Record.VariantGuid), StateFilter.Eq("kind", kind)];
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        // Retired links are doomed: they are listed only when asked for by status. The index (from, kind, status, rank)
        // gives a status's page in rank order; without a status the variant's few links are sorted by rank.
        var page = await store.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken,
            includeDoomed: request.Status == MasterStatus.Retired, sort: [new StateSort("rank")], ct: ct);
        return TypedResults.Ok(page);
    }

    private static string SnakeName(VariantLinkKind kind) => Retail.Shared.Json.SnakeCase.Name(kind);
}
