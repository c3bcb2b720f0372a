using Retail.Crm.Customers;

namespace Retail.Crm.Merge;

/// <summary>What a write naming a customer gets: the live customer (with its ETag), or the problem that answers instead.</summary>
public sealed record LiveCustomer(Loaded<Customer>? Customer, ProblemHttpResult? Problem);

/// <summary>How a write answers when the customer it names does not exist.</summary>
public enum MissingCustomer
{
    /// <summary>422 <c>unknown_reference</c> naming the field: the customer is a reference in another record (an entry, a card).</summary>
    UnknownReference,

    /// <summary>404 <c>not_found</c>: the customer is the subject of the operation (its consent, its flags).</summary>
    NotFound,
}

/// <summary>
/// The one place CRM's areas ask for a customer they are about to write for. A merged customer is never written to:
/// writes answer 409 <c>customer_merged</c> naming the live survivor (following merges of merges), while reads answer the
/// merged record itself, with <c>status: merged</c> and <c>merged_into</c>. Events naming a merged customer (an order
/// placed with its old guid) are applied to the survivor through <see cref="SurvivorAsync"/>.
/// </summary>
public sealed class CustomerLookup(RecordStore<Customer> customers)
{
    /// <summary>How many merges of merges are followed to the survivor; merges cannot form a cycle, this only bounds a read.</summary>
    public const int MaxHops = 16;

    /// <summary>The live customer, or 404/422 when there is none, or 409 <c>customer_merged</c> naming the survivor.</summary>
    public async Task<LiveCustomer> LiveAsync(string orgcode, string? customerGuid, CancellationToken ct = default,
        MissingCustomer missing = MissingCustomer.UnknownReference, string field = "customer_guid")
    {
        var loaded = customerGuid is not null && Guid.TryParse(customerGuid, out var guid) ? await customers.GetAsync(orgcode, guid.ToString(), ct: ct) : null;
        if (loaded is null)
        {
            return new LiveCustomer(null, missing == MissingCustomer.NotFound
                ? ApiProblem.NotFound("No such customer.")
                : CrmProblems.UnknownReference(field, $"No customer {customerGuid} in this org."));
        }
        if (loaded.Record.IsLive)
        {
            return new LiveCustomer(loaded, null);
        }
        var survivor = await SurvivorAsync(orgcode, loaded.Record, ct);
        return new LiveCustomer(null, CrmProblems.CustomerMerged(loaded.Record.CustomerGuid, survivor?.Record.CustomerGuid ?? loaded.Record.MergedInto!));
    }

    /// <summary>The live customer a guid stands for now: itself when live, else the end of its <c>merged_into</c> chain; null when unknown.</summary>
    public async Task<Loaded<Customer>?> SurvivorAsync(string orgcode, string customerGuid, CancellationToken ct = default)
    {
        if (!Guid.TryParse(customerGuid, out var guid) || await customers.GetAsync(orgcode, guid.ToString(), ct: ct) is not { } loaded)
        {
            return null;
        }
        return loaded.Record.IsLive ? loaded : await SurvivorAsync(orgcode, loaded.Record, ct);
    }

    private async Task<Loaded<Customer>?> SurvivorAsync(string orgcode, Customer merged, CancellationToken ct)
    {
        var next = merged.MergedInto;
        for (var hop = 0; hop < MaxHops && next is not null; hop++)
        {
            if (await customers.GetAsync(orgcode, next, ct: ct) is not { } loaded)
            {
                return null;
            }
            if (loaded.Record.IsLive)
            {
                return loaded;
            }
            next = loaded.Record.MergedInto;
        }
        return null;
    }
}
