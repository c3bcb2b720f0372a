using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Ppm.Prices;
using Retail.Shared.Records;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

internal static class ListSteps
{
    public static Task<JsonElement> NewList(this PpmOrg org, string code, string currency = "EUR", string? name = null) =>
        org.Post("/ppm/price-list/set", new { price_list_code = code, name = name ?? $"List {code}", currency }).Ok(HttpStatusCode.Created);

    public static Task<JsonElement> AssignList(this PpmOrg org, string channel, string list, int priority) =>
        org.Post("/ppm/price-list/assign", new { channel_code = channel, price_list_code = list, priority }).Ok();

    public static Task<JsonElement> SetListStatus(this PpmOrg org, string code, string status, long revision) =>
        org.PostAsApprover("/ppm/price-list/status/set", new { price_list_code = code, status, expected_revision = revision }).Ok();

    public static Task<HttpResponseMessage> ResolveList(this PpmOrg org, string channel) =>
        org.Post("/ppm/price-list/resolve", new { channel_code = channel });

    public static string Code(JsonElement list) => list.GetProperty("price_list_code").GetString()!;

    public static long Revision(JsonElement record) => record.GetProperty("revision").GetInt64();

    /// <summary>The business events of <paramref name="type"/> PPM committed for the org, in commit order (its outbox, as a consumer receives them).</summary>
    public static IReadOnlyList<JsonElement> Events(this PpmHost host, PpmOrg org, string type) => host.Factory.OutboxEvents("ppm", org.Orgcode, type);

    /// <summary>The (list code, priority) pairs of a channel's assignments, in the order answered.</summary>
    public static IReadOnlyList<(string, int)> Pairs(JsonElement channelLists) =>
        channelLists.GetProperty("assignments").EnumerateArray()
            .Select(a => (a.GetProperty("price_list_code").GetString()!, a.GetProperty("priority").GetInt32())).ToList();
}

public sealed class ListTests(PpmHost host) : IClassFixture<PpmHost>
{
    [Fact]
    public async Task a_price_list_is_created_read_by_code_or_guid_changed_with_its_revision_and_listed_by_currency()
    {
        var org = await host.NewOrgAsync();
        var created = await org.Post("/ppm/price-list/set",
            new { price_list_code = "Retail-DE", name = "Retail Germany", currency = "eur", description = "Shelf prices" }).Ok(HttpStatusCode.Created);
        Assert.Equal("retail-de", ListSteps.Code(created));
        Assert.Equal("EUR", created.GetProperty("currency").GetString());
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal(1, ListSteps.Revision(created));
        var guid = created.GetProperty("price_list_guid").GetString();

        var byGuid = await org.Post("/ppm/price-list/get", new { price_list_guid = guid }).Ok();
        Assert.Equal("Retail Germany", byGuid.GetProperty("name").GetString());
        await org.Post("/ppm/price-list/get", new { price_list_code = "nope" }).Problem(HttpStatusCode.NotFound, "not_found");

        // A change names the revision it was read at; a second create of the same code is that change without one.
        await org.Post("/ppm/price-list/set", new { price_list_code = "retail-de", name = "Renamed" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ppm/price-list/set", new { price_list_code = "retail-de", name = "Renamed", expected_revision = 7 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var renamed = await org.Post("/ppm/price-list/set", new { price_list_guid = guid, name = "Renamed", expected_revision = 1 }).Ok();
        Assert.Equal(("Renamed", 2L, "Shelf prices"), (renamed.GetProperty("name").GetString(), ListSteps.Revision(renamed),
            renamed.GetProperty("description").GetString()));

        // No price exists on the list yet, so its currency may still change.
        var swiss = await org.Post("/ppm/price-list/set", new { price_list_code = "retail-de", currency = "CHF", expected_revision = 2 }).Ok();
        Assert.Equal("CHF", swiss.GetProperty("currency").GetString());

        await org.NewList("outlet", "EUR");
        await org.NewList("staff", "EUR");
        var euro = await org.Post("/ppm/price-list/list", new { currency = "EUR" }).Ok();
        Assert.Equal(new[] { "outlet", "staff" }, euro.GetProperty("items").EnumerateArray().Select(ListSteps.Code).Order().ToArray());
        var chf = await org.Post("/ppm/price-list/list", new { currency = "CHF", status = "active" }).Ok();
        Assert.Equal(new[] { "retail-de" }, chf.GetProperty("items").EnumerateArray().Select(ListSteps.Code).ToArray());
        var paged = await org.Post("/ppm/price-list/list", new { limit = 2 }).Ok();
        Assert.Equal(2, paged.GetProperty("items").GetArrayLength());
        var rest = await org.Post("/ppm/price-list/list", new { limit = 2, next_token = paged.GetProperty("next_token").GetString() }).Ok();
        Assert.Equal(1, rest.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task a_list_currency_is_locked_once_the_list_holds_a_price()
    {
        var org = await host.NewOrgAsync();
        var retail = await org.NewList("retail", "EUR");
        // The price goes straight into PPM's store: the price endpoints are another part's; this is what they write.
        using (var scope = host.Factory.Services.CreateScope())
        {
            var prices = scope.ServiceProvider.GetRequiredService<RecordStore<PriceEntry>>();
            var write = await prices.CreateAsync(org.Orgcode, new PriceEntry
            {
                VariantGuid = org.Variants[0], PriceListCode = "retail", PriceZoneCode = PriceEntry.NoZone, UomCode = "each", Currency = "EUR",
            });
            Assert.True(write.Succeeded);
        }
        var locked = await org.Post("/ppm/price-list/set", new { price_list_code = "retail", currency = "USD", expected_revision = ListSteps.Revision(retail) })
            .Problem(HttpStatusCode.Conflict, "currency_locked");
        Assert.Equal("currency", locked.GetProperty("field").GetString());
        // Everything but the currency may still change, and naming the same currency is no change of it.
        var renamed = await org.Post("/ppm/price-list/set", new { price_list_code = "retail", name = "Shelf", currency = "eur", expected_revision = 1 }).Ok();
        Assert.Equal(("Shelf", "EUR"), (renamed.GetProperty("name").GetString(), renamed.GetProperty("currency").GetString()));
    }

    [Fact]
    public async Task bad_input_is_refused_with_the_field_named()
    {
        var org = await host.NewOrgAsync();
        var bad = await org.Post("/ppm/price-list/set", new { price_list_code = "retail", name = "Retail", currency = "EURO" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(bad.GetProperty("errors").TryGetProperty("currency", out _));
        await org.Post("/ppm/price-list/set", new { price_list_code = "retail", name = "Retail", currency = "XYZ" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var missing = await org.Post("/ppm/price-list/set", new { price_list_code = "retail" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(missing.GetProperty("errors").TryGetProperty("name", out _));
        Assert.True(missing.GetProperty("errors").TryGetProperty("currency", out _));
        await org.Post("/ppm/price-list/set", new { price_list_code = "Not a code!", name = "x", currency = "EUR" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/price-list/set", new { price_list_guid = Guid.NewGuid().ToString(), name = "x", expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");

        await org.NewList("retail");
        foreach (var priority in new[] { -1, 1001 })
        {
            await org.Post("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "retail", priority })
                .Problem(HttpStatusCode.BadRequest, "validation_failed");
        }
        await org.Post("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "retail" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/price-list/assignments", new { channel_code = "web", price_list_code = "retail" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/price-list/resolve", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task lists_are_assigned_to_channels_by_priority_and_the_first_active_one_resolves()
    {
        var org = await host.NewOrgAsync();
        var retail = await org.NewList("retail");
        await org.NewList("promo");
        await org.NewList("staff");

        await org.ResolveList("web").Problem(HttpStatusCode.UnprocessableEntity, "no_price_list");

        var first = await org.AssignList("web", "retail", 10);
        Assert.Equal("web", first.GetProperty("channel_code").GetString());
        Assert.Equal(1, ListSteps.Revision(first));
        var both = await org.AssignList("web", "promo", 5);
        Assert.Equal(new[] { ("promo", 5), ("retail", 10) }, ListSteps.Pairs(both));

        // A priority is one list's on a channel; the same list again at another priority moves it.
        var taken = await org.Post("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "staff", priority = 5 })
            .Problem(HttpStatusCode.Conflict, "priority_taken");
        Assert.Equal("priority", taken.GetProperty("field").GetString());
        var moved = await org.AssignList("web", "retail", 1);
        Assert.Equal(new[] { ("retail", 1), ("promo", 5) }, ListSteps.Pairs(moved));
        var again = await org.AssignList("web", "retail", 1);
        Assert.Equal(ListSteps.Revision(moved), ListSteps.Revision(again));
        await org.AssignList("pos", "retail", 0);

        var resolved = await org.ResolveList("web").Ok();
        Assert.Equal("retail", ListSteps.Code(resolved.GetProperty("price_list")));
        Assert.Equal(1, resolved.GetProperty("priority").GetInt32());
        Assert.Equal(retail.GetProperty("price_list_guid").GetString(), resolved.GetProperty("price_list").GetProperty("price_list_guid").GetString());

        // The header names the channel as well as the body does; the two may not disagree.
        var byHeader = await org.Owner.Client.PostJsonAsync("/ppm/price-list/resolve", new { }, OfmSteps.Org(org.Orgcode, ("x-channel-code", "pos")))
            .Ok();
        Assert.Equal("retail", ListSteps.Code(byHeader.GetProperty("price_list")));
        await org.Owner.Client.PostJsonAsync("/ppm/price-list/resolve", new { channel_code = "web" }, OfmSteps.Org(org.Orgcode, ("x-channel-code", "pos")))
            .Problem(HttpStatusCode.BadRequest, "context_mismatch");

        // An inactive list is skipped: the next by priority applies; with none active, the channel has no list.
        await org.SetListStatus("retail", "inactive", ListSteps.Revision(retail));
        var skipped = await org.ResolveList("web").Ok();
        Assert.Equal("promo", ListSteps.Code(skipped.GetProperty("price_list")));
        await org.ResolveList("pos").Problem(HttpStatusCode.UnprocessableEntity, "no_price_list");

        // An inactive list takes no new channel.
        await org.Post("/ppm/price-list/assign", new { channel_code = "pos", price_list_code = "retail", priority = 3 })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");

        var ofChannel = await org.Post("/ppm/price-list/assignments", new { channel_code = "web" }).Ok();
        Assert.Equal(new[] { "retail", "promo" }, ofChannel.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("price_list_code").GetString()!).ToArray());
        var ofList = await org.Post("/ppm/price-list/assignments", new { price_list_code = "retail" }).Ok();
        Assert.Equal(new[] { "pos", "web" }, ofList.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("channel_code").GetString()!).Order().ToArray());
        var empty = await org.Post("/ppm/price-list/assignments", new { price_list_code = "staff" }).Ok();
        Assert.Equal(0, empty.GetProperty("items").GetArrayLength());

        // One event per change: the re-assignment at the same priority changed nothing and said nothing.
        var assigned = host.Events(org, "ppm.price_list.assigned");
        Assert.Equal(new[] { ("web", "retail", 10), ("web", "promo", 5), ("web", "retail", 1), ("pos", "retail", 0) },
            assigned.Select(e => (e.GetProperty("channel_code").GetString()!, e.GetProperty("price_list_code").GetString()!, e.GetProperty("priority").GetInt32()))
                .ToArray());
        Assert.Equal(10, assigned[2].GetProperty("previous_priority").GetInt32());
    }

    [Fact]
    public async Task an_assignment_is_cleared_and_a_list_still_assigned_cannot_be_retired()
    {
        var org = await host.NewOrgAsync();
        var retail = await org.NewList("retail");
        await org.AssignList("web", "retail", 0);

        await org.PostAsApprover("/ppm/price-list/status/set", new { price_list_code = "retail", status = "retired", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "in_use");

        await org.Post("/ppm/price-list/assign/clear", new { channel_code = "web", price_list_code = "staff" }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post("/ppm/price-list/assign/clear", new { channel_code = "web", price_list_code = "retail", expected_revision = 9 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var cleared = await org.Post("/ppm/price-list/assign/clear", new { channel_code = "web", price_list_code = "retail", expected_revision = 1 }).Ok();
        Assert.Equal(0, cleared.GetProperty("assignments").GetArrayLength());
        Assert.Equal(2, ListSteps.Revision(cleared));
        await org.ResolveList("web").Problem(HttpStatusCode.UnprocessableEntity, "no_price_list");
        var unassigned = Assert.Single(host.Events(org, "ppm.price_list.unassigned"));
        Assert.Equal(("web", "retail"), (unassigned.GetProperty("channel_code").GetString(), unassigned.GetProperty("price_list_code").GetString()));

        var retired = await org.SetListStatus("retail", "retired", ListSteps.Revision(retail));
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        await org.PostAsApprover("/ppm/price-list/status/set", new { price_list_code = "retail", status = "active", expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "retail", priority = 0 })
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
    }

    [Fact]
    public async Task an_assignment_names_a_known_channel_and_list()
    {
        var org = await host.NewOrgAsync();
        await org.NewList("retail");
        var channel = await org.Post("/ppm/price-list/assign", new { channel_code = "nowhere", price_list_code = "retail", priority = 0 })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("channel_code", channel.GetProperty("field").GetString());
        var list = await org.Post("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "missing", priority = 0 })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("price_list_code", list.GetProperty("field").GetString());
        await org.ResolveList("nowhere").Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        // A pinned revision of a channel with no assignments yet is 0.
        await org.Post("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "retail", priority = 0, expected_revision = 3 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var pinned = await org.Post("/ppm/price-list/assign", new { channel_code = "web", price_list_code = "retail", priority = 0, expected_revision = 0 })
            .Ok();
        Assert.Equal(1, ListSteps.Revision(pinned));
    }

    [Fact]
    public async Task a_viewer_reads_but_cannot_write_and_another_org_sees_nothing()
    {
        var org = await host.NewOrgAsync();
        await org.NewList("retail");
        await org.AssignList("web", "retail", 0);
        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");

        await viewer.Client.Post("/ppm/price-list/get", new { price_list_code = "retail" }, org.Orgcode).Ok();
        await viewer.Client.Post("/ppm/price-list/resolve", new { channel_code = "web" }, org.Orgcode).Ok();
        await viewer.Client.Post("/ppm/price-list/set", new { price_list_code = "mine", name = "Mine", currency = "EUR" }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Client.Post("/ppm/price-list/assign", new { channel_code = "pos", price_list_code = "retail", priority = 1 }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        // Status is an admin's move; the owner's members are not enough.
        var member = host.Factory.NewUser("member");
        await org.Owner.Join(org.Orgcode, member, "member");
        await member.Client.Post("/ppm/price-list/status/set", new { price_list_code = "retail", status = "inactive", expected_revision = 1 }, org.Orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var other = await host.NewOrgAsync("ppm-other");
        await other.Post("/ppm/price-list/get", new { price_list_code = "retail" }).Problem(HttpStatusCode.NotFound, "not_found");
        var theirs = await other.Post("/ppm/price-list/list", new { }).Ok();
        Assert.Equal(0, theirs.GetProperty("items").GetArrayLength());
        await other.ResolveList("web").Problem(HttpStatusCode.UnprocessableEntity, "no_price_list");
        // The same code is free in another org.
        await other.NewList("retail", "USD");
        await viewer.Client.Post("/ppm/price-list/get", new { price_list_code = "retail" }, other.Orgcode).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
