using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// UC-UCP-003/004 on the seed's surface (<c>/ucp/checkout/*</c>): the status machine, revisions, cancel, stock and age
/// checks, who may read a session, and a completion that makes exactly one SCM order however it is retried or raced.
/// </summary>
public sealed class CheckoutTests(UcpShopHost host) : IClassFixture<UcpShopHost>
{
    [Fact]
    public async Task UC_UCP_003_a_session_goes_from_incomplete_to_ready_to_completed_and_its_order_is_the_platforms()
    {
        var shop = await host.ShopAsync();
        var created = await shop.Checkout("create", new { lines = new[] { CheckoutSteps.Line(shop.Variants[0], 2), CheckoutSteps.Line(shop.Variants[1], 1) } })
            .Ok(HttpStatusCode.Created);
        Assert.Equal("incomplete", created.Status());
        Assert.Equal(1, created.Revision());
        Assert.Equal([("missing", "$.buyer.email"), ("missing", "$.fulfillment"), ("missing", "$.payment")], created.Messages());
        Assert.Equal([1000L, 1100L], created.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("unit_minor").GetInt64()));
        Assert.Equal("EUR", created.Text("currency"));
        Assert.True(created.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(5));

        // A buyer alone still leaves ship-to and payment missing.
        var withBuyer = await shop.Checkout("update", new { session_guid = created.SessionGuid(), expected_revision = 1, buyer = CheckoutSteps.Buyer }).Ok();
        Assert.Equal("incomplete", withBuyer.Status());
        Assert.Equal([("missing", "$.fulfillment"), ("missing", "$.payment")], withBuyer.Messages());

        await shop.Checkout("update", new { session_guid = created.SessionGuid(), expected_revision = 1, ship_to = CheckoutSteps.ShipTo })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await shop.Checkout("update", new { session_guid = created.SessionGuid(), ship_to = CheckoutSteps.ShipTo })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");

        var ready = await shop.Checkout("update", new
        {
            session_guid = created.SessionGuid(),
            expected_revision = 2,
            ship_to = CheckoutSteps.ShipTo,
            payment_token = CheckoutSteps.PaymentToken,
        }).Ok();
        Assert.Equal(("ready_for_complete", 3L), (ready.Status(), ready.Revision()));
        Assert.Empty(ready.Messages());

        var completed = await shop.Checkout("complete", new { session_guid = created.SessionGuid(), expected_revision = 3 }).Ok();
        Assert.Equal("completed", completed.Status());
        var orderGuid = completed.Text("order_guid")!;
        Assert.NotNull(completed.Text("tender_guid"));

        var order = await shop.Org.Post("/scm/order/get", new { order_guid = orderGuid }).Ok();
        Assert.Equal(("placed", "captured", "web"), (order.Text("status"), order.Text("payment_status"), order.Text("channel_code")));
        Assert.Equal(order.GetProperty("totals").GetProperty("total_minor").GetInt64(), order.GetProperty("captured_minor").GetInt64());
        Assert.Equal("ada@example.com", order.GetProperty("customer").Text("email"));

        // The completion linked the order to the platform: UCP's order read finds it, with the session as its checkout.
        using (var client = shop.Platform.Client(host.Factory))
        {
            var ucpOrder = await client.GetAsync("/ucp/orders/" + orderGuid);
            var body = await ucpOrder.JsonAsync();
            Assert.Equal(HttpStatusCode.OK, ucpOrder.StatusCode);
            UcpSchemas.AssertValid(body, UcpSchemas.Order);
            Assert.Equal(created.SessionGuid(), body.Text("checkout_id"));
        }

        // Completing again answers the completed session: still one order.
        var again = await shop.Checkout("complete", new { session_guid = created.SessionGuid() }).Ok();
        Assert.Equal(("completed", orderGuid), (again.Status(), again.Text("order_guid")));
        Assert.Single(await shop.OrdersAsync());
        await shop.Checkout("update", new { session_guid = created.SessionGuid(), expected_revision = again.Revision(), buyer = CheckoutSteps.Buyer })
            .Problem(HttpStatusCode.Conflict, "checkout_closed");
    }

    [Fact]
    public async Task UC_UCP_003_a_canceled_session_cannot_be_completed_or_changed()
    {
        var shop = await host.ShopAsync();
        var session = await shop.ReadySessionAsync();
        Assert.Equal("ready_for_complete", session.Status());

        await shop.Checkout("cancel", new { session_guid = session.SessionGuid(), expected_revision = 7 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var canceled = await shop.Checkout("cancel", new { session_guid = session.SessionGuid(), expected_revision = 1 }).Ok();
        Assert.Equal("canceled", canceled.Status());
        Assert.NotNull(canceled.Text("canceled_at"));

        await shop.Checkout("complete", new { session_guid = session.SessionGuid() }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await shop.Checkout("cancel", new { session_guid = session.SessionGuid(), expected_revision = 2 }).Problem(HttpStatusCode.Conflict, "checkout_closed");
        await shop.Checkout("update", new { session_guid = session.SessionGuid(), expected_revision = 2, buyer = CheckoutSteps.Buyer })
            .Problem(HttpStatusCode.Conflict, "checkout_closed");
        Assert.Equal("canceled", (await shop.Checkout("get", new { session_guid = session.SessionGuid() }).Ok()).Status());
        Assert.Empty(await shop.OrdersAsync());
    }

    [Fact]
    public async Task UC_UCP_003_an_incomplete_session_cannot_complete()
    {
        var shop = await host.ShopAsync();
        var session = await shop.Checkout("create", new { lines = new[] { CheckoutSteps.Line(shop.Variants[0], 1) }, buyer = CheckoutSteps.Buyer })
            .Ok(HttpStatusCode.Created);
        await shop.Checkout("complete", new { session_guid = session.SessionGuid() }).Problem(HttpStatusCode.UnprocessableEntity, "checkout_not_ready");
        Assert.Empty(await shop.OrdersAsync());
    }

    [Fact]
    public async Task a_variant_not_sold_in_the_channel_is_an_item_unavailable_error_and_bad_input_is_400()
    {
        var shop = await host.ShopAsync();
        var unknown = System.Guid.CreateVersion7().ToString();
        using (var response = await shop.Checkout("create", new
        {
            lines = new[] { CheckoutSteps.Line(shop.Variants[0], 1), CheckoutSteps.Line(unknown, 1) },
            buyer = CheckoutSteps.Buyer,
            ship_to = CheckoutSteps.ShipTo,
            payment_token = CheckoutSteps.PaymentToken,
        }))
        {
            var body = await response.JsonAsync();
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal("incomplete", body.Status());
            Assert.Equal([("item_unavailable", "$.line_items[1]")], body.Messages());
        }

        var valid = new { lines = new[] { CheckoutSteps.Line(shop.Variants[0], 1) } };
        await shop.Checkout("create", new { lines = Array.Empty<object>() }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await shop.Checkout("create", new { lines = new[] { CheckoutSteps.Line(shop.Variants[0], 0) } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await shop.Checkout("create", new { lines = new[] { CheckoutSteps.Line("not-a-guid", 1) } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await shop.Checkout("create", new { lines = new[] { new { variant_guid = shop.Variants[0], quantity = 1, colour = "red" } } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await shop.Checkout("create", new { valid.lines, buyer = new { email = "not-an-email" } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await shop.Checkout("create", "{\"lines\": [").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await shop.Checkout("create", new { lines = new[] { new { variant_guid = shop.Variants[0], quantity = 99999999999L } } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await shop.Checkout("get", new { session_guid = "nope" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await shop.Checkout("get", new { session_guid = System.Guid.CreateVersion7().ToString() }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task another_platform_of_the_org_or_of_another_org_does_not_see_the_session()
    {
        var shop = await host.ShopAsync();
        var session = await shop.ReadySessionAsync();
        var sibling = await UcpSteps.RegisterPlatformAsync(shop.Org.Owner.Client, shop.Orgcode, "Sibling platform");
        var elsewhere = await host.ShopAsync("ucpx");

        foreach (var other in new[] { sibling, elsewhere.Platform })
        {
            await shop.Checkout("get", new { session_guid = session.SessionGuid() }, platform: other).Problem(HttpStatusCode.NotFound, "not_found");
            await shop.Checkout("complete", new { session_guid = session.SessionGuid() }, platform: other).Problem(HttpStatusCode.NotFound, "not_found");
            await shop.Checkout("cancel", new { session_guid = session.SessionGuid(), expected_revision = 1 }, platform: other)
                .Problem(HttpStatusCode.NotFound, "not_found");
        }
        Assert.Equal("ready_for_complete", (await shop.Checkout("get", new { session_guid = session.SessionGuid() }).Ok()).Status());

        using var anonymous = host.Factory.CreateClient();
        await anonymous.PostJsonAsync("/ucp/checkout/get", new { session_guid = session.SessionGuid() }).Problem(HttpStatusCode.Unauthorized, "platform_unauthenticated");
    }

    [Fact]
    public async Task a_line_beyond_the_channels_stock_keeps_the_session_incomplete_with_out_of_stock()
    {
        var shop = await host.ShopAsync(stock: 3);
        var session = await shop.ReadySessionAsync(CheckoutSteps.Line(shop.Variants[0], 2), CheckoutSteps.Line(shop.Variants[1], 4));
        Assert.Equal("incomplete", session.Status());
        Assert.Equal([("out_of_stock", "$.line_items[1]")], session.Messages());

        // Two lines of one variant count together.
        var twice = await shop.Checkout("update", new
        {
            session_guid = session.SessionGuid(),
            expected_revision = 1,
            lines = new[] { CheckoutSteps.Line(shop.Variants[0], 2), CheckoutSteps.Line(shop.Variants[0], 2) },
        }).Ok();
        Assert.Equal([("out_of_stock", "$.line_items[0]"), ("out_of_stock", "$.line_items[1]")], twice.Messages());

        var fits = await shop.Checkout("update", new
        {
            session_guid = session.SessionGuid(),
            expected_revision = 2,
            lines = new[] { CheckoutSteps.Line(shop.Variants[0], 2), CheckoutSteps.Line(shop.Variants[1], 3) },
        }).Ok();
        Assert.Equal("ready_for_complete", fits.Status());
        Assert.Empty(fits.Messages());
    }

    [Fact]
    public async Task an_age_restricted_item_requires_escalation_with_a_continue_url_and_cannot_complete()
    {
        var shop = await host.ShopAsync();
        var style = await shop.Org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        await shop.Org.Post("/pvm/style/update", new { style_code = "tee", compliance = new { age_restriction = 18 }, expected_revision = style.Revision() }).Ok();

        var session = await shop.ReadySessionAsync();
        Assert.Equal("requires_escalation", session.Status());
        var message = Assert.Single(session.GetProperty("messages").EnumerateArray());
        Assert.Equal(("error", "age_verification_required", "requires_buyer_input", "$.line_items[0]"),
            (message.Text("type"), message.Text("code"), message.Text("severity"), message.Text("path")));
        Assert.EndsWith(session.SessionGuid(), session.Text("continue_url"));

        await shop.Checkout("complete", new { session_guid = session.SessionGuid() }).Problem(HttpStatusCode.UnprocessableEntity, "checkout_not_ready");
        Assert.Empty(await shop.OrdersAsync());

        // A missing field is the platform's to fix first: the session is incomplete until then.
        var incomplete = await shop.Checkout("create", new { lines = new[] { CheckoutSteps.Line(shop.Variants[0], 1) } }).Ok(HttpStatusCode.Created);
        Assert.Equal("incomplete", incomplete.Status());
        Assert.Contains(("age_verification_required", "$.line_items[0]"), incomplete.Messages());
    }

    [Fact]
    public async Task UC_UCP_004_a_session_completed_twice_at_once_makes_one_order()
    {
        var shop = await host.ShopAsync();
        var session = await shop.ReadySessionAsync();

        var answers = await Task.WhenAll(
            shop.Checkout("complete", new { session_guid = session.SessionGuid() }),
            shop.Checkout("complete", new { session_guid = session.SessionGuid() }));
        var orderGuids = new List<string>();
        foreach (var answer in answers)
        {
            var body = await answer.JsonAsync();
            if (answer.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal("checkout_in_progress", body.Text("code"));
                continue;
            }
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {body}");
            Assert.Equal("completed", body.Status());
            orderGuids.Add(body.Text("order_guid")!);
        }
        Assert.NotEmpty(orderGuids);
        var order = Assert.Single(await shop.OrdersAsync());
        Assert.All(orderGuids, g => Assert.Equal(order.Text("order_guid"), g));
        var final = await shop.Checkout("get", new { session_guid = session.SessionGuid() }).Ok();
        Assert.Equal(("completed", order.Text("order_guid")), (final.Status(), final.Text("order_guid")));
        Assert.Single((await shop.Org.Post("/scm/tender/list", new { order_guid = order.Text("order_guid") }).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UC_UCP_004_a_complete_retried_with_its_idempotency_key_replays_the_answer_and_makes_one_order()
    {
        var shop = await host.ShopAsync();
        var session = await shop.ReadySessionAsync();

        using var first = await shop.Checkout("complete", new { session_guid = session.SessionGuid() }, "complete-1");
        var firstBody = await first.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var retry = await shop.Checkout("complete", new { session_guid = session.SessionGuid() }, "complete-1");
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.TryGetValues("Idempotent-Replayed", out var replayed) ? replayed.Single() : null);
        Assert.Equal(firstBody.GetRawText(), (await retry.JsonAsync()).GetRawText());
        Assert.Equal("completed", firstBody.Status());

        // The same key with another request is refused.
        await shop.Checkout("complete", new { session_guid = session.SessionGuid(), expected_revision = 1 }, "complete-1")
            .Problem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Single(await shop.OrdersAsync());
    }
}
