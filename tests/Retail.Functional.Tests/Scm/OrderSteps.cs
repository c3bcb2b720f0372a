using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Scm;

/// <summary>Steps of the order tests: a tax policy, an order of some lines, and reading what a client sees of it.</summary>
internal static class OrderSteps
{
    /// <summary>Germany's tax policy: 19 % standard, exclusive unless asked (set by the owner, an admin).</summary>
    public static Task<JsonElement> TaxPolicy(this ScmOrg org, string jurisdiction = "DE", decimal rate = 19m, bool inclusive = false) =>
        org.Post("/scm/tax/policy/set", new { jurisdiction, rates = new[] { new { tax_category = "standard", rate_percent = rate } }, inclusive })
            .Ok();

    public static object Ship(string country = "DE") =>
        new { method = "ship", address = new { name = "Ada", line1 = "Hauptstr. 1", city = "Berlin", postal_code = "10115", country } };

    public static object Line(string variantGuid, long quantity) => new { variant_guid = variantGuid, quantity };

    public static object BarcodeLine(string barcode, long quantity) => new { barcode, quantity };

    public static Task<HttpResponseMessage> CreateOrder(this ScmOrg org, object[] lines, string channel = "web", object? delivery = null,
        object? customer = null, string? orderNumber = null, TestUser? user = null) =>
        org.Post(user ?? org.Clerk, "/scm/order/create", new
        {
            channel_code = channel,
            lines,
            customer = customer ?? new { email = "ada@example.com", name = "Ada" },
            delivery = delivery ?? Ship(),
            order_number = orderNumber,
        });

    public static async Task<JsonElement> NewOrder(this ScmOrg org, params object[] lines) =>
        await org.CreateOrder(lines).Ok(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> Step(this ScmOrg org, string path, JsonElement order, object? extra = null) =>
        org.Post(org.Clerk, path, Body(order, extra));

    public static async Task<JsonElement> Placed(this ScmOrg org, JsonElement order) => await org.Step("/scm/order/place", order).Ok();

    public static string Guid(this JsonElement order) => order.GetProperty("order_guid").GetString()!;

    public static JsonElement LineNo(this JsonElement order, int lineNo) =>
        order.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("line_no").GetInt32() == lineNo);

    public static async Task<(long Available, long Reserved, long Allocated, long Committed)> StockOf(this ScmOrg org, string variant,
        string facility = "store-1")
    {
        var s = await org.Inventory.Stock(facility, variant);
        return (s.GetProperty("available").GetInt64(), s.GetProperty("reserved").GetInt64(), s.GetProperty("allocated").GetInt64(),
            s.GetProperty("committed").GetInt64());
    }

    /// <summary>The ICS holds of an order, as ICS lists them by reference.</summary>
    public static async Task<IReadOnlyList<JsonElement>> HoldsOf(this ScmOrg org, JsonElement order, string? status = null) =>
        (await org.Post("/ics/hold/list", new { reference = new { kind = "order", id = order.Guid() }, status }).Ok())
        .GetProperty("items").EnumerateArray().ToList();

    public static IReadOnlyList<JsonElement> Events(this ScmHost host, ScmOrg org, string type) => host.Factory.OutboxEvents("scm", org.Orgcode, type);

    private static Dictionary<string, object?> Body(JsonElement order, object? extra)
    {
        var body = new Dictionary<string, object?> { ["order_guid"] = order.Guid(), ["expected_revision"] = order.Revision() };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }
        return body;
    }
}
