using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ics;

/// <summary><c>/ics/stock/availability</c>: many variants' available stock over a set of facilities in one call.</summary>
public sealed class AvailabilityTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static Dictionary<string, long> Items(JsonElement answer) =>
        answer.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("variant_guid").GetString()!, i => i.GetProperty("available").GetInt64());

    [Fact]
    public async Task availability_adds_up_available_stock_of_each_variant_over_the_facilities_asked()
    {
        var org = await host.NewOrgAsync();
        await org.Receive("store-1", org.Variants[0], 5);
        await org.Receive("dc-1", org.Variants[0], 7);
        await org.Receive("dc-1", org.Variants[1], 2);

        var one = Items(await org.Post("/ics/stock/availability", new { facility_codes = new[] { "store-1" }, variant_guids = org.Variants.Take(3) }).Ok());
        Assert.Equal(new Dictionary<string, long> { [org.Variants[0]] = 5, [org.Variants[1]] = 0, [org.Variants[2]] = 0 }, one);

        var both = Items(await org.Post("/ics/stock/availability",
            new { facility_codes = new[] { "Store-1", "dc-1" }, variant_guids = new[] { org.Variants[0], org.Variants[1], org.Variants[0].ToUpperInvariant() } }).Ok());
        Assert.Equal(new Dictionary<string, long> { [org.Variants[0]] = 12, [org.Variants[1]] = 2 }, both);

        // Another org sees none of it.
        var other = await host.NewOrgAsync();
        Assert.Equal(0, Items(await other.Post("/ics/stock/availability", new { facility_codes = new[] { "store-1" }, variant_guids = new[] { org.Variants[0] } }).Ok())[org.Variants[0]]);

        await org.Post("/ics/stock/availability", new { facility_codes = Array.Empty<string>(), variant_guids = new[] { org.Variants[0] } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/stock/availability", new { facility_codes = new[] { "store-1" }, variant_guids = Array.Empty<string>() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/stock/availability", new { facility_codes = new[] { "store-1" }, variant_guids = new[] { "not-a-guid" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/stock/availability", new { facility_codes = new[] { "Store 1!" }, variant_guids = new[] { org.Variants[0] } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/stock/availability", new { facility_codes = new[] { "store-1" }, variant_guids = Enumerable.Range(0, 101).Select(_ => Guid.NewGuid().ToString()) })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
