using System.Net;
using System.Text.Json;
using Retail.Shared.Collaboration;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Collaboration;

/// <summary>UC-CIE-003: search comments and inbox items, where redacted, hidden and archived records are never found.</summary>
public sealed class SearchUseCaseTests(CollaborationHost host) : IClassFixture<CollaborationHost>
{
    private static IEnumerable<string?> Keys(JsonElement page, string field) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty(field).GetString());

    private static async Task<JsonElement> CommentAsync(HttpClient member, string ticket, string body) =>
        await member.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body }).Ok(HttpStatusCode.Created);

    [Fact]
    public async Task UC_CIE_003_a_redacted_comment_is_withheld_from_a_viewer_and_never_listed_or_found()
    {
        var org = CommentUseCaseTests.NewOrg();
        var member = host.As(org, Role.Member);
        var admin = host.As(org, Role.Admin);
        var viewer = host.As(org, Role.Viewer);
        var ticket = await CommentUseCaseTests.TicketAsync(member);
        var attachment = (await CommentUseCaseTests.AttachmentAsync(member)).GetProperty("record_guid").GetString();
        var plain = (await CommentAsync(member, ticket, "The blue pallets arrived wet.")).GetProperty("comment_guid").GetString();
        var secret = (await member.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "Blue door code is 4711.", attachments = new[] { attachment } })
            .Ok(HttpStatusCode.Created)).GetProperty("comment_guid").GetString();
        Assert.Equal([secret, plain], Keys(await viewer.Post("/cie/search/comments", new { query = "blue" }).Ok(), "comment_guid"));

        await admin.Post("/cie/comment/status", new { comment_guid = secret, status = "redacted", expected_revision = 1 }).Ok();

        var asViewer = await viewer.Post("/cie/comment/get", new { comment_guid = secret, include_revisions = true }).Ok();
        Assert.Equal(CommentRules.WithheldBody, asViewer.GetProperty("body").GetString());
        Assert.True(asViewer.GetProperty("body_withheld").GetBoolean());
        Assert.Empty(asViewer.GetProperty("attachments").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, asViewer.GetProperty("revisions").ValueKind);
        Assert.DoesNotContain("4711", asViewer.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("Blue door code is 4711.", (await admin.Post("/cie/comment/get", new { comment_guid = secret }).Ok()).GetProperty("body").GetString());

        foreach (var caller in new[] { viewer, admin })
        {
            Assert.Equal([plain], Keys(await caller.Post("/cie/comment/list", new { subject_entity = "ticket", subject_key = ticket }).Ok(), "comment_guid"));
            Assert.Equal([plain], Keys(await caller.Post("/cie/search/comments", new { query = "blue" }).Ok(), "comment_guid"));
            Assert.Empty(Keys(await caller.Post("/cie/search/comments", new { query = "4711" }).Ok(), "comment_guid"));
        }
        await admin.Post("/cie/comment/list", new { status = "redacted" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task UC_CIE_003_hidden_comments_and_archived_items_leave_search_and_come_back_and_other_orgs_see_nothing()
    {
        var org = CommentUseCaseTests.NewOrg();
        var member = host.As(org, Role.Member);
        var admin = host.As(org, Role.Admin);
        var ticket = await CommentUseCaseTests.TicketAsync(member);
        var comment = (await CommentAsync(member, ticket, "Forklift battery is failing.")).GetProperty("comment_guid").GetString();
        var item = (await member.Post("/cie/inbox/create", new
        {
            title = "Replace forklift battery",
            body = "Order from the usual supplier.",
            subject_entity = "ticket",
            subject_key = ticket,
            assignee = new { kind = "team", id = await host.TeamAsync(org) },
        }).Ok(HttpStatusCode.Created)).GetProperty("inbox_item_guid").GetString();

        await admin.Post("/cie/comment/status", new { comment_guid = comment, status = "hidden", expected_revision = 1 }).Ok();
        await member.Post("/cie/inbox/status", new { inbox_item_guid = item, status = "archived", expected_revision = 1 }).Ok();
        Assert.Empty(Keys(await member.Post("/cie/search/comments", new { query = "forklift" }).Ok(), "comment_guid"));
        Assert.Empty(Keys(await member.Post("/cie/search/inbox", new { query = "forklift" }).Ok(), "inbox_item_guid"));

        await admin.Post("/cie/comment/status", new { comment_guid = comment, status = "visible", expected_revision = 2 }).Ok();
        await member.Post("/cie/inbox/status", new { inbox_item_guid = item, status = "active", expected_revision = 2 }).Ok();
        Assert.Equal([comment], Keys(await member.Post("/cie/search/comments", new { query = "FORKLIFT batt" }).Ok(), "comment_guid"));
        Assert.Equal([item], Keys(await member.Post("/cie/search/inbox", new { query = "supplier" }).Ok(), "inbox_item_guid"));

        var stranger = host.As(CommentUseCaseTests.NewOrg(), Role.Admin);
        Assert.Empty(Keys(await stranger.Post("/cie/search/comments", new { query = "forklift" }).Ok(), "comment_guid"));
        Assert.Empty(Keys(await stranger.Post("/cie/search/inbox", new { query = "forklift" }).Ok(), "inbox_item_guid"));
    }

    [Fact]
    public async Task UC_CIE_003_search_pages_with_next_token_and_refuses_a_bad_token_or_an_empty_query()
    {
        var org = CommentUseCaseTests.NewOrg();
        var member = host.As(org, Role.Member);
        var ticket = await CommentUseCaseTests.TicketAsync(member);
        var guids = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            guids.Add((await CommentAsync(member, ticket, $"Shelf {i} needs a label.")).GetProperty("comment_guid").GetString());
        }

        var found = new List<string?>();
        string? token = null;
        do
        {
            var page = await member.Post("/cie/search/comments", new { query = "label shelf", limit = 2, next_token = token }).Ok();
            found.AddRange(Keys(page, "comment_guid"));
            token = page.GetProperty("next_token").GetString();
        }
        while (token is not null);
        Assert.Equal(Enumerable.Reverse(guids), found);

        await member.Post("/cie/search/comments", new { query = "label", next_token = "garbage!" }).Problem(HttpStatusCode.BadRequest, CollaborationProblems.InvalidNextToken);
        await member.Post("/cie/search/inbox", new { query = "label", next_token = "Zm9v" }).Problem(HttpStatusCode.BadRequest, CollaborationProblems.InvalidNextToken);
        await member.Post("/cie/search/comments", new { query = " !? " }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await member.Post("/cie/search/comments", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        // PVM's subset has no search plane.
        await host.As(org, Role.Member).Post("/cielite/search/comments", new { query = "label" }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
