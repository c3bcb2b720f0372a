using Retail.Crm.Fraud;

namespace Retail.Crm.Tests;

public sealed class FraudScoringTests
{
    private static readonly FraudSignals Quiet = new(0, 0, null, null, null, null, null, null, "example.com", null, 0, 0, null);

    [Fact]
    public void Quiet_signals_score_zero_and_are_allowed_with_every_rule_listed()
    {
        var score = FraudScoring.Score(FraudPolicy.Default, Quiet);
        Assert.Equal(0, score.Score);
        Assert.Equal(FraudDecision.Allow, score.Decision);
        Assert.Equal(6, score.Rules.Count);
        Assert.All(score.Rules, r => Assert.False(r.Fired));
    }

    [Fact]
    public void Each_rule_adds_its_weight_and_the_score_is_capped_at_100()
    {
        var loud = Quiet with
        {
            OrdersInWindow = 4, OrdersPlaced = 1, FirstOrderValueMinor = 60_000, FirstOrderCurrency = "EUR", BillingCountry = "DE",
            ShippingCountry = "FR", DisposableDomain = "yopmail.com", FailedPayments = 2, RecentHolds = 1,
        };
        var score = FraudScoring.Score(FraudPolicy.Default, loud);
        Assert.All(score.Rules, r => Assert.Equal(r.Weight, r.Contribution));
        Assert.Equal(100, score.Score); // 30 + 25 + 20 + 30 + 25 + 40 = 170, capped
        Assert.Equal(FraudDecision.Hold, score.Decision);
    }

    [Fact]
    public void The_same_country_at_another_postcode_adds_half_the_address_weight()
    {
        var score = FraudScoring.Score(FraudPolicy.Default, Quiet with { BillingCountry = "DE", ShippingCountry = "DE", BillingPostcode = "10115", ShippingPostcode = "80331" });
        Assert.Equal(10, score.Rules.Single(r => r.Rule == FraudRuleNames.AddressMismatch).Contribution);
        Assert.Equal("SW1A1AA", FraudScoring.NormalizePostcode(" sw1a 1aa "));
    }

    [Theory]
    [InlineData(39, FraudDecision.Allow)]
    [InlineData(40, FraudDecision.Review)]
    [InlineData(69, FraudDecision.Review)]
    [InlineData(70, FraudDecision.Hold)]
    public void Thresholds_are_inclusive(int score, FraudDecision decision) =>
        Assert.Equal(decision, FraudScoring.DecisionOf(FraudPolicy.Default, score));

    [Theory]
    [InlineData("a@mailinator.com", "mailinator.com")]
    [InlineData("a@x.MAILINATOR.com", "mailinator.com")]
    [InlineData("a@notmailinator.com", null)]
    [InlineData("a@example.com", null)]
    [InlineData("no-at-sign", null)]
    [InlineData(null, null)]
    public void Disposable_domains_match_the_domain_and_its_subdomains(string? email, string? listed) =>
        Assert.Equal(listed, FraudPolicy.Default.DisposableDomainOf(email));

    [Fact]
    public void A_hold_in_force_holds_its_customers_unique_value_and_a_released_one_frees_it()
    {
        var hold = new FraudHold { HoldGuid = "h1", CustomerGuid = "c1", PlacedAt = DateTimeOffset.UnixEpoch, PlacedBy = "u" };
        Assert.Equal([new UniqueValueView(FraudHold.InForceUnique, "c1")], FraudHold.Type.UniquesOf(hold).Select(u => new UniqueValueView(u.Name, u.Value)));
        Assert.Single(FraudHold.Type.UniquesOf(hold with { Status = HoldStatus.Confirmed }));
        Assert.Empty(FraudHold.Type.UniquesOf(hold with { Status = HoldStatus.Released }));
        Assert.True(FraudHold.Lifecycle.CanMove(HoldStatus.Confirmed, HoldStatus.Released));
        Assert.False(FraudHold.Lifecycle.CanMove(HoldStatus.Released, HoldStatus.Open));
    }

    [Fact]
    public void The_order_ring_keeps_the_newest_orders_and_the_earliest_first_order()
    {
        var start = DateTimeOffset.UnixEpoch;
        var history = new CustomerOrderHistory { CustomerGuid = "c1" };
        for (var i = 0; i < CustomerOrderHistory.RingSize + 5; i++)
        {
            history = history.WithNew(new RecentOrder($"o{i:D3}", start.AddMinutes(i), 100 + i, "EUR", false));
        }
        Assert.Equal(CustomerOrderHistory.RingSize, history.Recent.Count);
        Assert.Equal(CustomerOrderHistory.RingSize + 5, history.OrdersPlaced);
        Assert.Equal("o000", history.FirstOrder!.OrderGuid);
        Assert.Equal($"o{CustomerOrderHistory.RingSize + 4:D3}", history.Recent[0].OrderGuid);
        var cancelled = history.WithCancelled(history.Recent[0].OrderGuid);
        Assert.Equal(history.PlacedSince(start) - 1, cancelled.PlacedSince(start));
        var merged = new CustomerOrderHistory { CustomerGuid = "c2" }.WithNew(new RecentOrder("early", start.AddDays(-1), 5, "EUR", false));
        var absorbed = history.Absorb(merged);
        Assert.Equal("early", absorbed.FirstOrder!.OrderGuid);
        Assert.Equal(history.OrdersPlaced + 1, absorbed.OrdersPlaced);
    }

    private sealed record UniqueValueView(string Name, string Value);
}
