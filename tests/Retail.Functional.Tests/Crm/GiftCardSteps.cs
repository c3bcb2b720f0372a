using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>Steps of the gift-card tests: issue, redeem, restore and read by code, as the org's admin and clerk.</summary>
internal static class GiftCardSteps
{
    public static string NewReference(string prefix = "ref") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Issues a card (as the owner, an admin) and answers the issue answer: <c>code</c> and <c>giftcard</c>.</summary>
    public static Task<JsonElement> IssueAsync(this CrmOrg org, long amount = 1000, string currency = "EUR", string? customerGuid = null,
        DateTimeOffset? expiresAt = null, string? reference = null) =>
        org.Post("/crm/giftcard/issue", new
        {
            currency,
            initial_balance_minor = amount,
            expires_at = expiresAt,
            customer_guid = customerGuid,
            reference = reference ?? NewReference("issue"),
        }).Ok(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> Redeem(this CrmOrg org, string code, long amount, string? reference = null, string currency = "EUR",
        TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/crm/giftcard/redeem", new { code, amount_minor = amount, currency, reference = reference ?? NewReference("redeem") });

    public static Task<HttpResponseMessage> Balance(this CrmOrg org, string code, TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/crm/giftcard/balance", new { code });

    public static async Task<long> BalanceOf(this CrmOrg org, string code) =>
        (await org.Balance(code).Ok()).GetProperty("balance_minor").GetInt64();

    public static Task<JsonElement> Card(this CrmOrg org, string giftcardGuid) =>
        org.Post(org.Viewer, "/crm/giftcard/get", new { giftcard_guid = giftcardGuid }).Ok();

    public static string Str(this JsonElement json, string name) => json.GetProperty(name).GetString()!;

    public static long Minor(this JsonElement json, string name) => json.GetProperty(name).GetInt64();

    /// <summary>
    /// A customer written straight into CRM's store (what /customer/create writes), so the gift-card tests do not depend on
    /// the customers area; <paramref name="mergedInto"/> makes it a merged one.
    /// </summary>
    public static async Task<string> SeedCustomerAsync(this RetailHostFactory factory, string orgcode, string? mergedInto = null)
    {
        var customer = new Customer
        {
            CustomerGuid = Guid.CreateVersion7().ToString(),
            Email = $"gc-{Guid.NewGuid():N}@example.com",
            GivenName = "Grace",
            FamilyName = "Hopper",
            CreatedBy = "test",
            Status = mergedInto is null ? CustomerStatus.Active : CustomerStatus.Merged,
            MergedInto = mergedInto,
        };
        using var scope = factory.Services.CreateScope();
        var write = await scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>().CreateAsync(orgcode, customer);
        Assert.True(write.Succeeded);
        return customer.CustomerGuid;
    }

    /// <summary>A write with an Idempotency-Key.</summary>
    public static Task<HttpResponseMessage> PostKeyed(this CrmOrg org, TestUser user, string path, object body, string idempotencyKey) =>
        user.Client.PostJsonAsync(path, body, OfmSteps.Org(org.Orgcode, ("Idempotency-Key", idempotencyKey)));
}
