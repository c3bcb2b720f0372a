using FluentValidation;
using Retail.Shared;

namespace Retail.Pvm.Catalog;

public sealed record ComplianceRequest(string? CountryOfOrigin, string? HsCode, bool? Hazmat, int? AgeRestriction, IReadOnlyList<string>? Materials,
    IReadOnlyList<string>? Certifications)
{
    public ComplianceAttributes ToAttributes() => new(CountryOfOrigin?.Trim().ToUpperInvariant(), HsCode?.Trim(), Hazmat, AgeRestriction,
        Materials?.Select(m => m.Trim()).ToList(), Certifications?.Select(c => c.Trim()).ToList());
}

public sealed record CreateStyleRequest(
    string? StyleCode,
    string? Name,
    string? Description,
    string? BrandCode,
    string? BrandGuid,
    string? PrimaryVendorCode,
    string? PrimaryVendorGuid,
    string? PrimaryManufacturerCode,
    string? PrimaryManufacturerGuid,
    string? CategoryCode,
    string? CategoryGuid,
    string? SeasonCode,
    string? SeasonGuid,
    string? OgmGuid,
    string? OgmCode,
    int? OgmRevision,
    ComplianceRequest? Compliance)
{
    public StyleReferenceNames Names() => new(
        new(BrandGuid, BrandCode, "brand_guid", "brand_code"),
        new(PrimaryVendorGuid, PrimaryVendorCode, "primary_vendor_guid", "primary_vendor_code"),
        new(PrimaryManufacturerGuid, PrimaryManufacturerCode, "primary_manufacturer_guid", "primary_manufacturer_code"),
        new(CategoryGuid, CategoryCode, "category_guid", "category_code"),
        new(SeasonGuid, SeasonCode, "season_guid", "season_code"),
        new(OgmGuid, OgmCode, "ogm_guid", "ogm_code"),
        OgmRevision);
}

/// <summary>
/// Changes a style's descriptive fields and references (its OGM moves only through <c>style/ogm/set</c>); fields left
/// out stay as they are, and the references it ends up with are checked as on create.
/// </summary>
public sealed record UpdateStyleRequest(
    string? Guid,
    string? Code,
    string? Name,
    string? Description,
    string? BrandCode,
    string? BrandGuid,
    string? PrimaryVendorCode,
    string? PrimaryVendorGuid,
    string? PrimaryManufacturerCode,
    string? PrimaryManufacturerGuid,
    string? CategoryCode,
    string? CategoryGuid,
    string? SeasonCode,
    string? SeasonGuid,
    ComplianceRequest? Compliance,
    long? ExpectedRevision) : IMasterRef<Style>, IRevisioned
{
    public StyleReferenceNames Names(Style current) => new(
        new ReferenceName(BrandGuid, BrandCode, "brand_guid", "brand_code").Or(current.BrandGuid),
        new ReferenceName(PrimaryVendorGuid, PrimaryVendorCode, "primary_vendor_guid", "primary_vendor_code").Or(current.PrimaryVendorGuid),
        new ReferenceName(PrimaryManufacturerGuid, PrimaryManufacturerCode, "primary_manufacturer_guid", "primary_manufacturer_code")
            .Or(current.PrimaryManufacturerGuid),
        new ReferenceName(CategoryGuid, CategoryCode, "category_guid", "category_code").Or(current.CategoryGuid),
        new ReferenceName(SeasonGuid, SeasonCode, "season_guid", "season_code").Or(current.SeasonGuid),
        new ReferenceName(current.OgmGuid, null, "ogm_guid", "ogm_code"));
}

public sealed record StyleListRequest(string? BrandCode, string? BrandGuid, string? CategoryCode, string? CategoryGuid, ProductStatus? Status,
    bool? IncludeDoomed, int? Limit, string? NextToken) : IStatusList<ProductStatus>;

public static class StyleRequestRules
{
    public static void AddComplianceRules<T>(this AbstractValidator<T> validator, Func<T, ComplianceRequest?> compliance)
    {
        validator.RuleFor(r => compliance(r)).ChildRules(c =>
        {
            c.RuleFor(x => x!.CountryOfOrigin).Country();
            c.RuleFor(x => x!.HsCode).Must(h => h is null || (h.Trim().Length is >= 6 and <= 10 && h.Trim().All(char.IsAsciiDigit)))
                .WithMessage("must be 6 to 10 digits");
            c.RuleFor(x => x!.AgeRestriction).InclusiveBetween(0, 21).When(x => x!.AgeRestriction is not null);
            c.RuleFor(x => x!.Materials).Must(m => m is null || m.Count <= 20).WithMessage("at most 20 materials");
            c.RuleForEach(x => x!.Materials).RequiredText(100);
            c.RuleFor(x => x!.Certifications).Must(m => m is null || m.Count <= 20).WithMessage("at most 20 certifications");
            c.RuleForEach(x => x!.Certifications).RequiredText(100);
        }).When(r => compliance(r) is not null).OverridePropertyName("compliance");
    }

    public static void AddReferenceRules<T>(this AbstractValidator<T> validator, Func<T, string?> guid, Func<T, string?> code, string guidField,
        string codeField, bool required)
    {
        validator.RuleFor(r => guid(r)).OptionalGuid().OverridePropertyName(guidField);
        validator.RuleFor(r => code(r)).OptionalCode().OverridePropertyName(codeField);
        if (required)
        {
            validator.RuleFor(r => guid(r)).Must((r, g) => g is not null || code(r) is not null).OverridePropertyName(codeField)
                .WithMessage($"name it by {codeField} or {guidField}");
        }
    }
}

public sealed class CreateStyleRequestValidator : AbstractValidator<CreateStyleRequest>
{
    public CreateStyleRequestValidator()
    {
        RuleFor(r => r.StyleCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Description).MultilineText(4000);
        this.AddReferenceRules(r => r.BrandGuid, r => r.BrandCode, "brand_guid", "brand_code", required: true);
        this.AddReferenceRules(r => r.PrimaryVendorGuid, r => r.PrimaryVendorCode, "primary_vendor_guid", "primary_vendor_code", required: true);
        this.AddReferenceRules(r => r.PrimaryManufacturerGuid, r => r.PrimaryManufacturerCode, "primary_manufacturer_guid",
            "primary_manufacturer_code", required: true);
        this.AddReferenceRules(r => r.CategoryGuid, r => r.CategoryCode, "category_guid", "category_code", required: true);
        this.AddReferenceRules(r => r.SeasonGuid, r => r.SeasonCode, "season_guid", "season_code", required: false);
        RuleFor(r => r.OgmGuid).OptionalGuid();
        RuleFor(r => r.OgmCode).OptionalCode();
        RuleFor(r => r.OgmRevision).GreaterThan(0).When(r => r.OgmRevision is not null);
        RuleFor(r => r.OgmGuid).Must((r, g) => g is not null || (r.OgmCode is not null && r.OgmRevision is not null))
            .WithMessage("name the model by ogm_guid, or by ogm_code and ogm_revision");
        this.AddComplianceRules(r => r.Compliance);
    }
}

public sealed class UpdateStyleRequestValidator : AbstractValidator<UpdateStyleRequest>
{
    public UpdateStyleRequestValidator()
    {
        this.AddRefRules<UpdateStyleRequest, Style>();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Description).MultilineText(4000);
        this.AddReferenceRules(r => r.BrandGuid, r => r.BrandCode, "brand_guid", "brand_code", required: false);
        this.AddReferenceRules(r => r.PrimaryVendorGuid, r => r.PrimaryVendorCode, "primary_vendor_guid", "primary_vendor_code", required: false);
        this.AddReferenceRules(r => r.PrimaryManufacturerGuid, r => r.PrimaryManufacturerCode, "primary_manufacturer_guid",
            "primary_manufacturer_code", required: false);
        this.AddReferenceRules(r => r.CategoryGuid, r => r.CategoryCode, "category_guid", "category_code", required: false);
        this.AddReferenceRules(r => r.SeasonGuid, r => r.SeasonCode, "season_guid", "season_code", required: false);
        this.AddComplianceRules(r => r.Compliance);
    }
}

public sealed class StyleListRequestValidator : AbstractValidator<StyleListRequest>
{
    public StyleListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.BrandGuid).OptionalGuid();
        RuleFor(r => r.BrandCode).OptionalCode();
        RuleFor(r => r.CategoryGuid).OptionalGuid();
        RuleFor(r => r.CategoryCode).OptionalCode();
    }
}

/// <summary>Styles: create (draft), get, list, update, status (draft → active → discontinued ⇄ active → retired) and the OGM move.</summary>
public static class StylesApi
{
    private static readonly LifecycleRoutes<Style, ProductStatus> Routes = new()
    {
        Create = CreateStyle,
        CreatePath = "",
        Update = UpdateStyle,
        List = ListStyles,
        Status = SetStyleStatus,
        StatusGuard = GuardStatus,
        StatusEvents = (orgcode, current, to) =>
        [
            new DomainEvent(PvmEvents.StyleStatusChanged,
                new StyleStatusChanged(orgcode, current.StyleGuid, current.StyleCode, current.Status, to, null), current.StyleGuid),
        ],
    };

    public static IEndpointRouteBuilder MapStyles(this IEndpointRouteBuilder routes)
    {
        var styles = routes.MapGroup("/style").WithTags("Styles");
        styles.MapLifecycleData(Routes);
        styles.MapStyleOgm();
        return routes;
    }

    public static async Task<Results<Created<Style>, ProblemHttpResult>> CreateStyle(CreateStyleRequest request, RecordStore<Style> store,
        [AsParameters] StyleReferenceLoader references, RecordStore<Taxonomy.Category> categories, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var found = await references.LoadAsync(orgcode, request.Names(), ct);
        if (StyleRules.Check(found.State) is { } refused)
        {
            return refused.ToProblem();
        }
        var style = new Style
        {
            StyleGuid = Ids.New(),
            StyleCode = Codes.Normalize(request.StyleCode),
            Name = request.Name!.Trim(),
            Description = RequestRules.Trimmed(request.Description),
            BrandGuid = found.Brand!.Record.BrandGuid,
            PrimaryVendorGuid = found.Vendor!.Record.VendorGuid,
            PrimaryManufacturerGuid = found.Manufacturer!.Record.ManufacturerGuid,
            CategoryGuid = found.Category!.Record.CategoryGuid,
            SeasonGuid = found.Season?.Record.SeasonGuid,
            OgmGuid = found.Ogm!.Record.OgmGuid,
            Compliance = request.Compliance?.ToAttributes(),
        };
        var path = await StyleEvents.CategoryPathAsync(categories, orgcode, style.CategoryGuid, ct);
        return (await store.CreateAsync(orgcode, style, [StyleEvents.Changed(orgcode, style with { Revision = 1 }, path)], ct)).ToCreated();
    }

    public static async Task<Results<Ok<Style>, ProblemHttpResult>> UpdateStyle(UpdateStyleRequest request, RecordStore<Style> store,
        [AsParameters] StyleReferenceLoader references, RecordStore<Taxonomy.Category> categories, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (loaded, problem) = await MasterDataApi.LoadForChangeAsync(store, orgcode, request, request.ExpectedRevision, ct);
        if (problem is not null)
        {
            return problem;
        }
        var current = loaded!.Record;
        var found = await references.LoadAsync(orgcode, request.Names(current), ct);
        // The OGM moves only through style/ogm/set; a discontinued style keeps being editable after its model retired.
        var state = found.State with { Ogm = found.State.Ogm with { Usable = found.State.Ogm.Exists } };
        if (StyleRules.Check(state) is { } refused)
        {
            return refused.ToProblem();
        }
        var next = current with
        {
            Name = RequestRules.Trimmed(request.Name) ?? current.Name,
            Description = RequestRules.Trimmed(request.Description) ?? current.Description,
            BrandGuid = found.Brand!.Record.BrandGuid,
            PrimaryVendorGuid = found.Vendor!.Record.VendorGuid,
            PrimaryManufacturerGuid = found.Manufacturer!.Record.ManufacturerGuid,
            CategoryGuid = found.Category!.Record.CategoryGuid,
            SeasonGuid = found.Season?.Record.SeasonGuid,
            Compliance = request.Compliance?.ToAttributes() ?? current.Compliance,
        };
        var path = await StyleEvents.CategoryPathAsync(categories, orgcode, next.CategoryGuid, ct);
        return (await store.UpdateAsync(orgcode, loaded, next, events: [StyleEvents.Changed(orgcode, next with { Revision = current.Revision + 1 }, path)],
            ct: ct)).ToOk();
    }

    /// <summary>
    /// The standard status change, also committing <c>pvm.style.changed</c>: the category path is read from the very
    /// record the change is checked against (in the guard, which runs after the revision check), so it cannot be older.
    /// </summary>
    public static Task<Results<Ok<Style>, ProblemHttpResult>> SetStyleStatus(StatusChange<Style, ProductStatus> request, RecordStore<Style> store,
        RequestContext context, HttpContext http, CancellationToken ct)
    {
        IReadOnlyList<string> path = [];
        var routes = Routes with
        {
            StatusGuard = async (services, orgcode, current, to, token) =>
            {
                if (await GuardStatus(services, orgcode, current, to, token) is { } refused)
                {
                    return refused;
                }
                path = await StyleEvents.CategoryPathAsync(services.GetRequiredService<RecordStore<Taxonomy.Category>>(), orgcode, current.CategoryGuid, token);
                return null;
            },
            StatusEvents = (orgcode, current, to) =>
            [
                .. Routes.StatusEvents!(orgcode, current, to),
                StyleEvents.Changed(orgcode, current.WithStatus(to, null) with { Revision = current.Revision + 1 }, path),
            ],
        };
        return MasterDataApi.SetStatus(request, store, context, routes, http.RequestServices, ct);
    }

    /// <summary>Styles by brand or category (and status) through their declared indexes; an unknown brand or category lists nothing.</summary>
    public static async Task<Ok<Page<Style>>> ListStyles(StyleListRequest request, RecordStore<Style> store,
        RecordStore<Brands.Brand> brands, RecordStore<Taxonomy.Category> categories, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var filters = new List<StateFilter>();
        if (request.BrandGuid is not null || request.BrandCode is not null)
        {
            var brand = await MasterDataApi.LoadAsync(brands, orgcode, new MasterKey<Brands.Brand>(request.BrandGuid, request.BrandCode), ct);
            filters.Add(StateFilter.Eq("brand_guid", brand?.Record.BrandGuid ?? ""));
        }
        if (request.CategoryGuid is not null || request.CategoryCode is not null)
        {
            var category = await MasterDataApi.LoadAsync(categories, orgcode,
                new MasterKey<Taxonomy.Category>(request.CategoryGuid, request.CategoryCode), ct);
            filters.Add(StateFilter.Eq("category_guid", category?.Record.CategoryGuid ?? ""));
        }
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, orgcode, request, filters, ct));
    }

    /// <summary>Activating re-checks every reference (the primaries, the brand and its links, the category, the OGM); the first missing one is named.</summary>
    private static async Task<ProblemHttpResult?> GuardStatus(IServiceProvider services, string orgcode, Style current, ProductStatus to,
        CancellationToken ct)
    {
        if (to != ProductStatus.Active)
        {
            return null;
        }
        var loader = ActivatorUtilities.CreateInstance<StyleReferenceLoader>(services);
        var found = await loader.LoadAsync(orgcode, StyleReferenceNames.Of(current), ct);
        return StyleRules.Check(found.State)?.ToProblem();
    }
}
