using FluentValidation.Results;
using Retail.Pvm.Suppliers;
using Retail.Shared;
using Retail.Shared.Bulk;

namespace Retail.Pvm.Bulk;

/// <summary>A vendor as bulk import and export carry it: contacts and terms whole (they replace the stored ones), status optional.</summary>
public sealed record VendorRow(string? VendorCode, string? Name, string? Country, IReadOnlyList<SupplierContactInput>? Contacts, SupplierTerms? Terms,
    SupplierStatus? Status)
{
    public CreateVendorRequest ToCreate() => new(VendorCode, Name, Country, Contacts, Terms);

    public static VendorRow Of(Vendor v) => new(v.VendorCode, v.Name, v.Country,
        v.Contacts.Select(c => new SupplierContactInput(c.Name, c.Email, c.Phone, c.Role)).ToList(), v.Terms, v.Status);
}

/// <summary>
/// <c>pvm.vendor</c>, keyed by <c>vendor_code</c>. Checked by vendor create's rules. A new vendor is <c>pending</c> unless
/// the record gives a status (a migration brings its vendors as they are); a change of status follows the lifecycle.
/// </summary>
public sealed class VendorBulk(RecordStore<Vendor> vendors) : BulkEntity<VendorRow>("pvm.vendor", ["vendor_code"], ["vendor_code", "name", "country"])
{
    private static readonly CreateVendorRequestValidator Rules = new();

    public override IReadOnlyCollection<string> ExportFilters => ["status"];

    protected override ValidationResult Validate(VendorRow row) => Rules.Validate(row.ToCreate());

    protected override VendorRow Normalize(VendorRow row) => row with { VendorCode = Codes.Normalize(row.VendorCode) };

    protected override string KeyOf(VendorRow row) => row.VendorCode!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<VendorRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var existing = await vendors.FindManyAsync(orgcode, Vendor.CodeName, rows.Select(r => r.Key).ToList(), ct);
        foreach (var row in rows)
        {
            var current = existing.GetValueOrDefault(row.Key);
            var r = row.Row;
            var status = r.Status ?? current?.Record.Status ?? SupplierStatus.Pending;
            if (current is not null && RefusedMove(Vendor.Lifecycle, current.Record.Status, status) is { } refused)
            {
                changes.Reject(row, BulkProblems.InvalidTransition, refused, "status");
                continue;
            }
            var next = (current?.Record ?? new Vendor { VendorGuid = Ids.New(), VendorCode = row.Key, Name = "", Country = "" }) with
            {
                Name = r.Name!.Trim(),
                Country = SupplierRules.NormalizeCountry(r.Country!),
                Contacts = SupplierRules.ContactsOf(r.Contacts),
                Terms = SupplierRules.TermsOf(r.Terms),
                Status = status,
            };
            changes.Upsert(vendors, orgcode, row, current, next);
        }
    }

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        var page = await vendors.ListAsync(orgcode, EqualityFilters(filters), limit, token, ct: ct);
        return new BulkExportPage(page.Items.Select(VendorRow.Of).ToList<object>(), page.NextToken);
    }

    public override Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct) =>
        KeysByUniqueAsync(vendors, orgcode, Vendor.CodeName, keys, ct);

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(vendors, orgcode, ct);
}
