using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Crm.Fraud;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>Steps of the fraud and hold tests (UC-CRM-005).</summary>
internal static class FraudSteps
{
    /// <summary>
    /// A customer written through CRM's record store: customer create is another area's endpoint, built beside this one;
    /// the fraud rules only read the record.
    /// </summary>
    public static async Task<string> SeedFraudCustomerAsync(this RetailHostFactory factory, string orgcode, string email,
        CustomerStatus status = CustomerStatus.Active, string? mergedInto = null)
    {
        using var scope = factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>();
        var guid = Guid.CreateVersion7().ToString();
        var write = await store.CreateAsync(orgcode, new Customer
        {
            CustomerGuid = guid,
            Email = status == CustomerStatus.Merged ? null : email,
            GivenName = "Ada",
            FamilyName = "Lovelace",
            Status = status,
            MergedInto = mergedInto,
            MergedAt = mergedInto is null ? null : DateTimeOffset.UtcNow,
            CreatedBy = "test",
        });
        Assert.True(write.Succeeded, $"seeding customer {email}: {write.Outcome}");
        return guid;
    }

    /// <summary>An SCM order event as CRM's subscriber applies it (the projection without SCM).</summary>
    public static async Task ApplyOrderAsync(this RetailHostFactory factory, string orgcode, string customerGuid, string orderGuid, long totalMinor,
        DateTimeOffset placedAt, string status = "placed", long revision = 2, string currency = "EUR")
    {
        using var scope = factory.Services.CreateScope();
        var projection = scope.ServiceProvider.GetRequiredService<CustomerOrderProjection>();
        await projection.ApplyAsync(orgcode, new ScmOrderChanged(orderGuid, status, revision, currency, totalMinor,
            new ScmCustomerRef(customerGuid, null), placedAt), CancellationToken.None);
    }

    public static async Task<string?> HoldInForceAsync(this RetailHostFactory factory, string orgcode, string customerGuid)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ICustomerHolds>().OpenHoldOfAsync(orgcode, customerGuid);
    }

    public static Task<HttpResponseMessage> Assess(this CrmOrg org, string customerGuid, object? order = null, object[]? failedPayments = null,
        TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/crm/customer/fraud/assess", new { customer_guid = customerGuid, order, failed_payments = failedPayments });

    public static async Task<JsonElement> Assessed(this CrmOrg org, string customerGuid, object? order = null, object[]? failedPayments = null) =>
        await org.Assess(customerGuid, order, failedPayments).Ok();

    /// <summary>What a rule added to the score.</summary>
    public static int Contribution(this JsonElement assessment, string rule) =>
        assessment.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == rule).GetProperty("contribution").GetInt32();

    public static int FraudScore(this JsonElement assessment) => assessment.GetProperty("score").GetInt32();

    public static string Decision(this JsonElement assessment) => assessment.GetProperty("decision").GetString()!;

    public static object Address(string country, string postcode) => new { line1 = "Hauptstr. 1", city = "Berlin", postcode, country };

    public static object Order(long totalMinor = 1000, string currency = "EUR", object? billing = null, object? shipping = null, string? orderRef = null) =>
        new { order_ref = orderRef, total_minor = totalMinor, currency, billing_address = billing, shipping_address = shipping };

    public static object Failed(DateTimeOffset at) => new { at, reason = "card_declined" };

    /// <summary>
    /// An assessment at the default policy's hold threshold: a disposable e-mail (30), billing in another country (20)
    /// and two failed payments (25) make 75 ≥ 70. The customer must have a disposable e-mail.
    /// </summary>
    public static Task<JsonElement> AssessedToHold(this CrmOrg org, string customerGuid) =>
        org.Assessed(customerGuid, Order(billing: Address("DE", "10115"), shipping: Address("FR", "75001")),
            [Failed(DateTimeOffset.UtcNow.AddMinutes(-10)), Failed(DateTimeOffset.UtcNow.AddMinutes(-5))]);

    public static async Task<IReadOnlyList<JsonElement>> Holds(this CrmOrg org, string customerGuid, string? status = null) =>
        (await org.Post(org.Viewer, "/crm/customer/hold/list", new { customer_guid = customerGuid, status }).Ok())
        .GetProperty("items").EnumerateArray().ToList();

    public static Task<HttpResponseMessage> Resolve(this CrmOrg org, JsonElement hold, string resolution, string? reason = "checked with the customer",
        TestUser? user = null, long? expectedRevision = null) =>
        org.Post(user ?? org.Owner, "/crm/customer/hold/resolve", new
        {
            hold_guid = hold.GetProperty("hold_guid").GetString(),
            resolution,
            reason,
            expected_revision = expectedRevision ?? hold.GetProperty("revision").GetInt64(),
        });
}
