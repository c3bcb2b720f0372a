using Retail.Crm.Customers;

namespace Retail.Crm.Merge;

/// <summary>
/// Keeps the dedupe pairs of one customer: finds its candidates through the customer indexes (canonical e-mail, phone,
/// external ids, postcodes; each lookup bounded by <see cref="CandidatesPerKey"/>), never by comparing every pair, then
/// re-scores every pair it is in (new candidates and the pairs it already had) from both customers as they are now.
/// Each pair is its own ETag-checked write; one lost to a concurrent writer is read and decided again.
/// </summary>
public sealed class DedupeFinder(RecordStore<Customer> customers, RecordStore<DedupePair> pairs)
{
    /// <summary>How many customers one key (an e-mail, a postcode) may propose; a building with more residents stays bounded.</summary>
    public const int CandidatesPerKey = 100;

    private const int Attempts = 5;

    private static readonly IReadOnlyList<StateSort> ByKey = [new StateSort("pair_guid")];

    public async Task RefreshAsync(string orgcode, string customerGuid, CancellationToken ct)
    {
        if (await customers.GetAsync(orgcode, customerGuid, ct: ct) is not { Record: var customer })
        {
            return;
        }
        var others = new HashSet<string>(StringComparer.Ordinal);
        if (customer.IsLive)
        {
            foreach (var candidate in await CandidatesOfAsync(orgcode, customer, ct))
            {
                others.Add(candidate);
            }
        }
        foreach (var other in await PairedWithAsync(orgcode, customerGuid, ct))
        {
            others.Add(other);
        }
        others.Remove(customerGuid);
        foreach (var other in others.Order(StringComparer.Ordinal))
        {
            await RescoreAsync(orgcode, customerGuid, other, ct);
        }
    }

    private async Task<IReadOnlyCollection<string>> CandidatesOfAsync(string orgcode, Customer customer, CancellationToken ct)
    {
        var found = new List<Customer>();
        if (DedupeRules.CanonicalEmail(customer.Email) is { } email)
        {
            found.AddRange((await customers.ListAsync(orgcode, [StateFilter.Eq("email_canonical", email)], CandidatesPerKey, ct: ct)).Items);
        }
        if (!string.IsNullOrEmpty(customer.Phone))
        {
            found.AddRange((await customers.ListAsync(orgcode, [StateFilter.Eq("live_phone", customer.Phone)], CandidatesPerKey, ct: ct)).Items);
        }
        foreach (var externalId in DedupeRules.ExternalIdKeys(customer.ExternalIds))
        {
            found.AddRange((await customers.ListByValueAsync(orgcode, "external_id", externalId, CandidatesPerKey, ct: ct)).Items);
        }
        foreach (var postcode in DedupeRules.PostcodeKeys(customer.Addresses))
        {
            // Names are compared when the pair is scored; only those similar enough make a pair.
            found.AddRange((await customers.ListByValueAsync(orgcode, "postcode", postcode, CandidatesPerKey, ct: ct)).Items);
        }
        return found.Where(c => c.IsLive && c.CustomerGuid != customer.CustomerGuid && DedupeRules.Compare(customer, c) is not null)
            .Select(c => c.CustomerGuid).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The other sides of the pairs this customer is already in (not merged ones: those are final).</summary>
    private async Task<IReadOnlyCollection<string>> PairedWithAsync(string orgcode, string customerGuid, CancellationToken ct)
    {
        var others = new List<string>();
        foreach (var side in new[] { "customer_guid_a", "customer_guid_b" })
        {
            string? token = null;
            do
            {
                var page = await pairs.ListAsync(orgcode,
                    [StateFilter.Eq(side, customerGuid), StateFilter.In("status", DedupeStatus.Open, DedupeStatus.Dismissed, DedupeStatus.Cleared)],
                    Paging.MaxLimit, token, sort: ByKey, ct: ct);
                others.AddRange(page.Items.Select(p => p.CustomerGuidA == customerGuid ? p.CustomerGuidB : p.CustomerGuidA));
                token = page.NextToken;
            }
            while (token is not null);
        }
        return others;
    }

    private async Task RescoreAsync(string orgcode, string one, string other, CancellationToken ct)
    {
        var (a, b) = DedupeRules.Ordered(one, other);
        var pairGuid = DedupeRules.PairGuidOf(a, b);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            // The pair first, then the customers: a writer that scored newer customers changed the pair's ETag since.
            var current = await pairs.GetAsync(orgcode, pairGuid, ct: ct);
            var left = (await customers.GetAsync(orgcode, a, ct: ct))?.Record;
            var right = (await customers.GetAsync(orgcode, b, ct: ct))?.Record;
            if (Rescore(current?.Record, pairGuid, a, b, left, right) is not { } next)
            {
                return;
            }
            var op = current is not null && current.Record.Status != next.Status ? "status_changed" : "updated";
            var write = current is null ? await pairs.CreateAsync(orgcode, next, ct: ct) : await pairs.UpdateAsync(orgcode, current, next, op, ct: ct);
            if (write.Succeeded)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * (attempt + 1))), ct);
        }
        throw new InvalidOperationException($"dedupe pair {pairGuid} kept changing while it was scored");
    }

    /// <summary>
    /// The pair as it should be now, or null when nothing is to be written: a pair is created only when a reason holds;
    /// one whose side is gone or merged becomes merged (final); one without a reason any more is cleared; a dismissed
    /// pair stays dismissed while it matches, and comes back dismissed if it matches again.
    /// </summary>
    public static DedupePair? Rescore(DedupePair? current, string pairGuid, string a, string b, Customer? left, Customer? right)
    {
        if (current?.Status == DedupeStatus.Merged)
        {
            return null;
        }
        if (left is not { IsLive: true } || right is not { IsLive: true })
        {
            return current is null ? null : current with { Status = DedupeStatus.Merged, RevisionA = left?.Revision ?? current.RevisionA,
                RevisionB = right?.Revision ?? current.RevisionB };
        }
        var match = DedupeRules.Compare(left, right);
        if (match is null)
        {
            return current is null || current.Status == DedupeStatus.Cleared ? null
                : current with { Status = DedupeStatus.Cleared, Score = 0, Reasons = [], NameSimilarity = null, RevisionA = left.Revision,
                    RevisionB = right.Revision };
        }
        var next = (current ?? new DedupePair { PairGuid = pairGuid, CustomerGuidA = a, CustomerGuidB = b }) with
        {
            Score = match.Score,
            Reasons = match.Reasons,
            NameSimilarity = match.NameSimilarity,
            Status = current?.DismissedAt is null ? DedupeStatus.Open : DedupeStatus.Dismissed,
            RevisionA = left.Revision,
            RevisionB = right.Revision,
        };
        return current is not null && current.Status == next.Status && current.Score.Equals(next.Score) && current.Reasons.SequenceEqual(next.Reasons)
            && Nullable.Equals(current.NameSimilarity, next.NameSimilarity)
            ? null
            : next;
    }
}
