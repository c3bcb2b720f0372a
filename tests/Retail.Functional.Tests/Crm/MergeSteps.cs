using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>Steps of the dedupe and merge tests (UC-CRM-002): customers with addresses and external ids, pairs as a client lists them.</summary>
internal static class MergeSteps
{
    public static object Address(string postcode, string line1 = "1 Main St", string city = "London", string country = "GB") =>
        new { line1, city, postcode, country };

    /// <summary>Creates a customer as the clerk does (<c>/crm/customer/create</c>).</summary>
    public static async Task<JsonElement> NewCustomer(this CrmOrg org, string? email, string? phone = null, string given = "Ada", string family = "Lovelace",
        object[]? addresses = null, object? externalIds = null) =>
        await org.Post(org.Clerk, "/crm/customer/create", new
        {
            email,
            phone,
            given_name = given,
            family_name = family,
            addresses = addresses ?? [],
            external_ids = externalIds ?? new { },
        }).Ok(HttpStatusCode.Created);

    public static string CustomerGuid(this JsonElement customer) => customer.GetProperty("customer_guid").GetString()!;

    public static IReadOnlyList<JsonElement> Items(this JsonElement page) => page.GetProperty("items").EnumerateArray().ToList();

    public static Task<JsonElement> Pairs(this CrmOrg org, string? customer = null, string? status = null, int limit = 500, string? nextToken = null) =>
        org.Post(org.Viewer, "/crm/customer/dedupe/list", new { customer_guid = customer, status, limit, next_token = nextToken }).Ok();

    public static bool Joins(this JsonElement pair, string one, string other) =>
        new[] { pair.Text("customer_guid_a"), pair.Text("customer_guid_b") }.Order(StringComparer.Ordinal)
            .SequenceEqual(new[] { one, other }.Order(StringComparer.Ordinal));

    /// <summary>The pair of two customers once it is listed with <paramref name="status"/> (pairs follow customer events).</summary>
    public static async Task<JsonElement> PairOf(this CrmOrg org, JsonElement one, JsonElement other, string status = "open")
    {
        JsonElement found = default;
        await Waits.UntilAsync(async () =>
        {
            var match = (await org.Pairs(one.CustomerGuid(), status)).Items().Where(p => p.Joins(one.CustomerGuid(), other.CustomerGuid())).ToList();
            found = match.FirstOrDefault();
            return match.Count == 1;
        }, $"the pair of {one.CustomerGuid()} and {other.CustomerGuid()} is {status}");
        return found;
    }

    public static IReadOnlyList<string> Reasons(this JsonElement pair) => pair.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();

    public static double PairScore(this JsonElement pair) => pair.GetProperty("score").GetDouble();

    public static async Task<IReadOnlyList<HistoryEntry>> CustomerHistory(this RetailHostFactory factory, CrmOrg org, string customerGuid)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>().HistoryAsync(org.Orgcode, customerGuid)).Items;
    }
}
