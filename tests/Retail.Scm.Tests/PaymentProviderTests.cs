using Retail.Scm.Payments;

namespace Retail.Scm.Tests;

public sealed class PaymentProviderTests
{
    private static CaptureCommand Capture(string token, string key = "k1") => new("org-1", key, token, 1000, "EUR", "SO-1");

    [Fact]
    public async Task The_test_provider_approves_declines_and_answers_the_same_key_the_same_way()
    {
        var provider = new TestPaymentProvider();
        var approved = await provider.CaptureAsync(Capture("tok_approve"), TestContext.Current.CancellationToken);
        Assert.Equal(PaymentOutcomeKind.Approved, approved.Kind);
        Assert.Equal(approved, await provider.CaptureAsync(Capture("tok_approve"), TestContext.Current.CancellationToken));
        Assert.Equal(1, Assert.Single(provider.Charges).Value);

        var declined = await provider.CaptureAsync(Capture("tok_decline", "k2"), TestContext.Current.CancellationToken);
        Assert.Equal((PaymentOutcomeKind.Declined, "card_declined"), (declined.Kind, declined.Reason));
        Assert.Single(provider.Charges);
    }

    [Fact]
    public async Task A_timeout_token_times_out_once_per_key_charging_nothing_then_a_retry_with_the_key_is_approved_once()
    {
        var provider = new TestPaymentProvider();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(PaymentOutcomeKind.Timeout, (await provider.CaptureAsync(Capture("tok_timeout"), ct)).Kind);
        Assert.Empty(provider.Charges);
        var retried = await provider.CaptureAsync(Capture("tok_timeout"), ct);
        Assert.Equal(PaymentOutcomeKind.Approved, retried.Kind);
        Assert.Equal(retried, await provider.CaptureAsync(Capture("tok_timeout"), ct));
        Assert.Equal(1, Assert.Single(provider.Charges).Value);
        // Another key is another charge, and times out first.
        Assert.Equal(PaymentOutcomeKind.Timeout, (await provider.CaptureAsync(Capture("tok_timeout", "k2"), ct)).Kind);
    }

    [Fact]
    public async Task Refunds_voids_and_settlements_are_idempotent_by_key()
    {
        var provider = new TestPaymentProvider();
        var ct = TestContext.Current.CancellationToken;
        var refund = await provider.RefundAsync(new RefundCommand("org-1", "r1", "ch_1", 100, "EUR"), ct);
        Assert.Equal(refund, await provider.RefundAsync(new RefundCommand("org-1", "r1", "ch_1", 100, "EUR"), ct));
        var settle = await provider.SettleAsync(new SettleCommand("org-1", "s1", "b1", "2026-12-02", ["ch_1"], 100), ct);
        Assert.Equal(settle, await provider.SettleAsync(new SettleCommand("org-1", "s1", "b1", "2026-12-02", ["ch_1"], 100), ct));
        Assert.Equal(PaymentOutcomeKind.Approved, (await provider.VoidAsync(new VoidCommand("org-1", "v1", "ch_1", 100, "EUR"), ct)).Kind);
        Assert.All(provider.Charges.Values, n => Assert.Equal(1, n));
        Assert.Equal(3, provider.Charges.Count);
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111 1111 1111 1111", true)]
    [InlineData("pm_4111-1111-1111-1111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("tok_approve", false)]
    [InlineData("pm_1Nx2Yz3", false)]
    [InlineData("123456789012", false)]
    public void A_card_number_is_found_wherever_it_hides(string text, bool found) => Assert.Equal(found, CardNumbers.Contains(text));
}
