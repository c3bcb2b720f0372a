using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Fraud;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-004 with UC-CRM-005: an open fraud hold on a card's owner blocks its redemption (409 customer_on_hold).</summary>
public sealed class GiftCardHoldTests
{
    [Fact]
    public async Task UC_CRM_004_a_card_whose_owner_is_on_hold_is_not_redeemed_until_the_hold_is_resolved()
    {
        var holds = new ScriptedHolds();
        await using var factory = CrmHost.Start(s => s.AddSingleton<ICustomerHolds>(holds));
        using var @operator = factory.CreateOperatorClient();
        var org = await CrmHost.NewOrgAsync(factory, @operator, "gch");
        var owner = await factory.SeedCustomerAsync(org.Orgcode);
        var owned = (await org.IssueAsync(amount: 1000, customerGuid: owner)).Str("code");
        var anonymous = (await org.IssueAsync(amount: 1000)).Str("code");

        holds.Open[(org.Orgcode, owner)] = "hold-1";
        var refused = await org.Redeem(owned, 100).Problem(HttpStatusCode.Conflict, "customer_on_hold");
        Assert.Equal("hold-1", refused.Str("hold_guid"));
        Assert.Equal(1000, await org.BalanceOf(owned));
        // A card without an owner is nobody's hold.
        await org.Redeem(anonymous, 100).Ok();

        holds.Open.TryRemove((org.Orgcode, owner), out _);
        Assert.Equal(900, (await org.Redeem(owned, 100).Ok()).Minor("balance_after_minor"));
    }

    private sealed class ScriptedHolds : ICustomerHolds
    {
        public ConcurrentDictionary<(string Orgcode, string CustomerGuid), string> Open { get; } = new();

        public Task<string?> OpenHoldOfAsync(string orgcode, string customerGuid, CancellationToken ct = default) =>
            Task.FromResult(Open.TryGetValue((orgcode, customerGuid), out var hold) ? hold : null);
    }
}
