using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Records;
using Retail.Ucp.Checkout;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>
/// The public REST binding of checkout (<c>/ucp/checkout-sessions</c>) and carts (<c>/ucp/carts</c>): every answer in the
/// spec's shapes (checkout.json, cart.json), every error an error_response with its code.
/// </summary>
public sealed class RestCheckoutTests(UcpShopHost host) : IClassFixture<UcpShopHost>
{
    private const string Checkout = "https://ucp.dev/schemas/shopping/checkout.json";
    private const string Cart = "https://ucp.dev/schemas/shopping/cart.json";

    private static void AssertError(HttpStatusCode expected, (HttpStatusCode Status, JsonElement Body) answer, string code)
    {
        Assert.True(answer.Status == expected, $"expected {(int)expected}, got {(int)answer.Status}: {answer.Body}");
        UcpSchemas.AssertValid(answer.Body, UcpSchemas.Error);
        Assert.Equal("error", answer.Body.GetProperty("ucp").Text("status"));
        Assert.Equal(code, answer.Body.GetProperty("messages")[0].Text("code"));
    }

    [Fact]
    public async Task UC_UCP_003_a_checkout_session_is_created_updated_read_and_completed_in_the_spec_shape()
    {
        var shop = await host.ShopAsync("ucpr");
        var (status, created) = await shop.Rest(HttpMethod.Post, "/ucp/checkout-sessions", CheckoutSteps.RestBody(shop.Variants[1], 2, complete: false));
        Assert.Equal(HttpStatusCode.Created, status);
        UcpSchemas.AssertValid(created, Checkout);
        Assert.Equal("incomplete", created.Text("status"));
        var id = created.Text("id")!;
        var line = Assert.Single(created.GetProperty("line_items").EnumerateArray());
        Assert.Equal((shop.Variants[1], 1100L, 2), (line.GetProperty("item").Text("id"), line.GetProperty("item").GetProperty("price").GetInt64(),
            line.GetProperty("quantity").GetInt32()));
        Assert.Equal(2200, created.GetProperty("totals").EnumerateArray().Single(t => t.Text("type") == "total").GetProperty("amount").GetInt64());
        Assert.All(created.GetProperty("messages").EnumerateArray(), m => Assert.Equal(("error", "missing", "recoverable"), (m.Text("type"), m.Text("code"), m.Text("severity"))));

        var (updatedStatus, updated) = await shop.Rest(HttpMethod.Put, $"/ucp/checkout-sessions/{id}", CheckoutSteps.RestBody(shop.Variants[1], 2, complete: true));
        Assert.Equal(HttpStatusCode.OK, updatedStatus);
        UcpSchemas.AssertValid(updated, Checkout);
        Assert.Equal("ready_for_complete", updated.Text("status"));
        Assert.Empty(updated.GetProperty("messages").EnumerateArray());
        Assert.Equal("ada@example.com", updated.GetProperty("buyer").Text("email"));

        var (readStatus, read) = await shop.Rest(HttpMethod.Get, $"/ucp/checkout-sessions/{id}");
        Assert.Equal(HttpStatusCode.OK, readStatus);
        UcpSchemas.AssertValid(read, Checkout);
        Assert.Equal("ready_for_complete", read.Text("status"));

        var (completeStatus, completed) = await shop.Rest(HttpMethod.Post, $"/ucp/checkout-sessions/{id}/complete", new { }, "rest-complete-1");
        Assert.Equal(HttpStatusCode.OK, completeStatus);
        UcpSchemas.AssertValid(completed, Checkout);
        Assert.Equal("completed", completed.Text("status"));
        var orderId = completed.GetProperty("order").Text("id")!;
        Assert.Equal(orderId, Assert.Single(await shop.OrdersAsync()).Text("order_guid"));

        var (_, replayed) = await shop.Rest(HttpMethod.Post, $"/ucp/checkout-sessions/{id}/complete", new { }, "rest-complete-1");
        Assert.Equal(completed.GetRawText(), replayed.GetRawText());

        AssertError(HttpStatusCode.Conflict, await shop.Rest(HttpMethod.Post, $"/ucp/checkout-sessions/{id}/cancel", new { }), "checkout_closed");
        AssertError(HttpStatusCode.Conflict, await shop.Rest(HttpMethod.Put, $"/ucp/checkout-sessions/{id}", CheckoutSteps.RestBody(shop.Variants[1], 1, true)),
            "checkout_closed");
        Assert.Single(await shop.OrdersAsync());
    }

    [Fact]
    public async Task UC_UCP_003_a_canceled_checkout_and_the_errors_answer_in_the_spec_shapes()
    {
        var shop = await host.ShopAsync("ucpr");
        var (_, created) = await shop.Rest(HttpMethod.Post, "/ucp/checkout-sessions", CheckoutSteps.RestBody(shop.Variants[0], 1, complete: true));
        UcpSchemas.AssertValid(created, Checkout);
        Assert.Equal("ready_for_complete", created.Text("status"));
        var id = created.Text("id")!;

        var (cancelStatus, canceled) = await shop.Rest(HttpMethod.Post, $"/ucp/checkout-sessions/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.OK, cancelStatus);
        UcpSchemas.AssertValid(canceled, Checkout);
        Assert.Equal("canceled", canceled.Text("status"));

        AssertError(HttpStatusCode.Conflict, await shop.Rest(HttpMethod.Post, $"/ucp/checkout-sessions/{id}/complete", new { }), "invalid_transition");
        AssertError(HttpStatusCode.NotFound, await shop.Rest(HttpMethod.Get, $"/ucp/checkout-sessions/{Guid.CreateVersion7()}"), "not_found");
        AssertError(HttpStatusCode.NotFound, await shop.Rest(HttpMethod.Get, $"/ucp/carts/{id}"), "not_found");
        Assert.Empty(await shop.OrdersAsync());

        // Out of stock and age restriction, as messages of a valid checkout.
        var (_, tooMany) = await shop.Rest(HttpMethod.Post, "/ucp/checkout-sessions", CheckoutSteps.RestBody(shop.Variants[0], 11, complete: true));
        UcpSchemas.AssertValid(tooMany, Checkout);
        Assert.Equal(("incomplete", "out_of_stock"), (tooMany.Text("status"), tooMany.GetProperty("messages")[0].Text("code")));

        var style = await shop.Org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
        await shop.Org.Post("/pvm/style/update", new { style_code = "tee", compliance = new { age_restriction = 16 }, expected_revision = style.Revision() }).Ok();
        var (_, escalated) = await shop.Rest(HttpMethod.Post, "/ucp/checkout-sessions", CheckoutSteps.RestBody(shop.Variants[0], 1, complete: true));
        UcpSchemas.AssertValid(escalated, Checkout);
        Assert.Equal("requires_escalation", escalated.Text("status"));
        Assert.StartsWith("https://", escalated.Text("continue_url"));
    }

    [Fact]
    public async Task UC_UCP_003_a_cart_is_created_read_updated_and_canceled_in_the_cart_shape()
    {
        var shop = await host.ShopAsync("ucpc");
        var (status, created) = await shop.Rest(HttpMethod.Post, "/ucp/carts", CheckoutSteps.RestBody(shop.Variants[2], 1, complete: false));
        Assert.Equal(HttpStatusCode.Created, status);
        UcpSchemas.AssertValid(created, Cart);
        var id = created.Text("id")!;
        Assert.Equal(1200, created.GetProperty("totals").EnumerateArray().Single(t => t.Text("type") == "total").GetProperty("amount").GetInt64());

        var (updatedStatus, updated) = await shop.Rest(HttpMethod.Put, $"/ucp/carts/{id}", CheckoutSteps.RestBody(shop.Variants[2], 3, complete: false));
        Assert.Equal(HttpStatusCode.OK, updatedStatus);
        UcpSchemas.AssertValid(updated, Cart);
        Assert.Equal(3600, updated.GetProperty("totals").EnumerateArray().Single(t => t.Text("type") == "total").GetProperty("amount").GetInt64());

        var (readStatus, read) = await shop.Rest(HttpMethod.Get, $"/ucp/carts/{id}");
        Assert.Equal(HttpStatusCode.OK, readStatus);
        UcpSchemas.AssertValid(read, Cart);

        var (_, beyond) = await shop.Rest(HttpMethod.Put, $"/ucp/carts/{id}", CheckoutSteps.RestBody(shop.Variants[2], 50, complete: false));
        UcpSchemas.AssertValid(beyond, Cart);
        Assert.Equal("out_of_stock", Assert.Single(beyond.GetProperty("messages").EnumerateArray()).Text("code"));

        var (cancelStatus, canceled) = await shop.Rest(HttpMethod.Post, $"/ucp/carts/{id}/cancel", new { });
        Assert.Equal(HttpStatusCode.OK, cancelStatus);
        UcpSchemas.AssertValid(canceled, Cart);
        AssertError(HttpStatusCode.Conflict, await shop.Rest(HttpMethod.Put, $"/ucp/carts/{id}", CheckoutSteps.RestBody(shop.Variants[2], 1, false)), "checkout_closed");
        AssertError(HttpStatusCode.NotFound, await shop.Rest(HttpMethod.Get, $"/ucp/checkout-sessions/{id}"), "not_found");
        AssertError(HttpStatusCode.NotFound, await shop.Rest(HttpMethod.Post, $"/ucp/checkout-sessions/{id}/complete", new { }), "not_found");
    }
}

/// <summary>
/// The checkout's clocks, short here: sessions expire (<c>Ucp:Checkout:Ttl</c>, 2 seconds) and answer canceled; a completion
/// left in progress (<c>Ucp:Checkout:CompletionLease</c>, 0.2 seconds) is taken over by the next complete.
/// </summary>
public sealed class CheckoutExpiryTests : IAsyncLifetime
{
    private RetailHostFactory _factory = null!;
    private HttpClient _operator = null!;

    public ValueTask InitializeAsync()
    {
        _factory = ServiceHost.Start(UcpShopHost.Modules);
        _factory.Settings["Ucp:Checkout:Ttl"] = "00:00:02";
        _factory.Settings["Ucp:Checkout:CompletionLease"] = "00:00:00.2";
        _operator = _factory.CreateOperatorClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _operator.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task UC_UCP_003_an_expired_session_answers_canceled_and_cannot_complete_or_change()
    {
        var shop = await CheckoutSteps.ShopAsync(_factory, _operator, "ucpe", 10);
        var session = await shop.ReadySessionAsync();
        var expiresAt = session.GetProperty("expires_at").GetDateTimeOffset();
        Assert.True(expiresAt - session.GetProperty("created_at").GetDateTimeOffset() <= TimeSpan.FromSeconds(2));

        JsonElement read = default;
        await Waits.UntilAsync(async () =>
        {
            read = await shop.Checkout("get", new { session_guid = session.SessionGuid() }).Ok();
            return read.Status() == "canceled";
        }, "the session has expired");
        Assert.Equal("expired", Assert.Single(read.Messages()).Code);

        await shop.Checkout("complete", new { session_guid = session.SessionGuid() }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await shop.Checkout("update", new { session_guid = session.SessionGuid(), expected_revision = 1, buyer = CheckoutSteps.Buyer })
            .Problem(HttpStatusCode.Conflict, "checkout_closed");
        var (status, rest) = await shop.Rest(HttpMethod.Get, $"/ucp/checkout-sessions/{session.SessionGuid()}");
        Assert.Equal(HttpStatusCode.OK, status);
        UcpSchemas.AssertValid(rest, "https://ucp.dev/schemas/shopping/checkout.json");
        Assert.Equal("canceled", rest.Text("status"));
        Assert.Empty(await shop.OrdersAsync());
    }

    [Fact]
    public async Task UC_UCP_004_a_completion_left_in_progress_is_taken_over_by_the_next_complete_and_makes_one_order()
    {
        var shop = await CheckoutSteps.ShopAsync(_factory, _operator, "ucpl", 10);
        var session = await shop.ReadySessionAsync();
        // A completion that stopped after moving the session (a crash before SCM was called).
        using (var scope = _factory.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<RecordStore<CheckoutSession>>();
            var loaded = (await store.GetAsync(shop.Orgcode, session.SessionGuid()))!;
            var write = await store.UpdateAsync(shop.Orgcode, loaded, loaded.Record with { Status = CheckoutStatus.CompleteInProgress }, "status_changed");
            Assert.True(write.Succeeded, write.Outcome.ToString());
        }
        Assert.Equal("complete_in_progress", (await shop.Checkout("get", new { session_guid = session.SessionGuid() }).Ok()).Status());

        JsonElement completed = default;
        await Waits.UntilAsync(async () =>
        {
            using var answer = await shop.Checkout("complete", new { session_guid = session.SessionGuid() });
            completed = await answer.JsonAsync();
            if (answer.StatusCode == HttpStatusCode.Conflict)
            {
                Assert.Equal("checkout_in_progress", completed.Text("code"));
                return false;
            }
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {completed}");
            return true;
        }, "a complete takes the stalled completion over");
        Assert.Equal("completed", completed.Status());
        var order = Assert.Single(await shop.OrdersAsync());
        Assert.Equal(order.Text("order_guid"), completed.Text("order_guid"));
        var (status, ucpOrder) = await shop.Rest(HttpMethod.Get, "/ucp/orders/" + order.Text("order_guid"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(session.SessionGuid(), ucpOrder.Text("checkout_id"));
    }
}
