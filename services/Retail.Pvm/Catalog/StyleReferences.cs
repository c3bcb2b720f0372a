using Retail.Pvm.Brands;
using Retail.Pvm.Options;
using Retail.Pvm.Suppliers;
using Retail.Pvm.Taxonomy;

namespace Retail.Pvm.Catalog;

/// <summary>What a style's check knows of one reference: the request field that named it, whether it exists, whether it is usable.</summary>
public sealed record ReferenceState(string Field, string Label, bool Exists, bool Usable, string? Status);

/// <summary>A style's references as found: each primary, the brand, the category, the season (when named), the OGM, and the brand links.</summary>
public sealed record StyleReferenceState(
    ReferenceState Brand,
    ReferenceState Vendor,
    ReferenceState Manufacturer,
    ReferenceState Category,
    ReferenceState? Season,
    ReferenceState Ogm,
    bool VendorLinked,
    bool ManufacturerLinked);

/// <summary>Why a style's references refuse it: the problem code, the field to name, and what to tell the client.</summary>
public sealed record ReferenceProblem(string Code, string Field, string Detail)
{
    public ProblemHttpResult ToProblem() => Code switch
    {
        "unknown_reference" => PvmProblems.UnknownReference(Field, Detail),
        "reference_not_active" => PvmProblems.ReferenceNotActive(Field, Detail),
        _ => PvmProblems.BrandLinkMissing(Field, Detail),
    };
}

/// <summary>
/// The rule a style's references follow, on create, on update and before it activates: every reference exists, the
/// brand, both primary suppliers, the category and the OGM are active (a season only has to exist), and the brand is
/// linked to both primaries. The first failure, in that order, names its field.
/// </summary>
public static class StyleRules
{
    public static ReferenceProblem? Check(StyleReferenceState state)
    {
        ReferenceState?[] ordered = [state.Brand, state.Vendor, state.Manufacturer, state.Category, state.Season, state.Ogm];
        foreach (var reference in ordered)
        {
            if (reference is null)
            {
                continue;
            }
            if (!reference.Exists)
            {
                return new ReferenceProblem("unknown_reference", reference.Field, $"No {reference.Label} in this org.");
            }
            if (!reference.Usable)
            {
                return new ReferenceProblem("reference_not_active", reference.Field, $"The {reference.Label} is {reference.Status}, not active.");
            }
        }
        if (!state.VendorLinked)
        {
            return new ReferenceProblem("brand_link_missing", state.Vendor.Field, $"The {state.Brand.Label} is not linked to the {state.Vendor.Label}.");
        }
        return state.ManufacturerLinked ? null
            : new ReferenceProblem("brand_link_missing", state.Manufacturer.Field, $"The {state.Brand.Label} is not linked to the {state.Manufacturer.Label}.");
    }
}

/// <summary>One reference as a request names it: a guid or a code, and the field to name in a problem.</summary>
public readonly record struct ReferenceName(string? Guid, string? Code, string GuidField, string CodeField)
{
    public string Field => Guid is not null ? GuidField : CodeField;

    public string Describe(string entity) => Guid is not null ? $"{entity} {Guid}" : $"{entity} '{Codes.Normalize(Code)}'";

    /// <summary>The name a change gives, or the record's current guid when the change leaves it out.</summary>
    public ReferenceName Or(string? currentGuid) => Guid is null && Code is null ? this with { Guid = currentGuid } : this;
}

/// <summary>The names of a style's references, as a create or update request gives them (or the stored style, on activation).</summary>
public sealed record StyleReferenceNames(
    ReferenceName Brand,
    ReferenceName Vendor,
    ReferenceName Manufacturer,
    ReferenceName Category,
    ReferenceName Season,
    ReferenceName Ogm,
    int? OgmRevision = null)
{
    public static StyleReferenceNames Of(Style style) => new(
        new(style.BrandGuid, null, "brand_guid", "brand_code"),
        new(style.PrimaryVendorGuid, null, "primary_vendor_guid", "primary_vendor_code"),
        new(style.PrimaryManufacturerGuid, null, "primary_manufacturer_guid", "primary_manufacturer_code"),
        new(style.CategoryGuid, null, "category_guid", "category_code"),
        new(style.SeasonGuid, null, "season_guid", "season_code"),
        new(style.OgmGuid, null, "ogm_guid", "ogm_code"));
}

/// <summary>The references a style names, loaded (one read each, the two brand links in one bulk read).</summary>
public sealed record StyleReferences(
    Loaded<Brand>? Brand,
    Loaded<Vendor>? Vendor,
    Loaded<Manufacturer>? Manufacturer,
    Loaded<Category>? Category,
    Loaded<Season>? Season,
    Loaded<Ogm>? Ogm,
    StyleReferenceState State);

/// <summary>The stores a style's references live in (bound as a parameter bundle).</summary>
public sealed record StyleReferenceLoader(
    RecordStore<Brand> Brands,
    RecordStore<Vendor> Vendors,
    RecordStore<Manufacturer> Manufacturers,
    RecordStore<Category> Categories,
    RecordStore<Season> Seasons,
    RecordStore<Ogm> Ogms,
    RecordStore<BrandLink> Links)
{
    public async Task<StyleReferences> LoadAsync(string orgcode, StyleReferenceNames names, CancellationToken ct)
    {
        var brand = await MasterDataApi.LoadAsync(Brands, orgcode, new MasterKey<Brand>(names.Brand.Guid, names.Brand.Code), ct);
        var vendor = await MasterDataApi.LoadAsync(Vendors, orgcode, new MasterKey<Vendor>(names.Vendor.Guid, names.Vendor.Code), ct);
        var manufacturer = await MasterDataApi.LoadAsync(Manufacturers, orgcode,
            new MasterKey<Manufacturer>(names.Manufacturer.Guid, names.Manufacturer.Code), ct);
        var category = await MasterDataApi.LoadAsync(Categories, orgcode, new MasterKey<Category>(names.Category.Guid, names.Category.Code), ct);
        var seasonNamed = names.Season.Guid is not null || names.Season.Code is not null;
        var season = seasonNamed ? await MasterDataApi.LoadAsync(Seasons, orgcode, new MasterKey<Season>(names.Season.Guid, names.Season.Code), ct) : null;
        var ogm = await OgmApi.FindAsync(Ogms, orgcode, names.Ogm.Guid, names.Ogm.Code, names.OgmRevision, ct);

        var vendorLinked = false;
        var manufacturerLinked = false;
        if (brand is not null && vendor is not null && manufacturer is not null)
        {
            var vendorLink = BrandLink.KeyOf(brand.Record.BrandGuid, SupplierKind.Vendor, vendor.Record.VendorGuid);
            var manufacturerLink = BrandLink.KeyOf(brand.Record.BrandGuid, SupplierKind.Manufacturer, manufacturer.Record.ManufacturerGuid);
            var found = await Links.GetManyAsync(orgcode, [vendorLink, manufacturerLink], ct: ct);
            vendorLinked = found.Any(l => l.Key == vendorLink);
            manufacturerLinked = found.Any(l => l.Key == manufacturerLink);
        }

        var state = new StyleReferenceState(
            State(names.Brand, "brand", brand, b => b.Status == MasterStatus.Active, b => MasterLifecycle.Name(b.Status)),
            State(names.Vendor, "primary vendor", vendor, v => v.Status == SupplierStatus.Active, v => Name(v.Status)),
            State(names.Manufacturer, "primary manufacturer", manufacturer, m => m.Status == SupplierStatus.Active, m => Name(m.Status)),
            State(names.Category, "category", category, c => c.Status == MasterStatus.Active, c => MasterLifecycle.Name(c.Status)),
            seasonNamed ? State(names.Season, "season", season, s => s.Status != MasterStatus.Retired, s => MasterLifecycle.Name(s.Status)) : null,
            State(names.Ogm with { Code = names.Ogm.Code is null || names.OgmRevision is null ? names.Ogm.Code : $"{names.Ogm.Code}@{names.OgmRevision}" },
                "ogm", ogm, o => o.Status == OgmStatus.Active, o => Name(o.Status)),
            vendorLinked,
            manufacturerLinked);
        return new StyleReferences(brand, vendor, manufacturer, category, season, ogm, state);
    }

    private static ReferenceState State<T>(ReferenceName name, string entity, Loaded<T>? loaded, Func<T, bool> usable, Func<T, string> status)
        where T : Record => new(name.Field, name.Describe(entity), loaded is not null, loaded is not null && usable(loaded.Record),
            loaded is null ? null : status(loaded.Record));

    private static string Name<TStatus>(TStatus status) where TStatus : struct, Enum => Retail.Shared.Json.SnakeCase.Name(status);
}
