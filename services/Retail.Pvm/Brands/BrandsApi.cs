using FluentValidation;
using Retail.Pvm.Catalog;
using Retail.Pvm.Suppliers;
using Retail.Pvm.Taxonomy;
using Retail.Shared;

namespace Retail.Pvm.Brands;

public sealed record CreateBrandRequest(string? BrandCode, string? Name, string? Description);

public sealed record UpdateBrandRequest(string? Guid, string? Code, string? Name, string? Description, long? ExpectedRevision) : IUpdateOf<Brand>
{
    public Brand Apply(Brand current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        Description = RequestRules.Trimmed(Description) ?? current.Description,
    };
}

/// <summary>A request about one link: the brand (guid or code), the kind of supplier and the supplier (guid or code).</summary>
public interface IBrandLinkRef : IRecordRef
{
    string? BrandGuid { get; }

    string? BrandCode { get; }

    SupplierKind? SupplierKind { get; }

    string? SupplierGuid { get; }

    string? SupplierCode { get; }

    /// <summary>The brand's revision, when the caller wants the change to fail if the brand moved on since it read it.</summary>
    long? ExpectedRevision { get; }

    string? IRecordRef.GuidRef() => BrandGuid;

    string? IRecordRef.CodeRef() => BrandCode is null ? null : Codes.Normalize(BrandCode);
}

/// <summary>Links a supplier to a brand; <c>primary</c> (or being the first of its kind) makes it the brand's primary of that kind.</summary>
public sealed record AddBrandLinkRequest(string? BrandGuid, string? BrandCode, SupplierKind? SupplierKind, string? SupplierGuid, string? SupplierCode,
    bool? Primary, long? ExpectedRevision) : IBrandLinkRef;

public sealed record BrandLinkRequest(string? BrandGuid, string? BrandCode, SupplierKind? SupplierKind, string? SupplierGuid, string? SupplierCode,
    long? ExpectedRevision) : IBrandLinkRef;

public sealed record BrandLinkListRequest(string? BrandGuid, string? BrandCode, SupplierKind? SupplierKind, int? Limit, string? NextToken)
    : IRecordRef, IPagedRequest
{
    public string? GuidRef() => BrandGuid;

    public string? CodeRef() => BrandCode is null ? null : Codes.Normalize(BrandCode);
}

/// <summary>A link as the API shows it: both ends named, and whether it is the brand's primary of its kind.</summary>
public sealed record BrandLinkView(string BrandGuid, string BrandCode, SupplierKind SupplierKind, string SupplierGuid, string SupplierCode, bool Primary);

public static class BrandLinkRules
{
    public static void AddBrandRefRules<T>(this AbstractValidator<T> validator, Func<T, string?> guid, Func<T, string?> code)
    {
        validator.RuleFor(r => guid(r)).OptionalGuid().OverridePropertyName("brand_guid");
        validator.RuleFor(r => code(r)).OptionalCode().OverridePropertyName("brand_code");
        validator.RuleFor(r => r).Must(r => !string.IsNullOrWhiteSpace(guid(r)) || !string.IsNullOrWhiteSpace(code(r)))
            .OverridePropertyName("brand_guid").WithMessage("name the brand by brand_guid or brand_code");
    }

    public static void AddLinkRules<T>(this AbstractValidator<T> validator) where T : IBrandLinkRef
    {
        validator.AddBrandRefRules(r => r.BrandGuid, r => r.BrandCode);
        validator.RuleFor(r => r.SupplierKind).NotNull().WithMessage("is required");
        validator.RuleFor(r => r.SupplierGuid).OptionalGuid();
        validator.RuleFor(r => r.SupplierCode).OptionalCode();
        validator.RuleFor(r => r.SupplierGuid).Must((r, g) => !string.IsNullOrWhiteSpace(g) || !string.IsNullOrWhiteSpace(r.SupplierCode))
            .WithMessage("name the supplier by supplier_guid or supplier_code");
        validator.RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }

    /// <summary>The brand's primary supplier of a kind.</summary>
    public static string? PrimaryOf(Brand brand, SupplierKind kind) =>
        kind == SupplierKind.Vendor ? brand.PrimaryVendorGuid : brand.PrimaryManufacturerGuid;

    public static Brand WithPrimary(Brand brand, SupplierKind kind, string? supplierGuid) =>
        kind == SupplierKind.Vendor ? brand with { PrimaryVendorGuid = supplierGuid } : brand with { PrimaryManufacturerGuid = supplierGuid };

    public static BrandLinkView ViewOf(Brand brand, BrandLink link) =>
        new(brand.BrandGuid, brand.BrandCode, link.SupplierKind, link.SupplierGuid, link.SupplierCode, PrimaryOf(brand, link.SupplierKind) == link.SupplierGuid);
}

public sealed class CreateBrandRequestValidator : AbstractValidator<CreateBrandRequest>
{
    public CreateBrandRequestValidator()
    {
        RuleFor(r => r.BrandCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class UpdateBrandRequestValidator : AbstractValidator<UpdateBrandRequest>
{
    public UpdateBrandRequestValidator()
    {
        this.AddUpdateRules<UpdateBrandRequest, Brand>();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Description).Text(1000);
    }
}

public sealed class AddBrandLinkRequestValidator : AbstractValidator<AddBrandLinkRequest>
{
    public AddBrandLinkRequestValidator() => this.AddLinkRules();
}

public sealed class BrandLinkRequestValidator : AbstractValidator<BrandLinkRequest>
{
    public BrandLinkRequestValidator() => this.AddLinkRules();
}

public sealed class BrandLinkListRequestValidator : AbstractValidator<BrandLinkListRequest>
{
    public BrandLinkListRequestValidator()
    {
        this.AddBrandRefRules(r => r.BrandGuid, r => r.BrandCode);
        this.AddPagingRules();
    }
}

/// <summary>
/// Brands and their supplier links (UC-PVM-002). The brand keeps its primary vendor and manufacturer, so a link change
/// that moves a primary commits the link and the (ETag-checked) brand together.
/// </summary>
public static class BrandsApi
{
    public static IEndpointRouteBuilder MapBrands(this IEndpointRouteBuilder routes)
    {
        var brands = routes.MapGroup("/brand").WithTags("Brands");
        brands.MapMasterData(new MasterRoutes<Brand>
        {
            Create = CreateBrand,
            CreatePath = "",
            Update = MasterDataApi.Update<Brand, UpdateBrandRequest>,
            StatusGuard = RetireGuard,
        });
        var links = brands.MapGroup("/link");
        links.MapPost("/add", AddLink).RequireRole(Role.Member).AsWrite()
            .WithSummary("Link a vendor or manufacturer to a brand; primary (or the first of its kind) becomes the brand's primary.");
        links.MapPost("/remove", RemoveLink).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Unlink a supplier from a brand; refused while a draft or active style of the brand has it as its primary.");
        links.MapPost("/set_primary", SetPrimary).RequireRole(Role.Member).AsWrite()
            .WithSummary("Make a linked supplier the brand's primary vendor or manufacturer.");
        links.MapPost("/list", ListLinks).RequireRole(Role.Viewer)
            .WithSummary("List a brand's supplier links, optionally of one kind, each marked primary or not.");
        return routes;
    }

    public static async Task<Results<Created<Brand>, ProblemHttpResult>> CreateBrand(CreateBrandRequest request, RecordStore<Brand> store,
        RequestContext context, CancellationToken ct)
    {
        var brand = new Brand
        {
            BrandGuid = Ids.New(),
            BrandCode = Codes.Normalize(request.BrandCode),
            Name = request.Name!.Trim(),
            Description = RequestRules.Trimmed(request.Description),
        };
        return (await store.CreateAsync(context.RequireOrgcode(), brand, ct: ct)).ToCreated();
    }

    public static async Task<Results<Created<BrandLinkView>, ProblemHttpResult>> AddLink(AddBrandLinkRequest request, [AsParameters] BrandLinkStores stores,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (brand, problem) = await stores.LoadBrandAsync(orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (brand!.Record.Status == MasterStatus.Retired)
        {
            return PvmProblems.ReferenceNotActive(request.BrandGuid is null ? "brand_code" : "brand_guid", "A retired brand takes no new links.");
        }
        var (supplier, missing) = await stores.ResolveSupplierAsync(orgcode, request, ct);
        if (missing is not null)
        {
            return missing;
        }
        if (supplier!.Retired)
        {
            return PvmProblems.ReferenceNotActive(SupplierField(request), $"The {Kind(request)} '{supplier.Code}' is retired.");
        }
        var kind = request.SupplierKind!.Value;
        var link = new BrandLink { BrandGuid = brand.Record.BrandGuid, SupplierKind = kind, SupplierGuid = supplier.Guid, SupplierCode = supplier.Code };
        var existing = await stores.Links.GetAsync(orgcode, link.Key, includeDoomed: true, ct: ct);
        if (existing is { Record.IsDoomed: false })
        {
            return ApiProblem.Duplicate($"The brand is already linked to {Kind(request)} '{supplier.Code}'.", SupplierField(request));
        }

        var batch = new RecordBatch();
        // A link removed before comes back as the same record (its history continues) rather than a second one under its key.
        var written = existing is null ? stores.Links.Create(batch, orgcode, link) : stores.Links.Update(batch, orgcode, existing, link with { DoomedAt = null });
        var after = brand.Record;
        if ((request.Primary == true || BrandLinkRules.PrimaryOf(brand.Record, kind) is null) && BrandLinkRules.PrimaryOf(brand.Record, kind) != supplier.Guid)
        {
            after = stores.Brands.Update(batch, orgcode, brand, BrandLinkRules.WithPrimary(brand.Record, kind, supplier.Guid));
        }
        var commit = await batch.CommitAsync(ct);
        return commit.Succeeded ? TypedResults.Created((string?)null, BrandLinkRules.ViewOf(after, written)) : commit.Problem();
    }

    public static async Task<Results<Ok<BrandLinkView>, ProblemHttpResult>> RemoveLink(BrandLinkRequest request, [AsParameters] BrandLinkStores stores,
        RecordStore<Style> styles, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (brand, problem) = await stores.LoadBrandAsync(orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var (supplier, missing) = await stores.ResolveSupplierAsync(orgcode, request, ct);
        if (missing is not null)
        {
            return missing;
        }
        var kind = request.SupplierKind!.Value;
        var link = await stores.Links.GetAsync(orgcode, BrandLink.KeyOf(brand!.Record.BrandGuid, kind, supplier!.Guid), ct: ct);
        if (link is null)
        {
            return ApiProblem.NotFound($"The brand is not linked to {Kind(request)} '{supplier.Code}'.");
        }
        var styleField = kind == SupplierKind.Vendor ? "primary_vendor_guid" : "primary_manufacturer_guid";
        if (await StyleUse.AnyAsync(styles, orgcode, styleField, supplier.Guid, StyleUse.DraftOrActive, ct,
                StateFilter.Eq("brand_guid", brand.Record.BrandGuid)))
        {
            return PvmProblems.InUse($"A {StyleUse.Names(StyleUse.DraftOrActive)} style of this brand has {Kind(request)} '{supplier.Code}' as its primary.");
        }

        // The brand is written with every removal (its primary cleared when it was this supplier), so a set_primary
        // racing this removal conflicts on the brand's ETag instead of leaving the primary on a removed link.
        var batch = new RecordBatch();
        var doomed = stores.Links.Doom(batch, orgcode, link);
        var next = BrandLinkRules.PrimaryOf(brand.Record, kind) == supplier.Guid ? BrandLinkRules.WithPrimary(brand.Record, kind, null) : brand.Record;
        var after = stores.Brands.Update(batch, orgcode, brand, next, "link_removed");
        var commit = await batch.CommitAsync(ct);
        return commit.Succeeded ? TypedResults.Ok(BrandLinkRules.ViewOf(after, doomed)) : commit.Problem();
    }

    public static async Task<Results<Ok<Brand>, ProblemHttpResult>> SetPrimary(BrandLinkRequest request, [AsParameters] BrandLinkStores stores,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var (brand, problem) = await stores.LoadBrandAsync(orgcode, request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var (supplier, missing) = await stores.ResolveSupplierAsync(orgcode, request, ct);
        if (missing is not null)
        {
            return missing;
        }
        if (supplier!.Retired)
        {
            return PvmProblems.ReferenceNotActive(SupplierField(request), $"The {Kind(request)} '{supplier.Code}' is retired.");
        }
        var kind = request.SupplierKind!.Value;
        if (await stores.Links.GetAsync(orgcode, BrandLink.KeyOf(brand!.Record.BrandGuid, kind, supplier.Guid), ct: ct) is null)
        {
            return PvmProblems.BrandLinkMissing(SupplierField(request), $"Link {Kind(request)} '{supplier.Code}' to the brand before making it primary.");
        }
        if (BrandLinkRules.PrimaryOf(brand.Record, kind) == supplier.Guid)
        {
            return TypedResults.Ok(brand.Record);
        }
        return (await stores.Brands.UpdateAsync(orgcode, brand, BrandLinkRules.WithPrimary(brand.Record, kind, supplier.Guid), ct: ct)).ToOk();
    }

    public static async Task<Results<Ok<Page<BrandLinkView>>, ProblemHttpResult>> ListLinks(BrandLinkListRequest request, [AsParameters] BrandLinkStores stores,
        RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        if (await MasterDataApi.LoadAsync(stores.Brands, orgcode, request, ct) is not { } brand)
        {
            return ApiProblem.NotFound("No such brand in this org.");
        }
        List<StateFilter> filters = [StateFilter.Eq("brand_guid", brand.Record.BrandGuid)];
        if (request.SupplierKind is { } kind)
        {
            filters.Add(StateFilter.Eq("supplier_kind", kind));
        }
        var page = await stores.Links.ListAsync(orgcode, filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        return TypedResults.Ok(new Page<BrandLinkView>(page.Items.Select(l => BrandLinkRules.ViewOf(brand.Record, l)).ToList(), page.NextToken));
    }

    /// <summary>A brand that active styles carry cannot be retired.</summary>
    private static async Task<ProblemHttpResult?> RetireGuard(IServiceProvider services, string orgcode, Brand brand, MasterStatus to, CancellationToken ct)
    {
        if (to != MasterStatus.Retired)
        {
            return null;
        }
        var styles = services.GetRequiredService<RecordStore<Style>>();
        return await StyleUse.AnyAsync(styles, orgcode, "brand_guid", brand.BrandGuid, StyleUse.Active, ct)
            ? PvmProblems.InUse("An active style carries this brand.")
            : null;
    }

    private static string SupplierField(IBrandLinkRef request) => string.IsNullOrWhiteSpace(request.SupplierGuid) ? "supplier_code" : "supplier_guid";

    private static string Kind(IBrandLinkRef request) => Retail.Shared.Json.SnakeCase.Name(request.SupplierKind!.Value);
}

/// <summary>A supplier a link names: its guid, its code, and whether it is retired.</summary>
public sealed record LinkedSupplier(string Guid, string Code, bool Retired);

/// <summary>The stores a link operation reads and writes, bundled for the handlers.</summary>
public sealed record BrandLinkStores(RecordStore<Brand> Brands, RecordStore<BrandLink> Links, RecordStore<Vendor> Vendors,
    RecordStore<Manufacturer> Manufacturers)
{
    /// <summary>The brand (404 when it is not in this org); with <c>expected_revision</c>, also the revision check.</summary>
    public async Task<ChangeBase<Brand>> LoadBrandAsync(string orgcode, IBrandLinkRef request, CancellationToken ct)
    {
        if (await MasterDataApi.LoadAsync(Brands, orgcode, request, ct) is not { } brand)
        {
            return new ChangeBase<Brand>(null, ApiProblem.NotFound("No such brand in this org."));
        }
        return request.ExpectedRevision is null ? new ChangeBase<Brand>(brand, null) : RecordStore<Brand>.CheckRevision(brand, request.ExpectedRevision);
    }

    /// <summary>The vendor or manufacturer a request names; 422 <c>unknown_reference</c> when there is none.</summary>
    public async Task<(LinkedSupplier? Supplier, ProblemHttpResult? Problem)> ResolveSupplierAsync(string orgcode, IBrandLinkRef request,
        CancellationToken ct)
    {
        var supplier = request.SupplierKind == SupplierKind.Vendor
            ? await MasterDataApi.LoadAsync(Vendors, orgcode, new MasterKey<Vendor>(request.SupplierGuid, request.SupplierCode), ct) is { } v
                ? new LinkedSupplier(v.Record.VendorGuid, v.Record.VendorCode, v.Record.Status == SupplierStatus.Retired) : null
            : await MasterDataApi.LoadAsync(Manufacturers, orgcode, new MasterKey<Manufacturer>(request.SupplierGuid, request.SupplierCode), ct) is { } m
                ? new LinkedSupplier(m.Record.ManufacturerGuid, m.Record.ManufacturerCode, m.Record.Status == SupplierStatus.Retired) : null;
        return supplier is null
            ? (null, PvmProblems.UnknownReference(string.IsNullOrWhiteSpace(request.SupplierGuid) ? "supplier_code" : "supplier_guid",
                $"No such {Retail.Shared.Json.SnakeCase.Name(request.SupplierKind!.Value)} in this org."))
            : (supplier, null);
    }
}
