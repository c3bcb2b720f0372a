using FluentValidation;
using FluentValidation.Results;
using Retail.Pvm.Brands;
using Retail.Pvm.Suppliers;
using Retail.Shared;
using Retail.Shared.Bulk;

namespace Retail.Pvm.Bulk;

/// <summary>
/// A brand as bulk import and export carry it: its suppliers by code, each list naming the vendors (or manufacturers)
/// linked to it, and which of them is its primary.
/// </summary>
public sealed record BrandRow(string? BrandCode, string? Name, string? Description, MasterStatus? Status, IReadOnlyList<string>? VendorCodes,
    IReadOnlyList<string>? ManufacturerCodes, string? PrimaryVendorCode, string? PrimaryManufacturerCode)
{
    public CreateBrandRequest ToCreate() => new(BrandCode, Name, Description);
}

/// <summary>What a bulk brand adds to brand create's rules: the supplier codes well formed, at most <see cref="MaxLinks"/> of each kind.</summary>
public sealed class BrandRowValidator : AbstractValidator<BrandRow>
{
    public const int MaxLinks = 50;

    public BrandRowValidator()
    {
        RuleFor(r => r.VendorCodes).Must(c => c is null || c.Count <= MaxLinks).WithMessage($"at most {MaxLinks} vendors");
        RuleForEach(r => r.VendorCodes).BusinessCode();
        RuleFor(r => r.ManufacturerCodes).Must(c => c is null || c.Count <= MaxLinks).WithMessage($"at most {MaxLinks} manufacturers");
        RuleForEach(r => r.ManufacturerCodes).BusinessCode();
        RuleFor(r => r.PrimaryVendorCode).OptionalCode();
        RuleFor(r => r.PrimaryManufacturerCode).OptionalCode();
    }
}

/// <summary>
/// <c>pvm.brand</c>, keyed by <c>brand_code</c>. Checked by brand create's rules and brand/link/add's: every supplier code
/// names a vendor (or manufacturer) of the org (<c>unknown_reference</c>), a new link is to a supplier that is not retired
/// and on a brand that is not retired (<c>reference_not_active</c>), and a primary is a linked supplier
/// (<c>brand_link_missing</c>). Links are added, never removed (brand/link/remove does that, with its check of the styles
/// that rely on one); the first link of a kind becomes the brand's primary when it has none, as on link/add. A bulk
/// record does not retire a brand (status/set checks the active styles that carry it): <c>invalid_transition</c>.
/// A call reads the brands, the suppliers of each kind and the links, one bulk read each, and writes one batch.
/// </summary>
public sealed class BrandBulk(RecordStore<Brand> brands, RecordStore<BrandLink> links, RecordStore<Vendor> vendors, RecordStore<Manufacturer> manufacturers)
    : BulkEntity<BrandRow>("pvm.brand", ["brand_code"], ["brand_code", "name"])
{
    private static readonly CreateBrandRequestValidator Rules = new();

    private static readonly BrandRowValidator LinkRules = new();

    public override IReadOnlyCollection<string> ExportFilters => ["status"];

    protected override ValidationResult Validate(BrandRow row) => Rules.Validate(row.ToCreate()) is { IsValid: false } refused ? refused : LinkRules.Validate(row);

    protected override BrandRow Normalize(BrandRow row) => row with
    {
        BrandCode = Codes.Normalize(row.BrandCode),
        VendorCodes = row.VendorCodes?.Select(Codes.Normalize).Distinct().ToList(),
        ManufacturerCodes = row.ManufacturerCodes?.Select(Codes.Normalize).Distinct().ToList(),
        PrimaryVendorCode = row.PrimaryVendorCode is null ? null : Codes.Normalize(row.PrimaryVendorCode),
        PrimaryManufacturerCode = row.PrimaryManufacturerCode is null ? null : Codes.Normalize(row.PrimaryManufacturerCode),
    };

    protected override string KeyOf(BrandRow row) => row.BrandCode!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<BrandRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var existing = await brands.FindManyAsync(orgcode, Brand.CodeName, rows.Select(r => r.Key).ToList(), ct);
        var vendorOf = (await vendors.FindManyAsync(orgcode, Vendor.CodeName, CodesOf(rows, SupplierKind.Vendor), ct))
            .ToDictionary(p => p.Key, p => new LinkedSupplier(p.Value.Record.VendorGuid, p.Value.Record.VendorCode, p.Value.Record.Status == SupplierStatus.Retired));
        var manufacturerOf = (await manufacturers.FindManyAsync(orgcode, Manufacturer.CodeName, CodesOf(rows, SupplierKind.Manufacturer), ct))
            .ToDictionary(p => p.Key, p => new LinkedSupplier(p.Value.Record.ManufacturerGuid, p.Value.Record.ManufacturerCode,
                p.Value.Record.Status == SupplierStatus.Retired));
        // The links of stored brands to the suppliers named, removed ones too (a removed link comes back as the same record).
        var linkKeys = rows.Where(r => existing.ContainsKey(r.Key)).SelectMany(r => LinkKeys(existing[r.Key].Record.BrandGuid, r.Row, vendorOf, manufacturerOf))
            .Distinct(StringComparer.Ordinal).ToList();
        var held = (await links.GetManyAsync(orgcode, linkKeys, includeDoomed: true, ct)).ToDictionary(l => l.Key, StringComparer.Ordinal);

        foreach (var row in rows)
        {
            var r = row.Row;
            var current = existing.GetValueOrDefault(row.Key);
            if (Refused(r, current?.Record, vendorOf, manufacturerOf) is { } refused)
            {
                changes.Reject(row, refused.Code, refused.Reason, refused.Field);
                continue;
            }
            var guid = current?.Record.BrandGuid ?? Ids.New();
            var wanted = Wanted(guid, r, vendorOf, manufacturerOf);
            var added = wanted.Where(w => held.GetValueOrDefault(w.Link.Key) is not { IsDoomed: false }).ToList();
            if (added.FindIndex(a => a.Supplier.Retired) is var retired and >= 0)
            {
                var (link, supplier) = added[retired];
                changes.Reject(row, "reference_not_active", $"The {Kind(link.SupplierKind)} '{supplier.Code}' is retired.", FieldOf(link.SupplierKind));
                continue;
            }
            if (added.Count > 0 && current?.Record.Status == MasterStatus.Retired)
            {
                changes.Reject(row, "reference_not_active", "A retired brand takes no new links.", "brand_code");
                continue;
            }
            var next = (current?.Record ?? new Brand { BrandGuid = guid, BrandCode = row.Key, Name = "" }) with
            {
                Name = r.Name!.Trim(),
                Description = RequestRules.Trimmed(r.Description),
                Status = r.Status ?? current?.Record.Status ?? MasterStatus.Active,
            };
            var (primaryProblem, withPrimaries) = Primaries(next, r, vendorOf, manufacturerOf, held, wanted);
            if (primaryProblem is not null)
            {
                changes.Reject(row, "brand_link_missing", primaryProblem.Value.Reason, primaryProblem.Value.Field);
                continue;
            }
            var outcome = changes.Upsert(brands, orgcode, row, current, withPrimaries);
            if (!changes.DryRun)
            {
                foreach (var (link, _) in added)
                {
                    // A removed link comes back as the same record, as on link/add (one more read, only for links that come back).
                    if (held.GetValueOrDefault(link.Key) is { IsDoomed: true }
                        && await links.GetAsync(orgcode, link.Key, includeDoomed: true, ct: ct) is { } removed)
                    {
                        links.Update(changes.Batch, orgcode, removed, link with { DoomedAt = null });
                    }
                    else
                    {
                        links.Create(changes.Batch, orgcode, link);
                    }
                }
            }
            if (outcome == BulkOutcomes.Unchanged && added.Count > 0)
            {
                changes.Restate(row.Index, BulkOutcomes.Updated);
            }
        }
    }

    private static List<string> CodesOf(IReadOnlyList<BulkRow<BrandRow>> rows, SupplierKind kind) => rows
        .SelectMany(r => kind == SupplierKind.Vendor
            ? (r.Row.VendorCodes ?? []).Append(r.Row.PrimaryVendorCode)
            : (r.Row.ManufacturerCodes ?? []).Append(r.Row.PrimaryManufacturerCode))
        .OfType<string>().Distinct().ToList();

    private static IEnumerable<string> LinkKeys(string brandGuid, BrandRow row, Dictionary<string, LinkedSupplier> vendorOf,
        Dictionary<string, LinkedSupplier> manufacturerOf) =>
        (row.VendorCodes ?? []).Append(row.PrimaryVendorCode).OfType<string>().Where(vendorOf.ContainsKey)
            .Select(c => BrandLink.KeyOf(brandGuid, SupplierKind.Vendor, vendorOf[c].Guid))
            .Concat((row.ManufacturerCodes ?? []).Append(row.PrimaryManufacturerCode).OfType<string>().Where(manufacturerOf.ContainsKey)
                .Select(c => BrandLink.KeyOf(brandGuid, SupplierKind.Manufacturer, manufacturerOf[c].Guid)));

    /// <summary>The links the record lists, in its order: vendors, then manufacturers.</summary>
    private static List<(BrandLink Link, LinkedSupplier Supplier)> Wanted(string brandGuid, BrandRow row, Dictionary<string, LinkedSupplier> vendorOf,
        Dictionary<string, LinkedSupplier> manufacturerOf) =>
        [
            .. (row.VendorCodes ?? []).Select(c => (Of(brandGuid, SupplierKind.Vendor, vendorOf[c]), vendorOf[c])),
            .. (row.ManufacturerCodes ?? []).Select(c => (Of(brandGuid, SupplierKind.Manufacturer, manufacturerOf[c]), manufacturerOf[c])),
        ];

    private static BrandLink Of(string brandGuid, SupplierKind kind, LinkedSupplier supplier) =>
        new() { BrandGuid = brandGuid, SupplierKind = kind, SupplierGuid = supplier.Guid, SupplierCode = supplier.Code };

    /// <summary>Why the record cannot be written before its links are looked at: an unknown supplier, or a retirement.</summary>
    private static (string Code, string Reason, string Field)? Refused(BrandRow row, Brand? current, Dictionary<string, LinkedSupplier> vendorOf,
        Dictionary<string, LinkedSupplier> manufacturerOf)
    {
        if ((row.VendorCodes ?? []).Append(row.PrimaryVendorCode).OfType<string>().FirstOrDefault(c => !vendorOf.ContainsKey(c)) is { } vendor)
        {
            return (BulkProblems.UnknownReference, $"No vendor '{vendor}' in this org.", vendor == row.PrimaryVendorCode ? "primary_vendor_code" : "vendor_codes");
        }
        if ((row.ManufacturerCodes ?? []).Append(row.PrimaryManufacturerCode).OfType<string>().FirstOrDefault(c => !manufacturerOf.ContainsKey(c)) is { } maker)
        {
            return (BulkProblems.UnknownReference, $"No manufacturer '{maker}' in this org.",
                maker == row.PrimaryManufacturerCode ? "primary_manufacturer_code" : "manufacturer_codes");
        }
        if (row.Status == MasterStatus.Retired && current?.Status != MasterStatus.Retired)
        {
            return (BulkProblems.InvalidTransition, "A bulk record does not retire a brand; brand/status checks the styles that carry it.", "status");
        }
        if (current is not null && RefusedMove(MasterLifecycle.Machine, current.Status, row.Status ?? current.Status) is { } move)
        {
            return (BulkProblems.InvalidTransition, move, "status");
        }
        return null;
    }

    /// <summary>
    /// The brand with its primaries: the one the record names (it must be linked, stored or listed), else the stored one,
    /// else the first listed supplier of that kind (as link/add makes the first link of a kind the primary).
    /// </summary>
    private static ((string Reason, string Field)?, Brand) Primaries(Brand brand, BrandRow row, Dictionary<string, LinkedSupplier> vendorOf,
        Dictionary<string, LinkedSupplier> manufacturerOf, Dictionary<string, BrandLink> held, List<(BrandLink Link, LinkedSupplier Supplier)> wanted)
    {
        foreach (var kind in new[] { SupplierKind.Vendor, SupplierKind.Manufacturer })
        {
            var named = kind == SupplierKind.Vendor ? row.PrimaryVendorCode : row.PrimaryManufacturerCode;
            var suppliers = kind == SupplierKind.Vendor ? vendorOf : manufacturerOf;
            string? primary;
            if (named is not null)
            {
                var key = BrandLink.KeyOf(brand.BrandGuid, kind, suppliers[named].Guid);
                if (held.GetValueOrDefault(key) is not { IsDoomed: false } && wanted.All(w => w.Link.Key != key))
                {
                    return (($"Link {Kind(kind)} '{named}' to the brand (list it in {FieldOf(kind)}) before making it primary.",
                        kind == SupplierKind.Vendor ? "primary_vendor_code" : "primary_manufacturer_code"), brand);
                }
                primary = suppliers[named].Guid;
            }
            else
            {
                primary = BrandLinkRules.PrimaryOf(brand, kind) ?? wanted.Where(w => w.Link.SupplierKind == kind).Select(w => w.Supplier.Guid).FirstOrDefault();
            }
            brand = BrandLinkRules.WithPrimary(brand, kind, primary);
        }
        return (null, brand);
    }

    private static string Kind(SupplierKind kind) => Retail.Shared.Json.SnakeCase.Name(kind);

    private static string FieldOf(SupplierKind kind) => kind == SupplierKind.Vendor ? "vendor_codes" : "manufacturer_codes";

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        var page = await brands.ListAsync(orgcode, EqualityFilters(filters), limit, token, ct: ct);
        var items = new List<object>(page.Items.Count);
        foreach (var b in page.Items)
        {
            // One indexed read per brand (as brand/link/list): a brand has a handful of suppliers.
            var held = (await links.ListAsync(orgcode, [StateFilter.Eq("brand_guid", b.BrandGuid)], BrandRowValidator.MaxLinks * 2, ct: ct)).Items;
            string? CodeOf(string? guid) => held.FirstOrDefault(l => l.SupplierGuid == guid)?.SupplierCode;
            items.Add(new BrandRow(b.BrandCode, b.Name, b.Description, b.Status,
                [.. held.Where(l => l.SupplierKind == SupplierKind.Vendor).Select(l => l.SupplierCode).Order(StringComparer.Ordinal)],
                [.. held.Where(l => l.SupplierKind == SupplierKind.Manufacturer).Select(l => l.SupplierCode).Order(StringComparer.Ordinal)],
                CodeOf(b.PrimaryVendorGuid), CodeOf(b.PrimaryManufacturerGuid)));
        }
        return new BulkExportPage(items, page.NextToken);
    }

    public override Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct) =>
        KeysByUniqueAsync(brands, orgcode, Brand.CodeName, keys, ct);

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(brands, orgcode, ct);
}
