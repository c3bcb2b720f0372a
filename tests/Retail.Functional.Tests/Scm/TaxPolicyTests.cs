using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Scm.Orders;

namespace Retail.Functional.Tests.Scm;

public sealed class TaxPolicyTests(ScmHost host) : IClassFixture<ScmHost>
{
    private static object Rates(decimal standard, decimal reduced = 7m) =>
        new[] { new { tax_category = "standard", rate_percent = standard }, new { tax_category = "reduced", rate_percent = reduced } };

    [Fact]
    public async Task A_later_version_takes_effect_at_its_time_and_the_previous_stays_readable()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var now = DateTimeOffset.UtcNow;
        var v1 = await org.Post("/scm/tax/policy/set", new { jurisdiction = "de", rates = Rates(19m), effective_from = now.AddHours(-1) }).Ok();
        Assert.Equal("DE", v1.Text("jurisdiction"));
        Assert.Equal(1, v1.GetProperty("version").GetInt64());
        Assert.Equal("half_up_per_line", v1.Text("rounding"));
        var v2 = await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(21m), effective_from = now.AddDays(1), expected_revision = 1 }).Ok();
        Assert.Equal(2, v2.GetProperty("version").GetInt64());

        var today = await Quote(org, new { currency = "EUR", jurisdiction = "DE", lines = new[] { new { variant_guid = org.Variants[0], quantity = 1, net_minor = 1000 } } });
        Assert.Equal(1, today.GetProperty("policy_revision").GetInt64());
        Assert.Equal(190, today.GetProperty("tax_minor").GetInt64());
        var later = await Quote(org, new { currency = "EUR", jurisdiction = "DE", at = now.AddDays(2), lines = new[] { new { variant_guid = org.Variants[0], quantity = 1, net_minor = 1000 } } });
        Assert.Equal(2, later.GetProperty("policy_revision").GetInt64());
        Assert.Equal(210, later.GetProperty("tax_minor").GetInt64());

        Assert.Equal(1, (await org.Post(org.Clerk, "/scm/tax/policy/get", new { jurisdiction = "DE" }).Ok()).GetProperty("version").GetInt64());
        Assert.Equal(2, (await org.Post("/scm/tax/policy/get", new { jurisdiction = "DE", at = now.AddDays(3) }).Ok()).GetProperty("version").GetInt64());
        Assert.Equal(19m, (await org.Post("/scm/tax/policy/get", new { jurisdiction = "DE", version = 1 }).Ok())
            .GetProperty("rates")[0].GetProperty("rate_percent").GetDecimal());
        var list = await org.Post("/scm/tax/policy/list", new { jurisdiction = "de" }).Ok();
        Assert.Equal([1L, 2L], list.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("version").GetInt64()));
        await org.Post("/scm/tax/policy/get", new { jurisdiction = "DE", at = now.AddDays(-1) }).Problem(HttpStatusCode.NotFound, "not_found");

        // A version never takes effect before the latest one, and two admins setting at once never both win.
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(22m), effective_from = now, expected_revision = 2 })
            .Problem(HttpStatusCode.UnprocessableEntity, "effective_from_out_of_order");
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(22m), effective_from = now.AddDays(5), expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(22m), effective_from = now.AddDays(5) })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
    }

    [Fact]
    public async Task Inclusive_tax_is_inside_the_amount_and_exclusive_tax_is_added_per_line_half_up()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(19m), inclusive = false, effective_from = DateTimeOffset.UtcNow.AddMinutes(-1) }).Ok();
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "AT", rates = Rates(20m, 10m), inclusive = true, effective_from = DateTimeOffset.UtcNow.AddMinutes(-1) }).Ok();
        await org.Post("/scm/tax/category/set", new { variant_guid = org.Variants[1], tax_category = "reduced" }).Ok();

        var lines = new object[]
        {
            new { variant_guid = org.Variants[0], quantity = 2, unit_minor = 1000 },
            new { variant_guid = org.Variants[1], quantity = 1, net_minor = 1050 },
            new { variant_guid = org.Variants[2], quantity = 1, net_minor = 999, tax_category = "exempt" },
        };
        var exclusive = await Quote(org, new { currency = "EUR", jurisdiction = "DE", lines });
        Assert.False(exclusive.GetProperty("inclusive").GetBoolean());
        var ex = exclusive.GetProperty("lines");
        Assert.Equal(("standard", 2000L, 380L, 2380L), LineOf(ex[0]));
        Assert.Equal(("reduced", 1050L, 74L, 1124L), LineOf(ex[1])); // 73.5 → 74
        Assert.Equal(("exempt", 999L, 0L, 999L), LineOf(ex[2]));
        Assert.Equal(454, exclusive.GetProperty("tax_minor").GetInt64());
        Assert.Equal(4503, exclusive.GetProperty("total_minor").GetInt64());

        var inclusive = await Quote(org, new { currency = "EUR", jurisdiction = "AT", lines });
        Assert.True(inclusive.GetProperty("inclusive").GetBoolean());
        var inc = inclusive.GetProperty("lines");
        Assert.Equal(("standard", 2000L, 333L, 2000L), LineOf(inc[0])); // 2000 − 2000/1.2 = 333.33
        Assert.Equal(("reduced", 1050L, 95L, 1050L), LineOf(inc[1])); // 1050 − 1050/1.1 = 95.45
        Assert.Equal(428, inclusive.GetProperty("tax_minor").GetInt64());
        Assert.Equal(4049, inclusive.GetProperty("total_minor").GetInt64());

        var category = await org.Post(org.Clerk, "/scm/tax/category/get", new { variant_guid = org.Variants[1] }).Ok();
        Assert.Equal("reduced", category.Text("tax_category"));
        await org.Post("/scm/tax/category/get", new { variant_guid = org.Variants[0] }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/scm/tax/category/set", new { variant_guid = Guid.CreateVersion7().ToString(), tax_category = "reduced" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
    }

    [Fact]
    public async Task A_variants_own_category_wins_over_its_styles_and_a_line_without_either_is_standard()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(19m), effective_from = DateTimeOffset.UtcNow.AddMinutes(-1) }).Ok();
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "NL", rates = Rates(21m, 9m), effective_from = DateTimeOffset.UtcNow.AddMinutes(-1) }).Ok();
        var style = (await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok()).Text("style_guid")!;
        await org.Post("/scm/tax/category/set", new { style_guid = style, tax_category = "reduced" }).Ok();
        await org.Post("/scm/tax/category/set", new { variant_guid = org.Variants[0], tax_category = "zero" }).Ok();
        var quote = await Quote(org, new
        {
            currency = "EUR",
            jurisdiction = "DE",
            lines = new object[]
            {
                new { variant_guid = org.Variants[0], style_guid = style, quantity = 1, net_minor = 1000 },
                new { variant_guid = org.Variants[2], style_guid = style, quantity = 1, net_minor = 1000 },
                new { variant_guid = org.Variants[2], quantity = 1, net_minor = 1000 },
            },
        });
        Assert.Equal(["zero", "reduced", "standard"], quote.GetProperty("lines").EnumerateArray().Select(l => l.Text("tax_category")));
        Assert.Equal([0L, 70L, 190L], quote.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("tax_minor").GetInt64()));

        var changed = await org.Post("/scm/tax/category/set", new { style_guid = style, tax_category = "standard", expected_revision = 1 }).Ok();
        Assert.Equal(2, changed.Revision());
        await org.Post("/scm/tax/category/set", new { style_guid = Guid.CreateVersion7().ToString(), tax_category = "reduced" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var every = await org.Post(org.Clerk, "/scm/tax/policy/list", new { }).Ok();
        Assert.Equal(["DE", "NL"], every.GetProperty("items").EnumerateArray().Select(p => p.Text("jurisdiction")).Order());
    }

    [Fact]
    public async Task A_subdivision_without_a_policy_falls_back_to_its_country()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(19m), effective_from = since }).Ok();
        var line = new[] { new { variant_guid = org.Variants[0], quantity = 1, net_minor = 1000 } };

        var bavaria = await Quote(org, new { currency = "EUR", delivery_address = Address("DE", "BY"), lines = line });
        Assert.Equal("DE-BY", bavaria.Text("requested_jurisdiction"));
        Assert.Equal("DE", bavaria.Text("jurisdiction"));
        Assert.Equal(190, bavaria.GetProperty("tax_minor").GetInt64());

        await org.Post("/scm/tax/policy/set", new { jurisdiction = "de-by", rates = Rates(16m), effective_from = since }).Ok();
        var own = await Quote(org, new { currency = "EUR", jurisdiction = "DE-BY", lines = line });
        Assert.Equal("DE-BY", own.Text("jurisdiction"));
        Assert.Equal(160, own.GetProperty("tax_minor").GetInt64());
        Assert.Equal(190, (await Quote(org, new { currency = "EUR", jurisdiction = "DE-BE", lines = line })).GetProperty("tax_minor").GetInt64());

        var none = await org.Post("/scm/tax/quote", new { currency = "EUR", jurisdiction = "FR", lines = line })
            .Problem(HttpStatusCode.UnprocessableEntity, "no_tax_policy");
        Assert.Equal("FR", none.GetProperty("jurisdiction").GetString());
    }

    [Theory]
    [InlineData("{\"jurisdiction\":\"DEU\",\"rates\":[{\"tax_category\":\"standard\",\"rate_percent\":19}]}", "jurisdiction")]
    [InlineData("{\"jurisdiction\":\"DE\",\"rates\":[{\"tax_category\":\"reduced\",\"rate_percent\":7}]}", "rates")]
    [InlineData("{\"jurisdiction\":\"DE\",\"rates\":[{\"tax_category\":\"standard\",\"rate_percent\":101}]}", "rates[0].rate_percent")]
    [InlineData("{\"jurisdiction\":\"DE\",\"rates\":[{\"tax_category\":\"standard\",\"rate_percent\":19},{\"tax_category\":\"standard\",\"rate_percent\":7}]}", "rates")]
    [InlineData("{\"jurisdiction\":\"DE\",\"rates\":[{\"tax_category\":\"Standard Rate\",\"rate_percent\":19}]}", "rates[0].tax_category")]
    [InlineData("{\"jurisdiction\":\"DE\"}", "rates")]
    [InlineData("{\"jurisdiction\":\"DE\",\"rates\":[{\"tax_category\":\"standard\",\"rate_percent\":19},null]}", "rates[1]")]
    public async Task A_malformed_tax_policy_is_400(string body, string field)
    {
        var org = await host.NewOrgAsync(stock: 0);
        var problem = await org.Post("/scm/tax/policy/set", body).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Only_an_admin_sets_tax_and_a_malformed_quote_is_400()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post(org.Clerk, "/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(19m) }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Clerk, "/scm/tax/category/set", new { variant_guid = org.Variants[0], tax_category = "reduced" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Clerk, "/scm/tax/quote", new { currency = "EUR", jurisdiction = "DE", lines = new[] { new { variant_guid = org.Variants[0], quantity = 1 } } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/tax/quote", new { currency = "EUR", lines = new[] { new { variant_guid = org.Variants[0], quantity = 1, net_minor = 1 } } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/tax/quote", "{\"currency\":\"EUR\",\"jurisdiction\":\"DE\",\"lines\":[{\"variant_guid\":\"" + org.Variants[0]
            + "\",\"quantity\":99999999999999999999999,\"net_minor\":1}]}").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/scm/tax/quote", "{\"currency\":\"EUR\",\"jurisdiction\":\"DE\",\"lines\":[null]}")
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Finalize_freezes_an_orders_tax_and_a_later_policy_change_leaves_it()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(19m), effective_from = DateTimeOffset.UtcNow.AddMinutes(-1) }).Ok();
        await org.Post("/scm/tax/category/set", new { variant_guid = org.Variants[1], tax_category = "reduced" }).Ok();
        // As orders' create leaves it: the lines quoted under version 1, the tax not yet final.
        var order = await Store(org, OrderOf(org, [(1, 0, 1000L, 1L), (2, 1, 2000L, 1L)], OrderStatus.Placed));

        var frozen = await org.Post(org.Clerk, "/scm/tax/finalize", new { order_guid = order.OrderGuid, expected_revision = 1 }).Ok();
        Assert.Equal(2, frozen.Revision());
        Assert.NotNull(frozen.Text("tax_finalized_at"));
        var lines = frozen.GetProperty("lines");
        Assert.Equal(190, lines[0].GetProperty("tax").GetProperty("tax_minor").GetInt64());
        Assert.Equal(140, lines[1].GetProperty("tax").GetProperty("tax_minor").GetInt64());
        Assert.Equal("reduced", lines[1].GetProperty("tax").GetProperty("tax_category").GetString());
        Assert.Equal(330, frozen.GetProperty("totals").GetProperty("tax_minor").GetInt64());
        Assert.Equal(3330, frozen.GetProperty("totals").GetProperty("total_minor").GetInt64());

        // A new rate in effect now changes neither a second finalize nor the order.
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(25m), expected_revision = 1 }).Ok();
        var again = await org.Post(org.Clerk, "/scm/tax/finalize", new { order_guid = order.OrderGuid, expected_revision = 1 }).Ok();
        Assert.Equal(2, again.Revision());
        Assert.Equal(frozen.GetProperty("tax_finalized_at").GetString(), again.Text("tax_finalized_at"));
        Assert.Equal(330, again.GetProperty("totals").GetProperty("tax_minor").GetInt64());

        // An order never quoted is finalized under the version in effect now.
        var unquoted = await Store(org, OrderOf(org, [(1, 0, 1000L, null)], OrderStatus.Placed));
        var current = await org.Post(org.Clerk, "/scm/tax/finalize", new { order_guid = unquoted.OrderGuid, expected_revision = 1 }).Ok();
        Assert.Equal(250, current.GetProperty("lines")[0].GetProperty("tax").GetProperty("tax_minor").GetInt64());
        Assert.Equal(2, current.GetProperty("lines")[0].GetProperty("tax").GetProperty("policy_revision").GetInt64());
    }

    [Fact]
    public async Task Finalize_refuses_a_cancelled_order_a_stale_revision_and_an_unknown_order()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post("/scm/tax/policy/set", new { jurisdiction = "DE", rates = Rates(19m), effective_from = DateTimeOffset.UtcNow.AddMinutes(-1) }).Ok();
        var cancelled = await Store(org, OrderOf(org, [(1, 0, 1000L, 1L)], OrderStatus.Cancelled));
        await org.Post(org.Clerk, "/scm/tax/finalize", new { order_guid = cancelled.OrderGuid, expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "order_cancelled");
        var placed = await Store(org, OrderOf(org, [(1, 0, 1000L, 1L)], OrderStatus.Placed));
        await org.Post(org.Clerk, "/scm/tax/finalize", new { order_guid = placed.OrderGuid, expected_revision = 3 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post(org.Clerk, "/scm/tax/finalize", new { order_guid = placed.OrderGuid }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post(org.Clerk, "/scm/tax/finalize", new { order_guid = Guid.CreateVersion7().ToString(), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");
        await org.Post(viewer, "/scm/tax/finalize", new { order_guid = placed.OrderGuid, expected_revision = 1 }).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    private static Task<JsonElement> Quote(ScmOrg org, object body) => org.Post(org.Clerk, "/scm/tax/quote", body).Ok();

    private static (string, long, long, long) LineOf(JsonElement line) => (line.Text("tax_category")!, line.GetProperty("amount_minor").GetInt64(),
        line.GetProperty("tax_minor").GetInt64(), line.GetProperty("total_minor").GetInt64());

    private static object Address(string country, string region) =>
        new { line1 = "Hauptstr. 1", city = "München", region, postal_code = "80331", country };

    private Task<Order> Store(ScmOrg org, Order order) => PolicySteps.StoreOrder(host.Factory, org, order);

    private static Order OrderOf(ScmOrg org, IReadOnlyList<(int No, int Variant, long Net, long? Revision)> lines, OrderStatus status) =>
        PolicySteps.OrderOf(org, lines, status);
}
