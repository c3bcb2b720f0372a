using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ics;

/// <summary>Comments, inbox items and their search on ICS's records (the shared module, mounted in full, embedded search).</summary>
public sealed class IcsCommentTests(IcsHost host) : IClassFixture<IcsHost>
{
    private static IEnumerable<string?> Keys(JsonElement page, string field) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(field).GetString());

    [Fact]
    public async Task a_count_takes_comments_and_inbox_items_and_search_finds_them()
    {
        var (org, member) = await CountSteps.OrgWithMemberAsync(host);
        await org.BinAsync("store-1", "g-01");
        var count = (await org.Post("/ics/count/create", new { facility_code = "store-1", bin_codes = new[] { "g-01" } }).Ok(HttpStatusCode.Created))
            .GetProperty("count_guid").GetString();

        var comment = await member.Client.Post("/ics/comment", new { subject_entity = "stock_count", subject_key = count, body = "Pallet of hoodies blocks bin g-01." },
            org.Orgcode).Ok(HttpStatusCode.Created);
        var commentGuid = comment.GetProperty("comment_guid").GetString();
        Assert.Equal([commentGuid], Keys(await org.Post("/ics/comment/list", new { subject_entity = "stock_count", subject_key = count }).Ok(), "comment_guid"));
        await member.Client.Post("/ics/comment", new { subject_entity = "stock_count", subject_key = Guid.CreateVersion7().ToString(), body = "Nothing here." }, org.Orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "subject_not_found");

        var item = await org.Post("/ics/inbox/create", new
        {
            title = "Recount bin g-01",
            body = "Move the hoodies first.",
            subject_entity = "stock_count",
            subject_key = count,
            assignee = new { kind = "member", id = member.UserGuid },
        }).Ok(HttpStatusCode.Created);
        var itemGuid = item.GetProperty("inbox_item_guid").GetString();
        var moved = await member.Client.Post("/ics/inbox/state", new { inbox_item_guid = itemGuid, state = "acknowledged", expected_revision = 1 }, org.Orgcode).Ok();
        Assert.Equal("acknowledged", moved.GetProperty("state").GetString());

        Assert.Equal([commentGuid], Keys(await member.Client.Post("/ics/search/comments", new { query = "hoodies" }, org.Orgcode).Ok(), "comment_guid"));
        Assert.Equal([itemGuid], Keys(await member.Client.Post("/ics/search/inbox", new { query = "recount" }, org.Orgcode).Ok(), "inbox_item_guid"));
        var other = await host.NewOrgAsync();
        Assert.Empty(Keys(await other.Post("/ics/search/comments", new { query = "hoodies" }).Ok(), "comment_guid"));
        await other.Post("/ics/comment/list", new { subject_entity = "stock_count", subject_key = count }).Ok();
    }

    [Fact]
    public async Task bins_zones_and_count_plans_are_comment_subjects()
    {
        var org = await host.NewOrgAsync();
        await org.ZoneWithBinsAsync("store-1", "h-zone", "h-01");
        var bin = (await org.Post("/ics/bin/get", new { facility_code = "store-1", bin_code = "h-01" }).Ok()).GetProperty("bin_guid").GetString();
        var zone = (await org.Post("/ics/zone/get", new { facility_code = "store-1", zone_code = "h-zone" }).Ok()).GetProperty("zone_guid").GetString();
        var plan = (await org.Post("/ics/count/plan/set", new { plan_code = "h-plan", facility_code = "store-1", zone_code = "h-zone", cadence = "monthly" })
            .Ok(HttpStatusCode.Created)).GetProperty("plan_guid").GetString();
        foreach (var (entity, key) in new[] { ("bin", bin), ("storage_zone", zone), ("count_plan", plan) })
        {
            await org.Post("/ics/comment", new { subject_entity = entity, subject_key = key, body = $"Note on the {entity}." }).Ok(HttpStatusCode.Created);
        }
    }
}
