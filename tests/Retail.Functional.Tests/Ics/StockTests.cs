using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Ics.Stock;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Ics;

/// <summary>Helpers of the stock, warehouse and consignment tests (IcsSteps holds the shared contract).</summary>
internal static class StockSteps
{
    public static Task<HttpResponseMessage> PostWithKey(this IcsOrg org, string path, object body, string key) =>
        org.Owner.Client.PostJsonAsync(path, body, OfmSteps.Org(org.Orgcode, ("Idempotency-Key", key)));

    public static async Task<List<JsonElement>> Card(this IcsOrg org, string facilityCode, string variantGuid) =>
        [.. (await org.Post("/ics/stock/card/list", new { facility_code = facilityCode, variant_guid = variantGuid, limit = 500 }).Ok())
            .GetProperty("items").EnumerateArray()];

    public static async Task<JsonElement> Reconcile(this IcsOrg org, string facilityCode, string variantGuid) =>
        await org.Post("/ics/stock/reconcile", new { facility_code = facilityCode, variant_guid = variantGuid }).Ok();

    public static long Qty(this JsonElement position, string state) => position.GetProperty(state).GetInt64();

    /// <summary>An org member with <paramref name="role"/>, as an <see cref="IcsOrg"/> of the same org.</summary>
    public static async Task<IcsOrg> As(this IcsOrg org, IcsHost host, string role)
    {
        var user = host.Factory.NewUser(role);
        await org.Owner.Join(org.Orgcode, user, role);
        return org with { Owner = user };
    }

    /// <summary>
    /// Sets a facility's stock policy straight in ICS's store (the way <c>/ics/facility/policy/set</c>, not yet on this branch, will).
    /// </summary>
    public static async Task AllowNegativeAvailable(this IcsHost host, string orgcode, string facilityCode)
    {
        using var scope = host.Factory.Services.CreateScope();
        var policies = scope.ServiceProvider.GetRequiredService<RecordStore<FacilityPolicy>>();
        var write = await policies.CreateAsync(orgcode, new FacilityPolicy { FacilityCode = facilityCode, AllowNegativeAvailable = true });
        Assert.True(write.Succeeded);
    }
}

public sealed class StockTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static readonly string[] StandardBins = ["a-01", "a-02", "b-01", "b-02", "p-01", "p-09", "stage-1"];

    [Fact]
    public async Task a_variant_never_stocked_reads_as_zeros_at_revision_0_and_another_org_never_sees_stock()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var other = await host.NewOrgAsync();
        var variant = org.Variants[0];
        var empty = await org.Stock("store-1", variant);
        Assert.Equal(0, empty.Qty("revision"));
        Assert.All(new[] { "available", "reserved", "allocated", "committed", "in_transit", "qc_hold", "damaged", "consignment" },
            s => Assert.Equal(0, empty.Qty(s)));

        await org.Receive("store-1", variant, 7);
        var stocked = await org.Stock("store-1", variant);
        Assert.Equal(7, stocked.Qty("available"));
        Assert.Equal(1, stocked.Qty("revision"));

        Assert.Equal(0, (await other.Owner.Client.Post("/ics/stock/get", new { facility_code = "store-1", variant_guid = variant }, other.Orgcode).Ok())
            .Qty("available"));
        var list = await other.Post("/ics/stock/list", new { variant_guid = variant }).Ok();
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.Empty((await other.Post("/ics/stock/card/list", new { facility_code = "store-1", variant_guid = variant }).Ok()).GetProperty("items").EnumerateArray());
        // The other org's owner cannot read this org at all.
        await other.Owner.Client.Post("/ics/stock/get", new { facility_code = "store-1", variant_guid = variant }, org.Orgcode)
            .Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task stock_list_filters_by_facility_variant_and_state()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        await org.Receive("store-1", org.Variants[0], 5);
        await org.Receive("store-1", org.Variants[1], 3, state: "qc_hold");
        await org.Receive("dc-1", org.Variants[0], 9);

        static List<string> Keys(JsonElement page) =>
            [.. page.GetProperty("items").EnumerateArray().Select(p => $"{p.GetProperty("facility_code").GetString()}:{p.GetProperty("variant_guid").GetString()}")];

        var atStore = Keys(await org.Post("/ics/stock/list", new { facility_code = "store-1" }).Ok());
        Assert.Equal([$"store-1:{org.Variants[0]}", $"store-1:{org.Variants[1]}"], atStore.Order());
        var ofVariant = Keys(await org.Post("/ics/stock/list", new { variant_guid = org.Variants[0] }).Ok());
        Assert.Equal([$"dc-1:{org.Variants[0]}", $"store-1:{org.Variants[0]}"], ofVariant.Order());
        var onHold = Keys(await org.Post("/ics/stock/list", new { facility_code = "store-1", state = "qc_hold" }).Ok());
        Assert.Equal([$"store-1:{org.Variants[1]}"], onHold);
        var available = Keys(await org.Post("/ics/stock/list", new { state = "available" }).Ok());
        Assert.Equal(2, available.Count);

        var first = await org.Post("/ics/stock/list", new { limit = 2 }).Ok();
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var second = await org.Post("/ics/stock/list", new { limit = 2, next_token = first.GetProperty("next_token").GetString() }).Ok();
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());

        await org.Post("/ics/stock/list", new { state = "everything" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/stock/list", new { variant_guid = "nope" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task an_admin_transitions_stock_between_states_but_never_into_or_out_of_the_hold_states()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var variant = org.Variants[0];
        await org.Receive("store-1", variant, 10);

        var moved = await org.Post("/ics/stock/transition",
            new { facility_code = "store-1", variant_guid = variant, from = "available", to = "damaged", quantity = 4, reason = "water_damage", note = "leak" }).Ok();
        var line = Assert.Single(moved.GetProperty("movements").EnumerateArray());
        Assert.Equal("water_damage", line.GetProperty("reason").GetString());
        Assert.Equal("available", line.GetProperty("from_state").GetString());
        Assert.Equal("damaged", line.GetProperty("to_state").GetString());
        var position = await org.Stock("store-1", variant);
        Assert.Equal(6, position.Qty("available"));
        Assert.Equal(4, position.Qty("damaged"));

        foreach (var (from, to) in new[] { ("available", "reserved"), ("committed", "available"), ("available", "allocated") })
        {
            var refused = await org.Post("/ics/stock/transition",
                new { facility_code = "store-1", variant_guid = variant, from, to, quantity = 1, reason = "fix" }).Problem(HttpStatusCode.UnprocessableEntity, "held_state");
            Assert.Equal(from == "available" ? "to" : "from", refused.GetProperty("field").GetString());
        }
        var short_ = await org.Post("/ics/stock/transition",
            new { facility_code = "store-1", variant_guid = variant, from = "damaged", to = "available", quantity = 5, reason = "repaired" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal("damaged", short_.GetProperty("shortfalls")[0].GetProperty("state").GetString());
        await org.Post("/ics/stock/transition", new { facility_code = "store-1", variant_guid = variant, from = "damaged", to = "damaged", quantity = 1, reason = "fix" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/stock/transition", new { facility_code = "nowhere", variant_guid = variant, from = "damaged", to = "available", quantity = 1, reason = "fix" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ics/stock/transition",
                new { facility_code = "store-1", variant_guid = Guid.NewGuid().ToString(), from = "damaged", to = "available", quantity = 1, reason = "fix" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        var member = await org.As(host, "member");
        await member.Post("/ics/stock/transition", new { facility_code = "store-1", variant_guid = variant, from = "damaged", to = "available", quantity = 1, reason = "fix" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.True((await org.Reconcile("store-1", variant)).GetProperty("agrees").GetBoolean());
    }

    [Fact]
    public async Task adjustments_book_damage_shrink_found_and_corrections_each_with_its_movement()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var variant = org.Variants[2];
        await org.Receive("store-1", variant, 20, binCode: "a-01");

        async Task<JsonElement> Adjust(long quantity, string reason, string? bin = "a-01") =>
            await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity, reason, bin_code = bin }).Ok(HttpStatusCode.Created);

        var damage = await Adjust(-3, "damage");
        await Adjust(-2, "shrink");
        await Adjust(5, "found");
        await Adjust(-1, "correction");
        await Adjust(4, "correction", bin: null);
        var position = await org.Stock("store-1", variant);
        Assert.Equal(20 - 3 - 2 + 5 - 1 + 4, position.Qty("available"));
        Assert.Equal(3, position.Qty("damaged"));

        var card = await org.Card("store-1", variant);
        Assert.Equal(6, card.Count);
        var damaged = Assert.Single(card, m => m.GetProperty("change_guid").GetString() == damage.GetProperty("change_guid").GetString());
        Assert.Equal("damage", damaged.GetProperty("reason").GetString());
        Assert.Equal("damaged", damaged.GetProperty("to_state").GetString());
        Assert.Equal(damage.GetProperty("adjustment_guid").GetString(), damaged.GetProperty("reference").GetProperty("id").GetString());
        Assert.Equal("correction", card[0].GetProperty("reason").GetString()); // newest first
        Assert.Equal("receipt", card[^1].GetProperty("reason").GetString());

        // More than on hand (or in the bin) is refused whole.
        var shortfall = await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity = -100, reason = "shrink" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal("available", shortfall.GetProperty("shortfalls")[0].GetProperty("state").GetString());
        await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity = -50, reason = "damage", bin_code = "a-01" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity = 2, reason = "shrink" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity = -2, reason = "found" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity = 0, reason = "correction" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity = 1, reason = "theft" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var member = await org.As(host, "member");
        await member.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity = 1, reason = "found" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(23, (await org.Stock("store-1", variant)).Qty("available"));
        Assert.True((await org.Reconcile("store-1", variant)).GetProperty("agrees").GetBoolean());
    }

    [Fact]
    public async Task an_adjustment_repeated_with_its_idempotency_key_books_once()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var variant = org.Variants[3];
        var body = new { facility_code = "store-1", variant_guid = variant, quantity = 6, reason = "found" };
        var first = await org.PostWithKey("/ics/adjustment/create", body, "found-1").Ok(HttpStatusCode.Created);
        var again = await org.PostWithKey("/ics/adjustment/create", body, "found-1").Ok(HttpStatusCode.Created);
        Assert.Equal(first.GetProperty("adjustment_guid").GetString(), again.GetProperty("adjustment_guid").GetString());
        Assert.Equal(6, (await org.Stock("store-1", variant)).Qty("available"));
        Assert.Single(await org.Card("store-1", variant));
        await org.PostWithKey("/ics/adjustment/create", body with { quantity = 7 }, "found-1").Problem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task available_goes_negative_only_where_the_facility_policy_allows_it_and_the_movement_says_so()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var variant = org.Variants[4];
        await org.Receive("store-1", variant, 2);
        await org.Receive("dc-1", variant, 2);
        await org.Post("/ics/adjustment/create", new { facility_code = "dc-1", variant_guid = variant, quantity = -5, reason = "shrink" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");

        await host.AllowNegativeAvailable(org.Orgcode, "store-1");
        await org.Post("/ics/adjustment/create", new { facility_code = "store-1", variant_guid = variant, quantity = -5, reason = "shrink" }).Ok(HttpStatusCode.Created);
        Assert.Equal(-3, (await org.Stock("store-1", variant)).Qty("available"));
        Assert.True((await org.Card("store-1", variant))[0].GetProperty("went_negative").GetBoolean());
        Assert.False((await org.Card("store-1", variant))[^1].GetProperty("went_negative").GetBoolean());
        // Only positions holding stock are listed by state: a negative balance is not stock to promise.
        Assert.Empty((await org.Post("/ics/stock/list", new { facility_code = "store-1", state = "available" }).Ok()).GetProperty("items").EnumerateArray());
        // The policy does not let other states go negative.
        await org.Post("/ics/stock/transition", new { facility_code = "store-1", variant_guid = variant, from = "damaged", to = "available", quantity = 1, reason = "fix" })
            .Problem(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.True((await org.Reconcile("store-1", variant)).GetProperty("agrees").GetBoolean());
    }

    [Fact]
    public async Task reconcile_rebuilds_a_position_from_its_movements_and_is_for_admins()
    {
        var org = await host.NewOrgAsync();
        await org.Bins("dc-1", StandardBins);
        await org.Bins("store-1", StandardBins);
        var variant = org.Variants[5];
        await org.Receive("store-1", variant, 9, state: "qc_hold");
        await org.Receive("store-1", variant, 4);
        var reconciled = await org.Reconcile("store-1", variant);
        Assert.True(reconciled.GetProperty("agrees").GetBoolean());
        Assert.Equal(9, reconciled.GetProperty("rebuilt").Qty("qc_hold"));
        Assert.Equal(4, reconciled.GetProperty("stored").Qty("available"));
        var never = await org.Reconcile("dc-1", variant);
        Assert.True(never.GetProperty("agrees").GetBoolean());
        Assert.Equal(0, never.GetProperty("stored").Qty("revision"));

        var viewer = await org.As(host, "viewer");
        await viewer.Post("/ics/stock/reconcile", new { facility_code = "store-1", variant_guid = variant }).Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(4, (await viewer.Stock("store-1", variant)).Qty("available"));
    }
}
