using FluentValidation;
using Retail.Ppm.Catalog;
using Retail.Ppm.Pricing;

namespace Retail.Ppm.Uoms;

/// <summary>
/// Sets a unit (<c>uom_code</c>, <c>name</c>, <c>base_units</c>, <c>status</c>) or, with <c>variant_guid</c>, that
/// variant's own count of base units in the unit (<c>base_units</c> only). <c>expected_revision</c>: absent or 0 creates,
/// the current revision changes.
/// </summary>
public sealed record SetUomRequest(string? UomCode, string? Name, int? BaseUnits, MasterStatus? Status, string? VariantGuid, long? ExpectedRevision);

public sealed record UomKey(string? UomCode, string? VariantGuid);

public sealed record UomListRequest(MasterStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>A unit and how many base units one of it holds for the variant asked about (the unit's own count without one).</summary>
/// <param name="Conversion">The variant's own count, when it has one.</param>
public sealed record UomAnswer(Uom Uom, string? VariantGuid, int BaseUnits, UomConversion? Conversion);

public sealed class SetUomRequestValidator : AbstractValidator<SetUomRequest>
{
    public const int MaxBaseUnits = 1_000_000;

    public SetUomRequestValidator()
    {
        RuleFor(r => r.UomCode).BusinessCode();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.BaseUnits).InclusiveBetween(1, MaxBaseUnits).When(r => r.BaseUnits is not null);
        RuleFor(r => r.ExpectedRevision).GreaterThanOrEqualTo(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.VariantGuid).OptionalGuid();
        When(r => r.VariantGuid is not null, () =>
        {
            RuleFor(r => r.BaseUnits).NotNull().WithMessage("is required for a variant's conversion");
            RuleFor(r => r.Name).Null().WithMessage("belongs to the unit; set it without variant_guid");
            RuleFor(r => r.Status).Null().WithMessage("belongs to the unit; set it without variant_guid");
        });
    }
}

public sealed class UomKeyValidator : AbstractValidator<UomKey>
{
    public UomKeyValidator()
    {
        RuleFor(r => r.UomCode).BusinessCode();
        RuleFor(r => r.VariantGuid).OptionalGuid();
    }
}

public sealed class UomListRequestValidator : AbstractValidator<UomListRequest>
{
    public UomListRequestValidator() => this.AddPagingRules();
}

/// <summary>
/// Units of measure (issue 12): a unit's default count of base units, and a variant's own count where it differs (a
/// case of this variant holds 24). <c>each</c> is built in: one base unit for every variant, never stored, never set.
/// </summary>
public static class UomsApi
{
    public static IEndpointRouteBuilder MapUoms(this IEndpointRouteBuilder routes)
    {
        var uoms = routes.MapGroup("/uom").WithTags("Units of measure");
        uoms.MapPost("/set", Set).RequireRole(Role.Member).AsWrite().InvalidatesPricing()
            .WithSummary("Create or change a unit (base_units ≥ 1), or with variant_guid that variant's own count of base units in it; 'each' is fixed.");
        uoms.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("Read a unit and, with variant_guid, how many base units it holds for that variant.");
        uoms.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("List the org's units by status; the built-in 'each' leads the first page of active (or all) units.");
        return uoms;
    }

    public static async Task<Results<Created<Uom>, Ok<Uom>, Created<UomConversion>, Ok<UomConversion>, ProblemHttpResult>> Set(SetUomRequest request,
        RecordStore<Uom> units, RecordStore<UomConversion> conversions, PriceCatalog catalog, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.UomCode);
        if (code == Uom.Each)
        {
            return PpmProblems.UomFixed("'each' is one base unit for every variant; define another unit (pack, case) for other counts.");
        }
        if (request.VariantGuid is not null)
        {
            return await SetConversionAsync(request, code, units, conversions, catalog, orgcode, ct);
        }
        var (loaded, refused) = await units.LoadForUpsertAsync(orgcode, code, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (loaded is null)
        {
            if (RequestRules.Trimmed(request.Name) is not { } name)
            {
                return ApiProblem.Validation("name", "is required to create a unit");
            }
            if (request.Status == MasterStatus.Retired)
            {
                return ApiProblem.Validation("status", "a unit is created active or inactive");
            }
            var unit = new Uom { UomCode = code, Name = name, BaseUnits = request.BaseUnits ?? 1, Status = request.Status ?? MasterStatus.Active };
            var created = await units.CreateAsync(orgcode, unit, ct: ct);
            return created.Succeeded ? TypedResults.Created((string?)null, created.Record!) : created.Problem();
        }
        var current = loaded.Record;
        if (request.Status is { } to && to != current.Status && MasterLifecycle.Machine.Check(current.Status, to) is { } invalid)
        {
            return invalid;
        }
        var next = current with
        {
            Name = RequestRules.Trimmed(request.Name) ?? current.Name,
            BaseUnits = request.BaseUnits ?? current.BaseUnits,
            Status = request.Status ?? current.Status,
        };
        var op = next.Status != current.Status ? "status_changed" : "updated";
        var updated = await units.UpdateAsync(orgcode, loaded, next, op, ct: ct);
        return updated.Succeeded ? TypedResults.Ok(updated.Record!) : updated.Problem();
    }

    private static async Task<Results<Created<Uom>, Ok<Uom>, Created<UomConversion>, Ok<UomConversion>, ProblemHttpResult>> SetConversionAsync(
        SetUomRequest request, string code, RecordStore<Uom> units, RecordStore<UomConversion> conversions, PriceCatalog catalog, string orgcode,
        CancellationToken ct)
    {
        var (variant, problem) = await catalog.CheckAsync(orgcode, request.VariantGuid!, "variant_guid", VariantNeed.NotRetired, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (await units.GetAsync(orgcode, code, ct: ct) is not { } unit)
        {
            return PpmProblems.UnknownReference("uom_code", $"No unit '{code}' in this org; set the unit before a variant's conversion.");
        }
        if (unit.Record.Status == MasterStatus.Retired)
        {
            return PpmProblems.ReferenceNotActive("uom_code", $"The unit '{code}' is retired.");
        }
        var key = UomConversion.KeyOf(code, variant!.VariantGuid);
        var (loaded, refused) = await conversions.LoadForUpsertAsync(orgcode, key, request.ExpectedRevision, ct);
        if (refused is not null)
        {
            return refused;
        }
        var conversion = new UomConversion { UomCode = code, VariantGuid = variant.VariantGuid, BaseUnits = request.BaseUnits!.Value };
        if (loaded is null)
        {
            var created = await conversions.CreateAsync(orgcode, conversion, ct: ct);
            return created.Succeeded ? TypedResults.Created((string?)null, created.Record!) : created.Problem();
        }
        var updated = await conversions.UpdateAsync(orgcode, loaded, conversion, ct: ct);
        return updated.Succeeded ? TypedResults.Ok(updated.Record!) : updated.Problem();
    }

    public static async Task<Results<Ok<UomAnswer>, ProblemHttpResult>> Get(UomKey request, RecordStore<Uom> units,
        RecordStore<UomConversion> conversions, PriceCatalog catalog, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var code = Codes.Normalize(request.UomCode);
        var unit = code == Uom.Each ? Uom.BuiltInEach : (await units.GetAsync(orgcode, code, ct: ct))?.Record;
        if (unit is null)
        {
            return ApiProblem.NotFound($"No unit '{code}' in this org.");
        }
        if (request.VariantGuid is null)
        {
            return TypedResults.Ok(new UomAnswer(unit, null, unit.BaseUnits, null));
        }
        var (variant, problem) = await catalog.CheckAsync(orgcode, request.VariantGuid, "variant_guid", VariantNeed.Known, ct);
        if (problem is not null)
        {
            return problem;
        }
        var conversion = code == Uom.Each ? null : (await conversions.GetAsync(orgcode, UomConversion.KeyOf(code, variant!.VariantGuid), ct: ct))?.Record;
        return TypedResults.Ok(new UomAnswer(unit, variant!.VariantGuid, conversion?.BaseUnits ?? unit.BaseUnits, conversion));
    }

    public static async Task<Ok<Page<Uom>>> List(UomListRequest request, RecordStore<Uom> units, RequestContext context, CancellationToken ct)
    {
        List<StateFilter> filters = request.Status is { } status ? [StateFilter.Eq("status", status)] : [];
        var page = await units.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        // 'each' is never stored; it leads the first page of the units it belongs to (it is always active).
        var withEach = request.NextToken is null && request.Status is null or MasterStatus.Active;
        return TypedResults.Ok(withEach ? new Page<Uom>([Uom.BuiltInEach, .. page.Items], page.NextToken) : page);
    }
}
