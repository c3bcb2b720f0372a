using FluentValidation.Results;
using Retail.Pvm.Brands;
using Retail.Pvm.Catalog;
using Retail.Pvm.Options;
using Retail.Pvm.Suppliers;
using Retail.Pvm.Taxonomy;
using Retail.Shared;
using Retail.Shared.Bulk;

namespace Retail.Pvm.Bulk;

/// <summary>A style as bulk import and export carry it: every reference by code, its model by code and revision, compliance whole.</summary>
public sealed record StyleRow(string? StyleCode, string? Name, string? Description, string? BrandCode, string? PrimaryVendorCode,
    string? PrimaryManufacturerCode, string? CategoryCode, string? SeasonCode, string? OgmCode, int? OgmRevision, ComplianceRequest? Compliance,
    ProductStatus? Status)
{
    public CreateStyleRequest ToCreate() => new(StyleCode, Name, Description, BrandCode, null, PrimaryVendorCode, null, PrimaryManufacturerCode, null,
        CategoryCode, null, SeasonCode, null, null, OgmCode, OgmRevision, Compliance);
}

/// <summary>
/// <c>pvm.style</c>, keyed by <c>style_code</c>. Checked by style create's rules and its reference rule
/// (<see cref="StyleRules"/>): the brand, both primary suppliers, the category and the model exist
/// (<c>unknown_reference</c>) and are active (<c>reference_not_active</c>; a season only has to exist and not be retired),
/// and the brand is linked to both primaries (<c>brand_link_missing</c>); the first failure names its field. A stored
/// style keeps its model (style/ogm/set moves it: <c>invalid_record</c>), and on a change its model only has to exist, as
/// on style update, unless the record activates it. A new style is a draft unless the record gives a status; a change of
/// status follows the lifecycle. Every write commits <c>pvm.style.changed</c> (and <c>pvm.style.status_changed</c> on
/// a move), as the API does. The record is whole: compliance left out is none. A call reads the styles, each kind of
/// reference and the brand links, one bulk read each, walks each category's path once, and writes one batch.
/// </summary>
public sealed class StyleBulk(RecordStore<Style> styles, RecordStore<Brand> brands, RecordStore<Vendor> vendors, RecordStore<Manufacturer> manufacturers,
    RecordStore<Category> categories, RecordStore<Season> seasons, RecordStore<Ogm> ogms, RecordStore<BrandLink> links)
    : BulkEntity<StyleRow>("pvm.style", ["style_code"],
        ["style_code", "name", "brand_code", "primary_vendor_code", "primary_manufacturer_code", "category_code", "ogm_code", "ogm_revision"])
{
    private static readonly CreateStyleRequestValidator Rules = new();

    private readonly StyleReferenceLoader references = new(brands, vendors, manufacturers, categories, seasons, ogms, links);

    /// <summary>A brand's or a category's styles, through the (brand_guid, status) and (category_guid, status) indexes.</summary>
    public override IReadOnlyCollection<string> ExportFilters => ["brand_code", "category_code", "status"];

    protected override ValidationResult Validate(StyleRow row) => Rules.Validate(row.ToCreate());

    protected override StyleRow Normalize(StyleRow row) => row with
    {
        StyleCode = Codes.Normalize(row.StyleCode),
        BrandCode = Codes.Normalize(row.BrandCode),
        PrimaryVendorCode = Codes.Normalize(row.PrimaryVendorCode),
        PrimaryManufacturerCode = Codes.Normalize(row.PrimaryManufacturerCode),
        CategoryCode = Codes.Normalize(row.CategoryCode),
        SeasonCode = string.IsNullOrWhiteSpace(row.SeasonCode) ? null : Codes.Normalize(row.SeasonCode),
        OgmCode = Codes.Normalize(row.OgmCode),
    };

    protected override string KeyOf(StyleRow row) => row.StyleCode!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<StyleRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        List<string> Distinct(Func<StyleRow, string?> code) => rows.Select(r => code(r.Row)).OfType<string>().Distinct().ToList();
        var existing = await styles.FindManyAsync(orgcode, Style.CodeName, Distinct(r => r.StyleCode), ct);
        var brandOf = await references.Brands.FindManyAsync(orgcode, Brand.CodeName, Distinct(r => r.BrandCode), ct);
        var vendorOf = await references.Vendors.FindManyAsync(orgcode, Vendor.CodeName, Distinct(r => r.PrimaryVendorCode), ct);
        var manufacturerOf = await references.Manufacturers.FindManyAsync(orgcode, Manufacturer.CodeName, Distinct(r => r.PrimaryManufacturerCode), ct);
        var categoryOf = await references.Categories.FindManyAsync(orgcode, Category.CodeName, Distinct(r => r.CategoryCode), ct);
        var seasonOf = await references.Seasons.FindManyAsync(orgcode, Season.CodeName, Distinct(r => r.SeasonCode), ct);
        var ogmOf = await references.Ogms.FindManyAsync(orgcode, Ogm.CodeName, Distinct(r => Ogm.UniqueOf(r.OgmCode!, r.OgmRevision!.Value)), ct);
        var linkKeys = rows.SelectMany(r => brandOf.GetValueOrDefault(r.Row.BrandCode!) is not { } brand ? []
            : new[]
            {
                vendorOf.GetValueOrDefault(r.Row.PrimaryVendorCode!) is { } v ? BrandLink.KeyOf(brand.Record.BrandGuid, SupplierKind.Vendor, v.Record.VendorGuid) : null,
                manufacturerOf.GetValueOrDefault(r.Row.PrimaryManufacturerCode!) is { } m
                    ? BrandLink.KeyOf(brand.Record.BrandGuid, SupplierKind.Manufacturer, m.Record.ManufacturerGuid) : null,
            }).OfType<string>().Distinct().ToList();
        var linked = (await references.Links.GetManyAsync(orgcode, linkKeys, ct: ct)).Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        var paths = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

        foreach (var row in rows)
        {
            var r = row.Row;
            var loaded = existing.GetValueOrDefault(row.Key);
            var current = loaded?.Record;
            var status = r.Status ?? current?.Status ?? ProductStatus.Draft;
            if (current is not null && RefusedMove(Style.Lifecycle, current.Status, status) is { } move)
            {
                changes.Reject(row, BulkProblems.InvalidTransition, move, "status");
                continue;
            }
            var brand = brandOf.GetValueOrDefault(r.BrandCode!)?.Record;
            var vendor = vendorOf.GetValueOrDefault(r.PrimaryVendorCode!)?.Record;
            var manufacturer = manufacturerOf.GetValueOrDefault(r.PrimaryManufacturerCode!)?.Record;
            var category = categoryOf.GetValueOrDefault(r.CategoryCode!)?.Record;
            var season = r.SeasonCode is null ? null : seasonOf.GetValueOrDefault(r.SeasonCode)?.Record;
            var ogmName = Ogm.UniqueOf(r.OgmCode!, r.OgmRevision!.Value);
            var ogm = ogmOf.GetValueOrDefault(ogmName)?.Record;
            // As style update: a stored style's model only has to exist, unless the record activates it (the status guard checks it all).
            var activates = status == ProductStatus.Active && current?.Status != ProductStatus.Active;
            var state = new StyleReferenceState(
                Reference("brand_code", $"brand '{r.BrandCode}'", brand, b => b.Status == MasterStatus.Active, b => MasterLifecycle.Name(b.Status)),
                Reference("primary_vendor_code", $"primary vendor '{r.PrimaryVendorCode}'", vendor, v => v.Status == SupplierStatus.Active,
                    v => Retail.Shared.Json.SnakeCase.Name(v.Status)),
                Reference("primary_manufacturer_code", $"primary manufacturer '{r.PrimaryManufacturerCode}'", manufacturer,
                    m => m.Status == SupplierStatus.Active, m => Retail.Shared.Json.SnakeCase.Name(m.Status)),
                Reference("category_code", $"category '{r.CategoryCode}'", category, c => c.Status == MasterStatus.Active, c => MasterLifecycle.Name(c.Status)),
                r.SeasonCode is null ? null
                    : Reference("season_code", $"season '{r.SeasonCode}'", season, s => s.Status != MasterStatus.Retired, s => MasterLifecycle.Name(s.Status)),
                Reference("ogm_code", $"ogm '{ogmName}'", ogm, o => o.Status == OgmStatus.Active || (current is not null && !activates),
                    o => Retail.Shared.Json.SnakeCase.Name(o.Status)),
                brand is not null && vendor is not null && linked.Contains(BrandLink.KeyOf(brand.BrandGuid, SupplierKind.Vendor, vendor.VendorGuid)),
                brand is not null && manufacturer is not null
                    && linked.Contains(BrandLink.KeyOf(brand.BrandGuid, SupplierKind.Manufacturer, manufacturer.ManufacturerGuid)));
            if (StyleRules.Check(state) is { } refused)
            {
                changes.Reject(row, refused.Code, refused.Detail, refused.Field);
                continue;
            }
            if (current is not null && current.OgmGuid != ogm!.OgmGuid)
            {
                changes.Reject(row, BulkProblems.InvalidRecord, "A style's model moves through style/ogm/set, not through an import.", "ogm_code");
                continue;
            }
            var next = (current ?? new Style
            {
                StyleGuid = Ids.New(),
                StyleCode = row.Key,
                Name = "",
                BrandGuid = "",
                PrimaryVendorGuid = "",
                PrimaryManufacturerGuid = "",
                CategoryGuid = "",
                OgmGuid = ogm!.OgmGuid,
            }) with
            {
                Name = r.Name!.Trim(),
                Description = RequestRules.Trimmed(r.Description),
                BrandGuid = brand!.BrandGuid,
                PrimaryVendorGuid = vendor!.VendorGuid,
                PrimaryManufacturerGuid = manufacturer!.ManufacturerGuid,
                CategoryGuid = category!.CategoryGuid,
                SeasonGuid = season?.SeasonGuid,
                Compliance = r.Compliance?.ToAttributes(),
                Status = status,
                StatusReason = current is not null && current.Status != status ? null : current?.StatusReason,
            };
            if (!paths.TryGetValue(next.CategoryGuid, out var path))
            {
                paths[next.CategoryGuid] = path = await StyleEvents.CategoryPathAsync(references.Categories, orgcode, next.CategoryGuid, ct);
            }
            changes.Upsert(styles, orgcode, row, loaded, next, stored => current is not null && current.Status != stored.Status
                ?
                [
                    new DomainEvent(PvmEvents.StyleStatusChanged,
                        new StyleStatusChanged(orgcode, stored.StyleGuid, stored.StyleCode, current.Status, stored.Status, null), stored.StyleGuid),
                    StyleEvents.Changed(orgcode, stored, path),
                ]
                : [StyleEvents.Changed(orgcode, stored, path)]);
        }
    }

    private static ReferenceState Reference<T>(string field, string label, T? found, Func<T, bool> usable, Func<T, string> status) where T : class =>
        new(field, label, found is not null, found is not null && usable(found), found is null ? null : status(found));

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        List<StateFilter> scope = [];
        if (filters.TryGetValue("brand_code", out var brandCode))
        {
            var brand = await references.Brands.FindAsync(orgcode, Brand.CodeName, Codes.Normalize(brandCode), ct);
            scope.Add(StateFilter.Eq("brand_guid", brand?.Record.BrandGuid ?? ""));
        }
        if (filters.TryGetValue("category_code", out var categoryCode))
        {
            var category = await references.Categories.FindAsync(orgcode, Category.CodeName, Codes.Normalize(categoryCode), ct);
            scope.Add(StateFilter.Eq("category_guid", category?.Record.CategoryGuid ?? ""));
        }
        if (filters.TryGetValue("status", out var status))
        {
            scope.Add(StateFilter.Eq("status", status));
        }
        var page = await styles.ListAsync(orgcode, scope, limit, token, ct: ct);
        List<string> Guids(Func<Style, string?> guid) => page.Items.Select(guid).OfType<string>().Distinct().ToList();
        var brands = await references.Brands.LoadManyAsync(orgcode, Guids(s => s.BrandGuid), ct);
        var vendors = await references.Vendors.LoadManyAsync(orgcode, Guids(s => s.PrimaryVendorGuid), ct);
        var manufacturers = await references.Manufacturers.LoadManyAsync(orgcode, Guids(s => s.PrimaryManufacturerGuid), ct);
        var categories = await references.Categories.LoadManyAsync(orgcode, Guids(s => s.CategoryGuid), ct);
        var seasons = await references.Seasons.LoadManyAsync(orgcode, Guids(s => s.SeasonGuid), ct);
        var ogms = await references.Ogms.LoadManyAsync(orgcode, Guids(s => s.OgmGuid), ct);
        var items = page.Items.Select(s =>
        {
            var ogm = ogms.GetValueOrDefault(s.OgmGuid)?.Record;
            return (object)new StyleRow(s.StyleCode, s.Name, s.Description, brands.GetValueOrDefault(s.BrandGuid)?.Record.BrandCode,
                vendors.GetValueOrDefault(s.PrimaryVendorGuid)?.Record.VendorCode, manufacturers.GetValueOrDefault(s.PrimaryManufacturerGuid)?.Record.ManufacturerCode,
                categories.GetValueOrDefault(s.CategoryGuid)?.Record.CategoryCode, s.SeasonGuid is null ? null : seasons.GetValueOrDefault(s.SeasonGuid)?.Record.SeasonCode,
                ogm?.OgmCode, ogm?.OgmRevision,
                s.Compliance is { } c ? new ComplianceRequest(c.CountryOfOrigin, c.HsCode, c.Hazmat, c.AgeRestriction, c.Materials, c.Certifications) : null,
                s.Status);
        }).ToList();
        return new BulkExportPage(items, page.NextToken);
    }

    public override Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct) =>
        KeysByUniqueAsync(styles, orgcode, Style.CodeName, keys, ct);

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(styles, orgcode, ct);
}
