using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Fraud;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-003 with UC-CRM-005: an open fraud hold blocks redemptions (through a test-registered <see cref="ICustomerHolds"/>).</summary>
public sealed class LoyaltyHoldTests
{
    [Fact]
    public async Task A_customer_on_hold_cannot_redeem_until_the_hold_is_gone_and_earning_goes_on()
    {
        var holds = new TestHolds();
        await using var factory = CrmHost.Start(s => s.AddSingleton<ICustomerHolds>(holds));
        using var @operator = factory.CreateOperatorClient();
        var org = await CrmHost.NewOrgAsync(factory, @operator, "loyh");
        await org.LoyaltyPolicy();
        var ada = await org.NewCustomerAsync();
        await org.Earn(ada, "SO-1", 5000).Ok(HttpStatusCode.Created);
        await org.Redeem(ada, "POS-1", 10).Ok(HttpStatusCode.Created);

        holds.Open[(org.Orgcode, ada)] = "hold-1";
        var held = await org.Redeem(ada, "POS-2", 10).Problem(HttpStatusCode.Conflict, "customer_on_hold");
        Assert.Equal("hold-1", held.StringOf("hold_guid"));
        // A redemption made before the hold still answers as it did; earning is not blocked.
        Assert.True((await org.Redeem(ada, "POS-1", 10).Ok()).GetProperty("replayed").GetBoolean());
        await org.Earn(ada, "SO-2", 1000).Ok(HttpStatusCode.Created);
        Assert.Equal(50, await org.Points(ada));

        holds.Open.TryRemove((org.Orgcode, ada), out _);
        await org.Redeem(ada, "POS-2", 10).Ok(HttpStatusCode.Created);
        Assert.Equal(40, await org.Points(ada));
    }

    private sealed class TestHolds : ICustomerHolds
    {
        public ConcurrentDictionary<(string, string), string> Open { get; } = new();

        public Task<string?> OpenHoldOfAsync(string orgcode, string customerGuid, CancellationToken ct = default) =>
            Task.FromResult(Open.TryGetValue((orgcode, customerGuid), out var hold) ? hold : null);
    }
}
