namespace Retail.Crm.GiftCards;

/// <summary>The data of <c>giftcard.issued</c>. Never the code (nor its hash): only its last four characters.</summary>
public sealed record GiftCardIssued(string Orgcode, string GiftcardGuid, string CodeLast4, string Currency, long InitialBalanceMinor,
    DateTimeOffset? ExpiresAt, string? CustomerGuid, string Reference, long Revision);

/// <summary>The data of <c>giftcard.redeemed</c> and <c>giftcard.restored</c>: one ledger movement and the balance after it.</summary>
public sealed record GiftCardMoved(string Orgcode, string GiftcardGuid, string EntryGuid, GiftCardEntryKind Kind, long AmountMinor, string Currency,
    long BalanceAfterMinor, string Reference, string? RestoresEntryGuid, string? CustomerGuid, long Revision);

/// <summary>The data of <c>giftcard.status_changed</c> (blocked or unblocked).</summary>
public sealed record GiftCardStatusChanged(string Orgcode, string GiftcardGuid, GiftCardStatus Status, string? Reason, string? CustomerGuid, long Revision);

public static class GiftCardEvents
{
    public static DomainEvent Issued(string orgcode, GiftCard card) =>
        new(CrmEvents.GiftCardIssued, new GiftCardIssued(orgcode, card.GiftcardGuid, card.CodeLast4, card.Currency, card.InitialBalanceMinor, card.ExpiresAt,
            card.CustomerGuid, card.IssueReference, 1), Subject(card));

    public static DomainEvent Moved(string orgcode, GiftCardEntry entry, long cardRevision) =>
        new(entry.Kind == GiftCardEntryKind.Restore ? CrmEvents.GiftCardRestored : CrmEvents.GiftCardRedeemed,
            new GiftCardMoved(orgcode, entry.GiftcardGuid, entry.EntryGuid, entry.Kind, entry.AmountMinor, entry.Currency, entry.BalanceAfterMinor,
                entry.Reference, entry.RestoresEntryGuid, entry.CustomerGuid, cardRevision), $"giftcard/{entry.GiftcardGuid}");

    public static DomainEvent StatusChanged(string orgcode, GiftCard card, long revision) =>
        new(CrmEvents.GiftCardStatusChanged, new GiftCardStatusChanged(orgcode, card.GiftcardGuid, card.Status, card.BlockedReason, card.CustomerGuid,
            revision), Subject(card));

    private static string Subject(GiftCard card) => $"giftcard/{card.GiftcardGuid}";
}
