using Retail.Crm.Customers;
using Retail.Crm.Merge;

namespace Retail.Crm.GiftCards;

/// <summary>
/// A merge moves the merged customer's cards to the survivor: each card's owner is re-pointed, ETag-checked in the merge's
/// one batch, so a redemption racing the merge either lands first (and the card moves with its new balance) or loses its
/// ETag check and is retried against the re-pointed card. Balances and entries stay with their cards.
/// </summary>
public sealed class GiftCardMergeParticipant(RecordStore<GiftCard> cards) : ICustomerMergeParticipant
{
    public string Name => "giftcards";

    public async Task<object?> StageAsync(string orgcode, Customer survivor, Customer merged, RecordBatch batch, CancellationToken ct)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await cards.ListAsync(orgcode, [StateFilter.Eq("customer_guid", merged.CustomerGuid)], Paging.MaxLimit, token, ct: ct);
            keys.AddRange(page.Items.Select(c => c.GiftcardGuid));
            token = page.NextToken;
        }
        while (token is not null);
        if (keys.Count == 0)
        {
            return null;
        }
        var moved = new List<string>();
        foreach (var card in (await cards.LoadManyAsync(orgcode, keys, ct)).Values.Where(c => c.Record.CustomerGuid == merged.CustomerGuid))
        {
            cards.Update(batch, orgcode, card, card.Record with { CustomerGuid = survivor.CustomerGuid }, "owner_merged");
            moved.Add(card.Record.GiftcardGuid);
        }
        return moved.Count == 0 ? null : new GiftCardsMoved(moved.Count, moved);
    }
}

/// <summary>What a merge moved of gift cards, for the merge record.</summary>
public sealed record GiftCardsMoved(int Cards, IReadOnlyList<string> GiftcardGuids);

/// <summary>
/// "No customer has an open hold": registered only when nothing else answers <see cref="Fraud.ICustomerHolds"/> (the fraud
/// area's real one wins), so gift cards work before and without it.
/// </summary>
internal sealed class NoOpenHolds : Fraud.ICustomerHolds
{
    public Task<string?> OpenHoldOfAsync(string orgcode, string customerGuid, CancellationToken ct = default) => Task.FromResult<string?>(null);
}
