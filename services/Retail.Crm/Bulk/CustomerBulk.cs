using FluentValidation;
using FluentValidation.Results;
using Retail.Crm.Customers;
using Retail.Shared;
using Retail.Shared.Bulk;

namespace Retail.Crm.Bulk;

/// <summary>
/// A customer as bulk import and export carry it, keyed by e-mail. Addresses and external ids are whole (they replace the
/// stored ones). Export adds <see cref="CustomerGuid"/> and <see cref="ConsentWithheld"/>; upsert accepts them back
/// (a guid must be the e-mail's customer's; a withheld record has no e-mail, so it is never imported).
/// </summary>
public sealed record CustomerRow(string? Email, string? Phone, string? DefaultRegion, string? GivenName, string? FamilyName,
    IReadOnlyList<AddressRequest>? Addresses, IReadOnlyDictionary<string, string>? ExternalIds, string? CustomerGuid = null, bool? ConsentWithheld = null)
{
    public CreateCustomerRequest ToCreate() => new(Email, Phone, DefaultRegion, GivenName, FamilyName, Addresses, ExternalIds, null);

    public static CustomerRow Of(Customer c, bool consented) => consented
        ? new(c.Email, c.Phone, null, c.GivenName, c.FamilyName,
            c.Addresses.Select(a => new AddressRequest(a.Label, a.Line1, a.Line2, a.City, a.Region, a.Postcode, a.Country)).ToList(), c.ExternalIds,
            c.CustomerGuid, false)
        : new(null, null, null, null, null, null, null, c.CustomerGuid, true);
}

/// <summary>
/// <c>crm.customer</c>, keyed by e-mail (a bulk record needs one; a customer known only by phone is created through the API).
/// Checked by customer create's rules, phone numbers unique as there. Export respects consent: a customer who has not
/// granted <c>data_sharing</c> (CRM's purpose for handing their data to another system) is exported as its guid with
/// <c>consent_withheld: true</c> and no personal field (e-mail, phone, names, addresses, external ids).
/// </summary>
public sealed class CustomerBulk(RecordStore<Customer> customers, RecordStore<CustomerConsent> consents, RequestContext context)
    : BulkEntity<CustomerRow>("crm.customer", ["email"], ["email"])
{
    private static readonly CreateCustomerRequestValidator CreateRules = new();
    private static readonly BulkRules Rules = new();

    public override IReadOnlyCollection<string> ExportFilters => ["status"];

    protected override ValidationResult Validate(CustomerRow row)
    {
        var own = Rules.Validate(row);
        return own.IsValid ? CreateRules.Validate(row.ToCreate()) : own;
    }

    protected override CustomerRow Normalize(CustomerRow row) => row with
    {
        Email = CustomerContact.NormaliseEmail(row.Email!),
        Phone = row.Phone is null ? null : CustomerContact.ToE164(row.Phone, CustomerRequestRules.RegionFor(row.DefaultRegion, row.Addresses)),
        DefaultRegion = null,
        CustomerGuid = row.CustomerGuid?.Trim().ToLowerInvariant(),
        ConsentWithheld = null,
    };

    protected override string KeyOf(CustomerRow row) => row.Email!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<CustomerRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var existing = await customers.FindManyAsync(orgcode, "email", rows.Select(r => r.Key).ToList(), ct);
        var phones = await customers.FindManyAsync(orgcode, "phone", rows.Where(r => r.Row.Phone is not null).Select(r => r.Row.Phone!).ToList(), ct);
        var phonesInCall = new HashSet<string>(StringComparer.Ordinal);
        var actor = context.Principal?.Id ?? "bulk";
        foreach (var row in rows)
        {
            var r = row.Row;
            var current = existing.GetValueOrDefault(row.Key);
            if (r.CustomerGuid is not null && current?.Record.CustomerGuid != r.CustomerGuid)
            {
                changes.Reject(row, BulkProblems.InvalidRecord, "customer_guid names another customer than this e-mail's.", "customer_guid");
                continue;
            }
            if (r.Phone is not null && ((phones.GetValueOrDefault(r.Phone) is { } holder && holder.Record.CustomerGuid != current?.Record.CustomerGuid)
                || !phonesInCall.Add(r.Phone)))
            {
                changes.Reject(row, BulkProblems.Duplicate, "Another customer already holds this phone.", "phone");
                continue;
            }
            var next = CustomerRules.Derive((current?.Record ?? new Customer { CustomerGuid = Ids.New(), CreatedBy = actor }) with
            {
                Email = r.Email,
                Phone = r.Phone,
                GivenName = RequestRules.Trimmed(r.GivenName),
                FamilyName = RequestRules.Trimmed(r.FamilyName),
                Addresses = r.Addresses is null ? [] : CustomerRequestRules.Addresses(r.Addresses),
                ExternalIds = r.ExternalIds is null ? new Dictionary<string, string>() : CustomerRequestRules.ExternalIds(r.ExternalIds),
            });
            if (current?.Record.Status == CustomerStatus.Merged)
            {
                changes.Reject(row, BulkProblems.InvalidTransition, "This customer was merged into another.", "email");
                continue;
            }
            changes.Upsert(customers, orgcode, row, current, next,
                stored => [CustomerChanged.Of(current is null ? CrmEvents.CustomerCreated : CrmEvents.CustomerUpdated, orgcode, stored)]);
        }
    }

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        var page = await customers.ListAsync(orgcode, EqualityFilters(filters), limit, token, ct: ct);
        // One read of the page's consents; a merged customer is exported as its own record says (it shares nothing live).
        var granted = (await consents.GetManyAsync(orgcode, page.Items.Select(c => c.CustomerGuid).ToList(), ct: ct))
            .Where(c => c.Grants(ConsentPurpose.DataSharing)).Select(c => c.CustomerGuid).ToHashSet(StringComparer.Ordinal);
        return new BulkExportPage(page.Items.Select(c => CustomerRow.Of(c, granted.Contains(c.CustomerGuid))).ToList<object>(), page.NextToken);
    }

    public override async Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var found = await customers.FindManyAsync(orgcode, "email", keys.Select(CustomerContact.NormaliseEmail).ToList(), ct);
        return new BulkKeysResponse(keys.Where(k => found.ContainsKey(CustomerContact.NormaliseEmail(k))).ToList(),
            keys.Where(k => !found.ContainsKey(CustomerContact.NormaliseEmail(k))).ToList());
    }

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(customers, orgcode, ct);

    private sealed class BulkRules : AbstractValidator<CustomerRow>
    {
        public BulkRules()
        {
            RuleFor(r => r.Email).NotEmpty().WithMessage("is required (a bulk customer is keyed by e-mail)");
            RuleFor(r => r.CustomerGuid).OptionalGuid();
        }
    }
}
