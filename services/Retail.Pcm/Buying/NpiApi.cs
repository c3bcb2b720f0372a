using Retail.Pcm.Sources;
using Retail.Shared;

namespace Retail.Pcm.Buying;

/// <summary>
/// New product introductions (UC-PCM-001): create a draft, submit it, approve it (an admin who neither created nor
/// submitted it; PVM gets the style and variants, active, once) or reject it, get and list.
/// </summary>
public static class NpiApi
{
    public static IEndpointRouteBuilder MapNpi(this IEndpointRouteBuilder routes)
    {
        var npi = routes.MapGroup("/npi").WithTags("NPI");
        npi.MapPost("/create", Create).RequireRole(Role.Member).AsWrite()
            .WithSummary("Propose a new product: vendor, unit cost, target price, the style and its variants (a draft).");
        npi.MapPost("/submit", Submit).RequireRole(Role.Member).AsWrite().WithSummary("Submit a draft NPI for approval.");
        npi.MapPost("/approve", Approve).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Approve a submitted NPI (not by its creator or submitter): its style and variants are created or activated in PVM, once.");
        npi.MapPost("/reject", Reject).RequireRole(Role.Admin).AsWrite().WithSummary("Reject a draft or submitted NPI, with a note.");
        npi.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("Read an NPI by npi_guid.");
        npi.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("List NPIs by status and vendor, newest first.");
        return routes;
    }

    public static async Task<Results<Created<Npi>, ProblemHttpResult>> Create(CreateNpiRequest request, RecordStore<Npi> store, BuyingChecks checks,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (vendor, badVendor) = await checks.VendorAsync(orgcode, request.VendorGuid, request.VendorCode, ct);
        if (badVendor is not null)
        {
            return badVendor;
        }
        var currency = request.Currency?.Trim().ToUpperInvariant() ?? vendor!.Terms?.Currency?.Trim().ToUpperInvariant();
        if (currency is null)
        {
            return ApiProblem.Validation("currency", "is required: the vendor's PVM terms name no currency");
        }
        var s = request.Style!;
        var c = s.Compliance;
        var npi = new Npi
        {
            NpiGuid = Guid.CreateVersion7(clock.GetUtcNow()).ToString(),
            VendorGuid = vendor!.VendorGuid,
            VendorCode = vendor.VendorCode,
            Currency = currency,
            UnitCostMinor = request.UnitCostMinor!.Value,
            TargetPriceMinor = request.TargetPriceMinor,
            Style = new NpiStyle(Codes.Normalize(s.StyleCode), s.Name!.Trim(), RequestRules.Trimmed(s.Description), Codes.Normalize(s.BrandCode),
                Codes.Normalize(s.CategoryCode), Codes.Normalize(s.ManufacturerCode), s.SeasonCode is null ? null : Codes.Normalize(s.SeasonCode),
                s.OgmGuid is null ? null : PoRules.GuidKey(s.OgmGuid), s.OgmCode is null ? null : Codes.Normalize(s.OgmCode), s.OgmRevision,
                c is null ? null : new NpiCompliance(c.CountryOfOrigin?.Trim().ToUpperInvariant(), c.HsCode?.Trim(), c.Hazmat, c.AgeRestriction,
                    c.Materials?.Select(m => m.Trim()).ToList(), c.Certifications?.Select(m => m.Trim()).ToList())),
            Variants = request.Variants!.Select(v => new NpiVariant(Codes.Normalize(v!.VariantCode), RequestRules.Trimmed(v.Name),
                v.Options!.Select(o => new NpiOption(Codes.Normalize(o!.OptionGroupCode), o.OptionCode!.Trim())).ToList(),
                (v.Barcodes ?? []).Select(b => new NpiBarcode(b!.Barcode!.Trim(), b.Symbology is null ? null : Codes.Normalize(b.Symbology), b.Primary))
                    .ToList())).ToList(),
            Note = RequestRules.Trimmed(request.Note),
            CreatedBy = context.RequirePrincipal().Id,
        };
        return (await store.CreateAsync(orgcode, npi, ct: ct)).ToCreated();
    }

    public static async Task<Results<Ok<Npi>, ProblemHttpResult>> Submit(NpiChange request, RecordStore<Npi> store, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PoRules.GuidKey(request.NpiGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Npi.Lifecycle.Check(current.Status, NpiStatus.Submitted) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        var next = current with { Status = NpiStatus.Submitted, SubmittedBy = actor, SubmittedAt = clock.GetUtcNow() };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed",
            [NpiEvents.Of(PcmEvents.NpiSubmitted, orgcode, next, current.Revision + 1, actor)], ct)).ToOk();
    }

    public static async Task<Results<Ok<Npi>, ProblemHttpResult>> Approve(NpiChange request, RecordStore<Npi> store, NpiPvm pvm,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PoRules.GuidKey(request.NpiGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Npi.Lifecycle.Check(current.Status, NpiStatus.Approved) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        if (actor == current.CreatedBy || actor == current.SubmittedBy)
        {
            return PcmProblems.SameActor("Whoever created or submitted an NPI cannot approve it.");
        }
        string styleGuid;
        IReadOnlyList<NpiVariant> variants;
        try
        {
            (styleGuid, variants) = await pvm.EnsureAsync(orgcode, current, ct);
        }
        catch (SourceRefusedException e)
        {
            return PcmProblems.PvmRefused(e.Code, e.Detail);
        }
        catch (SourceUnavailableException)
        {
            return ApiProblem.DependencyUnavailable(PcmSources.Pvm);
        }
        var next = current with
        {
            Status = NpiStatus.Approved,
            StyleGuid = styleGuid,
            Variants = variants,
            DecidedBy = actor,
            DecidedAt = clock.GetUtcNow(),
            DecisionNote = RequestRules.Trimmed(request.Note),
        };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed",
            [NpiEvents.Of(PcmEvents.NpiApproved, orgcode, next, current.Revision + 1, actor)], ct)).ToOk();
    }

    public static async Task<Results<Ok<Npi>, ProblemHttpResult>> Reject(NpiChange request, RecordStore<Npi> store, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await store.LoadForChangeAsync(orgcode, PoRules.GuidKey(request.NpiGuid!), request.ExpectedRevision, ct: ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        if (Npi.Lifecycle.Check(current.Status, NpiStatus.Rejected) is { } refused)
        {
            return refused;
        }
        var actor = context.RequirePrincipal().Id;
        if (actor == current.CreatedBy || actor == current.SubmittedBy)
        {
            return PcmProblems.SameActor("Whoever created or submitted an NPI cannot reject it.");
        }
        var next = current with
        {
            Status = NpiStatus.Rejected,
            DecidedBy = actor,
            DecidedAt = clock.GetUtcNow(),
            DecisionNote = RequestRules.Trimmed(request.Note),
        };
        return (await store.UpdateAsync(orgcode, loaded, next, "status_changed",
            [NpiEvents.Of(PcmEvents.NpiRejected, orgcode, next, current.Revision + 1, actor)], ct)).ToOk();
    }

    public static async Task<Results<Ok<Npi>, ProblemHttpResult>> Get(NpiKey request, RecordStore<Npi> store, RequestContext context,
        CancellationToken ct) =>
        await store.GetAsync(context.RequireOrgcode(), PoRules.GuidKey(request.NpiGuid!), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such NPI.");

    public static async Task<Ok<Page<Npi>>> List(NpiListRequest request, RecordStore<Npi> store, RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.VendorGuid is { } vendor)
        {
            filters.Add(StateFilter.Eq("vendor_guid", PoRules.GuidKey(vendor)));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await store.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("npi_guid", Descending: true)], ct: ct));
    }
}
