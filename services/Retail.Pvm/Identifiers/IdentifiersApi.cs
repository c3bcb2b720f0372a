using FluentValidation;
using Retail.Pvm.Catalog;

namespace Retail.Pvm.Identifiers;

public sealed record AddIdentifierRequest(string? Guid, string? Code, string? IdType, string? Value) : IMasterRef<Variant>;

public sealed record IdentifierKeyRequest(string? IdType, string? Value);

public sealed record RemoveIdentifierRequest(string? IdType, string? Value, long? ExpectedRevision) : IRevisioned;

public sealed record TransferIdentifierRequest(string? IdType, string? Value, string? ToVariantGuid, string? ToVariantCode, string? Reason,
    long? ExpectedRevision) : IRevisioned;

public sealed record IdentifierListRequest(string? Guid, string? Code, string? IdType, bool? IncludeDoomed, int? Limit, string? NextToken)
    : IMasterRef<Variant>, IPagedRequest;

public sealed record IdentifierHistoryRequest(string? IdType, string? Value, int? Limit, string? NextToken) : IPagedRequest;

public sealed class AddIdentifierRequestValidator : AbstractValidator<AddIdentifierRequest>
{
    public AddIdentifierRequestValidator()
    {
        this.AddVariantRules();
        this.AddTypedValueRules(r => r.IdType, r => r.Value, "id_type");
    }
}

public sealed class IdentifierKeyRequestValidator : AbstractValidator<IdentifierKeyRequest>
{
    public IdentifierKeyRequestValidator() => this.AddTypedKeyRules(r => r.IdType, r => r.Value, "id_type");
}

public sealed class RemoveIdentifierRequestValidator : AbstractValidator<RemoveIdentifierRequest>
{
    public RemoveIdentifierRequestValidator()
    {
        this.AddTypedKeyRules(r => r.IdType, r => r.Value, "id_type");
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class TransferIdentifierRequestValidator : AbstractValidator<TransferIdentifierRequest>
{
    public TransferIdentifierRequestValidator()
    {
        this.AddTypedKeyRules(r => r.IdType, r => r.Value, "id_type");
        RuleFor(r => r.ToVariantGuid).OptionalGuid();
        RuleFor(r => r.ToVariantCode).OptionalCode();
        RuleFor(r => r.ToVariantGuid).Must((r, guid) => !string.IsNullOrWhiteSpace(guid) || !string.IsNullOrWhiteSpace(r.ToVariantCode))
            .WithMessage("name the variant it moves to by to_variant_guid or to_variant_code");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class IdentifierListRequestValidator : AbstractValidator<IdentifierListRequest>
{
    public IdentifierListRequestValidator()
    {
        this.AddVariantRules();
        RuleFor(r => r.IdType).OptionalCode();
        this.AddPagingRules();
    }
}

public sealed class IdentifierHistoryRequestValidator : AbstractValidator<IdentifierHistoryRequest>
{
    public IdentifierHistoryRequestValidator()
    {
        this.AddTypedKeyRules(r => r.IdType, r => r.Value, "id_type");
        this.AddPagingRules();
    }
}

/// <summary>
/// Typed external ids of variants (sku, erp, plm, …). An identifier is keyed by "{id_type}:{value}", so one record holds
/// a value: adding a value a live record holds is 409; a doomed holder is revived for the new variant, its history
/// going on. A transfer moves it to another variant in one write with <c>pvm.identifier.transferred</c>.
/// </summary>
public static class IdentifiersApi
{
    public static RouteGroupBuilder MapIdentifiers(this IEndpointRouteBuilder routes)
    {
        var identifiers = routes.MapGroup("/identifier").WithTags("Identifiers");
        identifiers.MapPost("/add", Add).RequireRole(Role.Member).AsWrite()
            .WithSummary("Give a variant a typed external id (sku, erp, plm, …); a value held by a live identifier is 409, a doomed one is revived.");
        identifiers.MapPost("/remove", Remove).RequireRole(Role.Member).AsWrite()
            .WithSummary("Remove (doom) an identifier, freeing its value; its history is kept.");
        identifiers.MapPost("/transfer", Transfer).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move an identifier to another variant in one write (pvm.identifier.transferred); its history shows both.");
        identifiers.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("List a variant's identifiers, by id_type; removed ones on request.");
        identifiers.MapPost("/history", History).RequireRole(Role.Viewer)
            .WithSummary("The history of an identifier: every revision with the variant it named and the one before.");
        return identifiers;
    }

    public static async Task<Results<Created<Identifier>, ProblemHttpResult>> Add(AddIdentifierRequest request, RecordStore<Identifier> identifiers,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (variant, problem) = await VariantRefs.ForWriteAsync(variants, orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var idType = Codes.Normalize(request.IdType);
        var key = Identifier.KeyOf(idType, request.Value!);
        var holder = await identifiers.GetAsync(orgcode, key, includeDoomed: true, ct);
        if (holder is { Record.IsDoomed: false })
        {
            return Duplicate(holder.Record);
        }
        var identifier = new Identifier
        {
            IdType = idType,
            Value = request.Value!,
            VariantGuid = variant!.VariantGuid,
            PreviousVariantGuid = holder?.Record.VariantGuid,
        };
        var write = holder is null
            ? await identifiers.CreateAsync(orgcode, identifier, ct: ct)
            : await identifiers.UpdateAsync(orgcode, holder, identifier, VariantRefs.Revived, ct: ct);
        // Two adds of one value race on its key: the loser's record was written by the winner, a duplicate to the caller.
        return write.Succeeded ? TypedResults.Created((string?)null, write.Record!)
            : write.Outcome == RecordWriteOutcome.RevisionMismatch ? ApiProblem.Duplicate($"Identifier {key} was just added by another request.", "value")
            : write.Problem();
    }

    public static async Task<Results<Ok<Identifier>, ProblemHttpResult>> Remove(RemoveIdentifierRequest request, RecordStore<Identifier> identifiers,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await identifiers.LoadForChangeAsync(orgcode, KeyOf(request.IdType, request.Value), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        return (await identifiers.DoomAsync(orgcode, loaded!, ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<Identifier>, ProblemHttpResult>> Transfer(TransferIdentifierRequest request, RecordStore<Identifier> identifiers,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await identifiers.LoadForChangeAsync(orgcode, KeyOf(request.IdType, request.Value), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var (target, refused) = await VariantRefs.ForWriteAsync(variants, orgcode, new VariantRef(request.ToVariantGuid, request.ToVariantCode), ct, "to_");
        if (refused is not null)
        {
            return refused;
        }
        var current = loaded!.Record;
        if (current.VariantGuid == target!.VariantGuid)
        {
            return TypedResults.Ok(current);
        }
        var reason = RequestRules.Trimmed(request.Reason);
        var moved = current with { VariantGuid = target.VariantGuid, PreviousVariantGuid = current.VariantGuid, TransferReason = reason };
        DomainEvent transferred = new(PvmEvents.IdentifierTransferred,
            new IdentifierTransferred(orgcode, current.IdType, current.Value, current.VariantGuid, target.VariantGuid, reason));
        return (await identifiers.UpdateAsync(orgcode, loaded, moved, events: [transferred], ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<Page<Identifier>>, ProblemHttpResult>> List(IdentifierListRequest request, RecordStore<Identifier> identifiers,
        RecordStore<Variant> variants, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await VariantRefs.ForReadAsync(variants, orgcode, request, ct) is not { } variant)
        {
            return ApiProblem.NotFound("No such variant in this org.");
        }
        List<StateFilter> filters = [StateFilter.Eq("variant_guid", variant.VariantGuid)];
        if (request.IdType is { } idType)
        {
            filters.Add(StateFilter.Eq("id_type", Codes.Normalize(idType)));
        }
        return TypedResults.Ok(await identifiers.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken,
            request.IncludeDoomed ?? false, ct: ct));
    }

    public static async Task<Results<Ok<Page<HistoryEntry>>, ProblemHttpResult>> History(IdentifierHistoryRequest request,
        RecordStore<Identifier> identifiers, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var key = KeyOf(request.IdType, request.Value);
        if (await identifiers.GetAsync(orgcode, key, includeDoomed: true, ct) is null)
        {
            return ApiProblem.NotFound("No such identifier in this org.");
        }
        return TypedResults.Ok(await identifiers.HistoryAsync(orgcode, key, Paging.LimitOf(request), request.NextToken, ct));
    }

    internal static string KeyOf(string? idType, string? value) => Identifier.KeyOf(Codes.Normalize(idType), value ?? "");

    private static ProblemHttpResult Duplicate(Identifier holder) =>
        ApiProblem.Duplicate($"Identifier {holder.Key} is held by variant {holder.VariantGuid}.", "value");
}
