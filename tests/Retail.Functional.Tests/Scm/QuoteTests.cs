using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ppm;

namespace Retail.Functional.Tests.Scm;

/// <summary>UC-SCM-004 over HTTP: a quote priced and taxed once, approved by another admin, converted into one order at its held prices.</summary>
public sealed class QuoteTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task UC_SCM_004_a_quote_is_approved_by_another_admin_and_converted_once_at_its_held_prices_after_the_price_changed()
    {
        var org = await host.NewOrgAsync(stock: 10);
        await org.TaxPolicy();
        var a = org.Variants[0];
        var customer = Guid.NewGuid().ToString();
        var quote = await org.Post(org.Owner, "/scm/quote/create", new
        {
            channel_code = "web",
            lines = new[] { OrderSteps.Line(a, 2), OrderSteps.BarcodeLine(org.Barcodes[1], 1) },
            customer = new { customer_guid = customer, name = "Ada" },
            delivery = OrderSteps.Ship(),
        }).Ok(HttpStatusCode.Created);
        var guid = quote.Text("quote_guid")!;
        Assert.Equal(("pending_approval", "web", "EUR", 1L), (quote.Text("status"), quote.Text("channel_code"), quote.Text("currency"), quote.Revision()));
        Assert.Equal((1000L, 2000L), (quote.LineNo(1).GetProperty("unit_minor").GetInt64(), quote.LineNo(1).GetProperty("net_minor").GetInt64()));
        var totals = quote.GetProperty("totals");
        Assert.Equal((3100L, 589L, 3689L), (totals.GetProperty("subtotal_minor").GetInt64(), totals.GetProperty("tax_minor").GetInt64(),
            totals.GetProperty("total_minor").GetInt64()));
        var validUntil = quote.GetProperty("valid_until").GetDateTimeOffset();
        Assert.InRange(validUntil, DateTimeOffset.UtcNow.AddDays(13.9), DateTimeOffset.UtcNow.AddDays(14.1));

        // Not approved yet: not convertible. The creator may not approve it; a member may not approve at all.
        await org.Post(org.Clerk, "/scm/quote/convert", new { quote_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Owner, "/scm/quote/approve", new { quote_guid = guid, expected_revision = 1 }).Problem(HttpStatusCode.Forbidden, "same_actor");
        Assert.Equal(HttpStatusCode.Forbidden, (await org.Post(org.Clerk, "/scm/quote/approve", new { quote_guid = guid, expected_revision = 1 })).StatusCode);
        var approved = await org.Post(org.Approver, "/scm/quote/approve", new { quote_guid = guid, expected_revision = 1 }).Ok();
        Assert.Equal(("approved", 2L), (approved.Text("status"), approved.Revision()));

        // PPM's price changes; the quote keeps its price.
        var entry = await org.Pricing.GetPrice(a, "eur");
        // The same window, a new amount (within PPM's change thresholds, so in effect at once).
        var from = entry.GetProperty("windows")[0].GetProperty("effective_from").GetDateTimeOffset();
        await org.Pricing.SetPrice(a, 1100, list: "eur", from: from, expectedRevision: entry.Revision()).Ok();
        await Waits.UntilAsync(async () => (await org.Pricing.Resolve("web", null, ResolveSteps.Line(a))).LineOf(0).Unit() == 1100, "the new price resolves");

        // Two converts at once: one order.
        var tries = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            org.Post(org.Clerk, "/scm/quote/convert", new { quote_guid = guid, expected_revision = 2 })));
        Assert.Single(tries, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(tries, r => r.StatusCode == HttpStatusCode.Conflict);
        var conversion = await Task.FromResult(tries.Single(r => r.StatusCode == HttpStatusCode.OK)).Ok();
        var order = conversion.GetProperty("order");
        var converted = conversion.GetProperty("quote");
        Assert.Equal(("created", "quote", guid), (order.Text("status"), order.Text("source"), order.Text("source_guid")));
        Assert.Equal(("converted", order.Guid(), 3L), (converted.Text("status"), converted.Text("order_guid"), converted.Revision()));
        Assert.Equal((1000L, 2000L), (order.LineNo(1).GetProperty("unit_minor").GetInt64(), order.LineNo(1).GetProperty("net_minor").GetInt64()));
        Assert.Equal(3689L, order.GetProperty("totals").GetProperty("total_minor").GetInt64());
        await org.Post(org.Clerk, "/scm/quote/convert", new { quote_guid = guid, expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "invalid_transition");

        var orders = await org.Post("/scm/order/list", new { customer_guid = customer }).Ok();
        Assert.Equal(order.Guid(), Assert.Single(orders.GetProperty("items").EnumerateArray()).Guid());
        // The order places like any other, at the quote's prices.
        var placed = await org.Placed(await org.Post("/scm/order/get", new { order_guid = order.Guid() }).Ok());
        Assert.Equal("placed", placed.Text("status"));
        // A new order is priced now.
        var fresh = await org.NewOrder(OrderSteps.Line(a, 2));
        Assert.Equal(2200L, fresh.LineNo(1).GetProperty("net_minor").GetInt64());

        var got = await org.Post("/scm/quote/get", new { quote_guid = guid }).Ok();
        Assert.Equal(("converted", order.Text("order_number")), (got.Text("status"), got.Text("order_number")));
        var listed = await org.Post("/scm/quote/list", new { status = "converted", customer_guid = customer }).Ok();
        Assert.Equal(guid, Assert.Single(listed.GetProperty("items").EnumerateArray()).Text("quote_guid"));
        Assert.Empty((await org.Post("/scm/quote/list", new { status = "approved" }).Ok()).GetProperty("items").EnumerateArray());
        foreach (var type in new[] { "quote.created", "quote.approved", "quote.converted" })
        {
            Assert.Single(host.Events(org, type), e => e.Text("quote_guid") == guid);
        }
        Assert.Single(host.Events(org, "order.created"), e => e.Text("order_guid") == order.Guid());
    }

    [Fact]
    public async Task UC_SCM_004_a_quote_is_converted_and_placed_at_once_and_its_order_holds_the_stock()
    {
        var org = await host.NewOrgAsync(stock: 5);
        await org.TaxPolicy();
        var quote = await org.Post(org.Clerk, "/scm/quote/create", new
        {
            channel_code = "web", lines = new[] { OrderSteps.Line(org.Variants[2], 3) }, delivery = OrderSteps.Ship(),
            valid_until = DateTimeOffset.UtcNow.AddDays(2),
        }).Ok(HttpStatusCode.Created);
        var guid = quote.Text("quote_guid")!;
        await org.Post(org.Owner, "/scm/quote/approve", new { quote_guid = guid, expected_revision = 1 }).Ok();
        var conversion = await org.Post(org.Clerk, "/scm/quote/convert", new { quote_guid = guid, expected_revision = 2, place = true, order_number = "Q-1" }).Ok();
        var order = conversion.GetProperty("order");
        Assert.Equal(("placed", "Q-1", JsonValueKind.Null), (order.Text("status"), order.Text("order_number"), conversion.GetProperty("place_problem").ValueKind));
        Assert.Equal((2, 3, 0, 0), await org.StockOf(org.Variants[2]));
    }

    [Fact]
    public async Task UC_SCM_004_a_quote_is_not_converted_after_it_expired_and_its_requests_are_checked()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = ScmHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        using var @operator = factory.CreateOperatorClient();
        var org = await ScmHost.NewOrgAsync(factory, @operator, stock: 5);
        await org.TaxPolicy();
        object Body(object? validUntil) => new { channel_code = "web", lines = new[] { OrderSteps.Line(org.Variants[0], 1) }, delivery = OrderSteps.Ship(),
            valid_until = validUntil };

        await org.Post(org.Clerk, "/scm/quote/create", Body(clock.GetUtcNow().AddMinutes(-1))).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/quote/create", Body(clock.GetUtcNow().AddDays(91))).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/quote/create", new { channel_code = "web", delivery = OrderSteps.Ship() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/quote/create", new { channel_code = "nowhere", lines = new[] { OrderSteps.Line(org.Variants[0], 1) },
            delivery = OrderSteps.Ship() }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Clerk, "/scm/quote/get", new { quote_guid = Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");

        var quote = await org.Post(org.Clerk, "/scm/quote/create", Body(clock.GetUtcNow().AddHours(1))).Ok(HttpStatusCode.Created);
        var guid = quote.Text("quote_guid")!;
        await org.Post(org.Owner, "/scm/quote/approve", new { quote_guid = guid, expected_revision = 1 }).Ok();
        clock.Advance(TimeSpan.FromHours(2));
        var expired = await org.Post(org.Clerk, "/scm/quote/convert", new { quote_guid = guid, expected_revision = 2 }).Problem(HttpStatusCode.UnprocessableEntity, "quote_expired");
        Assert.True(expired.TryGetProperty("valid_until", out _));
        Assert.Equal("approved", (await org.Post("/scm/quote/get", new { quote_guid = guid }).Ok()).Text("status"));
        Assert.Empty((await org.Post("/scm/order/list", new { }).Ok()).GetProperty("items").EnumerateArray());
    }
}
