using Retail.Crm.Certificates;
using Retail.Crm.Customers;
using Retail.Crm.Merge;

namespace Retail.Crm.Accounts;

/// <summary>
/// What a customer merge moves in the accounts area: the exemption certificates the merged customer holds go to the
/// survivor (each with <c>exemption.certificate_changed</c>, so SCM's copy follows), and account contacts linked to the
/// merged customer are relinked to it. Staged into the merge's batch with the ETags read here, so a certificate changed
/// meanwhile fails the whole merge instead of being overwritten.
/// </summary>
public sealed class AccountsMergeParticipant(RecordStore<ExemptionCertificate> certificates, RecordStore<AccountContact> contacts) : ICustomerMergeParticipant
{
    private const int PageSize = 200;

    public string Name => "accounts";

    public async Task<object?> StageAsync(string orgcode, Customer survivor, Customer merged, RecordBatch batch, CancellationToken ct)
    {
        var moved = 0;
        foreach (var loaded in await LoadAllAsync(certificates, orgcode, [StateFilter.Eq("holder_guid", merged.CustomerGuid)], ct))
        {
            var next = CertificateRules.MovedTo(loaded.Record, survivor.CustomerGuid);
            certificates.Update(batch, orgcode, loaded, next, events: [CertificateRules.Changed(orgcode, next with { Revision = loaded.Record.Revision + 1 })]);
            moved++;
        }
        var relinked = 0;
        foreach (var loaded in await LoadAllAsync(contacts, orgcode, [StateFilter.Eq("customer_guid", merged.CustomerGuid)], ct))
        {
            contacts.Update(batch, orgcode, loaded, loaded.Record with { CustomerGuid = survivor.CustomerGuid });
            relinked++;
        }
        return moved == 0 && relinked == 0 ? null : new { certificates = moved, contacts = relinked };
    }

    /// <summary>Every record of one holder through an index (bounded by what that holder has, never the org), with ETags.</summary>
    internal static async Task<IReadOnlyList<Loaded<T>>> LoadAllAsync<T>(RecordStore<T> store, string orgcode, IReadOnlyList<StateFilter> filters,
        CancellationToken ct) where T : Record
    {
        var all = new List<Loaded<T>>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(orgcode, filters, PageSize, token, ct: ct);
            var loaded = await store.LoadManyAsync(orgcode, page.Items.Select(r => r.Key).ToList(), ct);
            all.AddRange(page.Items.Where(r => loaded.ContainsKey(r.Key)).Select(r => loaded[r.Key]));
            token = page.NextToken;
        }
        while (token is not null);
        return all;
    }
}
