using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ipm;

/// <summary>The CDC feed as a client reads it, and the records whose changes it carries (PVM vendors, CRM customers).</summary>
internal static class CdcSteps
{
    public static Task<JsonElement> Feed(this IpmOrg org, object body) => org.Post(org.Viewer, "/ipm/cdc/list", body).Ok();

    /// <summary>Reads the feed from <paramref name="cursor"/> (null: the beginning) until it holds <paramref name="until"/>, following next_cursor.</summary>
    public static async Task<(List<JsonElement> Items, string Cursor)> ReadUntilAsync(this IpmOrg org, string? cursor, string[]? types,
        Func<List<JsonElement>, bool> until, string what)
    {
        var items = new List<JsonElement>();
        var at = cursor;
        await Waits.UntilAsync(async () =>
        {
            var page = await org.Feed(new { cursor = at, entity_types = types, limit = 100 });
            items.AddRange(page.GetProperty("items").EnumerateArray());
            at = page.GetProperty("next_cursor").GetString();
            return until(items);
        }, what);
        return (items, at!);
    }

    public static async Task<JsonElement> CreateVendor(this IpmOrg org, string code) =>
        await org.Post("/pvm/vendor", new { vendor_code = code, name = $"Vendor {code}", country = "DE" }).Ok(HttpStatusCode.Created);

    public static async Task<JsonElement> CreateCustomer(this IpmOrg org, string email) =>
        await org.Post(org.Clerk, "/crm/customer/create", new { email, given_name = "Ada" }).Ok(HttpStatusCode.Created);

    public static async Task<JsonElement> RenameCustomer(this IpmOrg org, JsonElement customer, string givenName) =>
        await org.Post(org.Clerk, "/crm/customer/update", new
        {
            customer_guid = customer.GetProperty("customer_guid").GetString(),
            given_name = givenName,
            expected_revision = customer.GetProperty("revision").GetInt64(),
        }).Ok();

    public static string Str(this JsonElement json, string name) => json.GetProperty(name).GetString()!;

    public static bool IsChangeOf(this JsonElement item, string type, string key) => item.Str("entity_type") == type && item.Str("key") == key;

    public static IEnumerable<long> Sequences(this IEnumerable<JsonElement> items) => items.Select(i => i.GetProperty("sequence").GetInt64());
}
