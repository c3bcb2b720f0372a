using FluentValidation.Results;
using Retail.Pvm.Suppliers;
using Retail.Shared;
using Retail.Shared.Bulk;

namespace Retail.Pvm.Bulk;

/// <summary>A manufacturer as bulk import and export carry it: contacts and terms whole (they replace the stored ones), status optional.</summary>
public sealed record ManufacturerRow(string? ManufacturerCode, string? Name, string? Country, IReadOnlyList<SupplierContactInput>? Contacts,
    SupplierTerms? Terms, SupplierStatus? Status)
{
    public CreateManufacturerRequest ToCreate() => new(ManufacturerCode, Name, Country, Contacts, Terms);

    public static ManufacturerRow Of(Manufacturer m) => new(m.ManufacturerCode, m.Name, m.Country,
        m.Contacts.Select(c => new SupplierContactInput(c.Name, c.Email, c.Phone, c.Role)).ToList(), m.Terms, m.Status);
}

/// <summary>
/// <c>pvm.manufacturer</c>, keyed by <c>manufacturer_code</c>: as <see cref="VendorBulk"/> (manufacturer create's rules; a
/// new manufacturer is <c>pending</c> unless the record gives a status; a change of status follows the lifecycle).
/// </summary>
public sealed class ManufacturerBulk(RecordStore<Manufacturer> manufacturers)
    : BulkEntity<ManufacturerRow>("pvm.manufacturer", ["manufacturer_code"], ["manufacturer_code", "name", "country"])
{
    private static readonly CreateManufacturerRequestValidator Rules = new();

    public override IReadOnlyCollection<string> ExportFilters => ["status"];

    protected override ValidationResult Validate(ManufacturerRow row) => Rules.Validate(row.ToCreate());

    protected override ManufacturerRow Normalize(ManufacturerRow row) => row with { ManufacturerCode = Codes.Normalize(row.ManufacturerCode) };

    protected override string KeyOf(ManufacturerRow row) => row.ManufacturerCode!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<ManufacturerRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var existing = await manufacturers.FindManyAsync(orgcode, Manufacturer.CodeName, rows.Select(r => r.Key).ToList(), ct);
        foreach (var row in rows)
        {
            var current = existing.GetValueOrDefault(row.Key);
            var r = row.Row;
            var status = r.Status ?? current?.Record.Status ?? SupplierStatus.Pending;
            if (current is not null && RefusedMove(Manufacturer.Lifecycle, current.Record.Status, status) is { } refused)
            {
                changes.Reject(row, BulkProblems.InvalidTransition, refused, "status");
                continue;
            }
            var next = (current?.Record ?? new Manufacturer { ManufacturerGuid = Ids.New(), ManufacturerCode = row.Key, Name = "", Country = "" }) with
            {
                Name = r.Name!.Trim(),
                Country = SupplierRules.NormalizeCountry(r.Country!),
                Contacts = SupplierRules.ContactsOf(r.Contacts),
                Terms = SupplierRules.TermsOf(r.Terms),
                Status = status,
            };
            changes.Upsert(manufacturers, orgcode, row, current, next);
        }
    }

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        var page = await manufacturers.ListAsync(orgcode, EqualityFilters(filters), limit, token, ct: ct);
        return new BulkExportPage(page.Items.Select(ManufacturerRow.Of).ToList<object>(), page.NextToken);
    }

    public override Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct) =>
        KeysByUniqueAsync(manufacturers, orgcode, Manufacturer.CodeName, keys, ct);

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(manufacturers, orgcode, ct);
}
