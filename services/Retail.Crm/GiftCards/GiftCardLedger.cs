namespace Retail.Crm.GiftCards;

/// <summary>A card as it will be after a movement, and the entry that records the movement: staged together in one batch.</summary>
public sealed record LedgerChange(GiftCard Card, GiftCardEntry Entry);

/// <summary>
/// The ledger's rules as pure functions of (card, command) → (next card, entry) or the problem that refuses it. The
/// handlers load, ask, stage both records in one batch and commit; nothing here reads or writes.
/// </summary>
public static class GiftCardLedger
{
    public static LedgerChange Issue(string giftcardGuid, string entryGuid, string codeHash, string code, string currency, long amountMinor,
        DateTimeOffset? expiresAt, string? customerGuid, string reference, string principalId)
    {
        var card = new GiftCard
        {
            GiftcardGuid = giftcardGuid,
            CodeHash = codeHash,
            CodeLast4 = GiftCardCodes.Last4(code),
            Currency = currency,
            InitialBalanceMinor = amountMinor,
            BalanceMinor = amountMinor,
            ExpiresAt = expiresAt,
            CustomerGuid = customerGuid,
            IssueReference = reference,
            IssuedBy = principalId,
        };
        return new LedgerChange(card, Entry(card, entryGuid, GiftCardEntryKind.Issue, amountMinor, reference, null, principalId));
    }

    /// <summary>Spends <paramref name="amountMinor"/>: refused when blocked, expired, in another currency, or more than the balance.</summary>
    public static (LedgerChange? Change, ProblemHttpResult? Problem) Redeem(GiftCard card, long amountMinor, string currency, string reference,
        string entryGuid, string principalId, DateTimeOffset now)
    {
        if (card.Status == GiftCardStatus.Blocked)
        {
            return (null, CrmProblems.GiftCardBlocked());
        }
        if (card.IsExpiredAt(now))
        {
            return (null, CrmProblems.GiftCardExpired(card.ExpiresAt!.Value));
        }
        if (!string.Equals(card.Currency, currency, StringComparison.Ordinal))
        {
            return (null, CrmProblems.GiftCardCurrencyMismatch(card.Currency));
        }
        if (amountMinor > card.BalanceMinor)
        {
            return (null, CrmProblems.GiftCardInsufficientBalance(card.BalanceMinor, card.Currency));
        }
        var next = card with { BalanceMinor = card.BalanceMinor - amountMinor };
        return (new LedgerChange(next, Entry(next, entryGuid, GiftCardEntryKind.Redeem, amountMinor, reference, null, principalId)), null);
    }

    /// <summary>
    /// Gives back <paramref name="amountMinor"/> of <paramref name="redemption"/> (all that is left of it when null), never more
    /// than it took less <paramref name="restoredMinor"/> already given back. A blocked or expired card still takes it back:
    /// it is the customer's money returning.
    /// </summary>
    public static (LedgerChange? Change, ProblemHttpResult? Problem) Restore(GiftCard card, GiftCardEntry redemption, long restoredMinor, long? amountMinor,
        string reference, string entryGuid, string principalId)
    {
        var restorable = Math.Max(0, redemption.AmountMinor - restoredMinor);
        var amount = amountMinor ?? restorable;
        if (amount <= 0 || amount > restorable)
        {
            return (null, CrmProblems.GiftCardRestoreExceedsRedemption(restorable));
        }
        var next = card with { BalanceMinor = card.BalanceMinor + amount };
        return (new LedgerChange(next, Entry(next, entryGuid, GiftCardEntryKind.Restore, amount, reference, redemption.EntryGuid, principalId)), null);
    }

    /// <summary>Whether a replayed reference asks for the same movement as the entry it already names.</summary>
    public static bool SameMovement(GiftCardEntry entry, string giftcardGuid, long? amountMinor, string? currency) =>
        entry.GiftcardGuid == giftcardGuid
        && (amountMinor is null || entry.AmountMinor == amountMinor)
        && (currency is null || string.Equals(entry.Currency, currency, StringComparison.Ordinal));

    private static GiftCardEntry Entry(GiftCard card, string entryGuid, GiftCardEntryKind kind, long amountMinor, string reference,
        string? restores, string principalId) => new()
        {
            EntryGuid = entryGuid,
            GiftcardGuid = card.GiftcardGuid,
            Kind = kind,
            AmountMinor = amountMinor,
            Currency = card.Currency,
            BalanceAfterMinor = card.BalanceMinor,
            Reference = reference,
            RestoresEntryGuid = restores,
            CustomerGuid = card.CustomerGuid,
            CreatedBy = principalId,
        };
}
