using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Crm.GiftCards;
using Retail.Shared.Records;

namespace Retail.Crm.Tests;

public sealed class GiftCardLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static GiftCard Card(long balance = 1000, GiftCardStatus status = GiftCardStatus.Active, DateTimeOffset? expiresAt = null) =>
        GiftCardLedger.Issue("card-1", "e-0", "hash", "ABCDEFGHJKMNPQRS", "EUR", balance, expiresAt, "cust-1", "issue-1", "admin").Card
            with { Status = status };

    private static string? CodeOf(ProblemHttpResult? problem) => problem?.ProblemDetails.Extensions["code"] as string;

    [Fact]
    public void Issuing_keeps_the_last_four_characters_and_an_issue_entry_for_the_whole_balance()
    {
        var change = GiftCardLedger.Issue("card-1", "e-0", "hash", "ABCDEFGHJKMNPQRS", "EUR", 2500, null, null, "promo", "admin");
        Assert.Equal(("PQRS", 2500L, 2500L), (change.Card.CodeLast4, change.Card.BalanceMinor, change.Card.InitialBalanceMinor));
        Assert.Equal((GiftCardEntryKind.Issue, 2500L, 2500L), (change.Entry.Kind, change.Entry.AmountMinor, change.Entry.BalanceAfterMinor));
    }

    [Fact]
    public void A_redemption_takes_part_of_the_balance_and_never_more_than_it()
    {
        var (change, problem) = GiftCardLedger.Redeem(Card(), 400, "EUR", "order-1", "e-1", "clerk", Now);
        Assert.Null(problem);
        Assert.Equal((600L, 600L, GiftCardEntryKind.Redeem), (change!.Card.BalanceMinor, change.Entry.BalanceAfterMinor, change.Entry.Kind));
        Assert.Equal("insufficient_balance", CodeOf(GiftCardLedger.Redeem(Card(), 1001, "EUR", "o", "e", "c", Now).Problem));
        Assert.Null(GiftCardLedger.Redeem(Card(), 1000, "EUR", "o", "e", "c", Now).Problem);
    }

    [Fact]
    public void A_blocked_expired_or_foreign_currency_redemption_is_refused()
    {
        Assert.Equal("giftcard_blocked", CodeOf(GiftCardLedger.Redeem(Card(status: GiftCardStatus.Blocked), 1, "EUR", "o", "e", "c", Now).Problem));
        Assert.Equal("giftcard_expired", CodeOf(GiftCardLedger.Redeem(Card(expiresAt: Now), 1, "EUR", "o", "e", "c", Now).Problem));
        Assert.Null(GiftCardLedger.Redeem(Card(expiresAt: Now.AddSeconds(1)), 1, "EUR", "o", "e", "c", Now).Problem);
        Assert.Equal("currency_mismatch", CodeOf(GiftCardLedger.Redeem(Card(), 1, "USD", "o", "e", "c", Now).Problem));
    }

    [Fact]
    public void A_restore_gives_back_what_is_left_of_a_redemption_and_no_more()
    {
        var redeemed = GiftCardLedger.Redeem(Card(), 400, "EUR", "order-1", "e-1", "clerk", Now).Change!;
        var (all, _) = GiftCardLedger.Restore(redeemed.Card, redeemed.Entry, 0, null, "void-1", "e-2", "clerk");
        Assert.Equal((400L, 1000L, "e-1"), (all!.Entry.AmountMinor, all.Card.BalanceMinor, all.Entry.RestoresEntryGuid));
        var (part, _) = GiftCardLedger.Restore(redeemed.Card, redeemed.Entry, 300, 100, "refund-2", "e-3", "clerk");
        Assert.Equal(700L, part!.Card.BalanceMinor);
        Assert.Equal("restore_exceeds_redemption", CodeOf(GiftCardLedger.Restore(redeemed.Card, redeemed.Entry, 300, 101, "r", "e", "c").Problem));
        Assert.Equal("restore_exceeds_redemption", CodeOf(GiftCardLedger.Restore(redeemed.Card, redeemed.Entry, 400, null, "r", "e", "c").Problem));
        // A blocked card still takes its money back.
        Assert.Null(GiftCardLedger.Restore(redeemed.Card with { Status = GiftCardStatus.Blocked }, redeemed.Entry, 0, null, "r", "e", "c").Problem);
    }

    [Fact]
    public void Entries_are_unique_per_kind_and_reference_and_cards_per_code_hash()
    {
        var entry = GiftCardLedger.Redeem(Card(), 1, "EUR", "order-1", "e-1", "c", Now).Change!.Entry;
        Assert.Equal(new UniqueValue("reference", "redeem:order-1"), Assert.Single(GiftCardEntry.Type.UniquesOf(entry)));
        Assert.Equal(new UniqueValue("code_hash", "hash"), Assert.Single(GiftCard.Type.UniquesOf(Card())));
    }
}
