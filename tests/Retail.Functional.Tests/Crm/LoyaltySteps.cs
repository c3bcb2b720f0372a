using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Crm;

/// <summary>Steps of the loyalty tests: customers, a policy, and reading a customer's points as a client does.</summary>
internal static class LoyaltySteps
{
    /// <summary>A new customer of the org, created over HTTP by the clerk; answers its guid.</summary>
    public static async Task<string> NewCustomerAsync(this CrmOrg org) =>
        (await org.CustomerAsync($"{Guid.NewGuid():N}@example.com")).GetProperty("customer_guid").GetString()!;

    /// <summary><paramref name="merged"/> merged into <paramref name="survivor"/> by an admin over HTTP (again while it loses a race).</summary>
    public static async Task MergeAsync(this CrmOrg org, string survivor, string merged)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var response = await org.Post("/crm/customer/merge", new { survivor_guid = survivor, merged_guid = merged, reason = "same person" });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            Assert.Equal("revision_mismatch", await response.ProblemCodeAsync());
        }
        Assert.Fail("the merge kept losing its races");
    }

    /// <summary>1 point per euro (100 minor), 2 points per 100 in USD; silver at 100 lifetime points earns 1.5×; a point is worth 5 cents.</summary>
    public static Task<JsonElement> LoyaltyPolicy(this CrmOrg org, int expiryMonths = 12, long minimumRedeem = 1, long? expectedRevision = null) =>
        org.Post("/crm/loyalty/policy/set", new
        {
            earn_rates = new object[] { new { currency = "EUR", points = 1, per_minor = 100 }, new { currency = "usd", points = 2, per_minor = 100 } },
            tiers = new[] { new { name = "silver", threshold = 100, earn_multiplier = 1.5m } },
            expiry_months = expiryMonths,
            redemption_values = new[] { new { currency = "EUR", minor_per_point = 5 } },
            minimum_redeem_points = minimumRedeem,
            expected_revision = expectedRevision,
        }).Ok();

    public static Task<HttpResponseMessage> Earn(this CrmOrg org, string customer, string reference, long amountMinor, string currency = "EUR",
        TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/crm/loyalty/earn", new { customer_guid = customer, reference, amount_minor = amountMinor, currency });

    public static Task<HttpResponseMessage> Redeem(this CrmOrg org, string customer, string reference, long points, TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/crm/loyalty/redeem", new { customer_guid = customer, reference, points });

    public static Task<HttpResponseMessage> Adjust(this CrmOrg org, string customer, long points, string reason = "goodwill", TestUser? user = null) =>
        org.Post(user ?? org.Owner, "/crm/loyalty/adjust", new { customer_guid = customer, points, reason });

    public static Task<JsonElement> LoyaltyBalance(this CrmOrg org, string customer) =>
        org.Post(org.Viewer, "/crm/loyalty/balance/get", new { customer_guid = customer }).Ok();

    public static async Task<long> Points(this CrmOrg org, string customer) => (await org.LoyaltyBalance(customer)).GetProperty("balance").GetInt64();

    public static async Task<IReadOnlyList<JsonElement>> Entries(this CrmOrg org, string customer, string? kind = null, int limit = 100) =>
        (await org.Post(org.Viewer, "/crm/loyalty/entry/list", new { customer_guid = customer, kind, limit }).Ok())
        .GetProperty("items").EnumerateArray().ToList();

    public static JsonElement Entry(this JsonElement movement) => movement.GetProperty("entry");

    public static long Int64Of(this JsonElement json, string name) => json.GetProperty(name).GetInt64();

    public static string StringOf(this JsonElement json, string name) => json.GetProperty(name).GetString()!;
}
