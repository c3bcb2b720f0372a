using System.Net;
using System.Text.Json;
using Retail.Shared.Collaboration;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Collaboration;

/// <summary>UC-CIE-002: create inbox items, move them through their work states, archive them, and list them by filter.</summary>
public sealed class InboxUseCaseTests(CollaborationHost host) : IClassFixture<CollaborationHost>
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static async Task<JsonElement> ItemAsync(HttpClient member, string ticket, string title, string kind, string assignee, DateTimeOffset? due) =>
        await member.Post("/cie/inbox/create", new
        {
            title,
            body = "Count every crate on the pallet.",
            subject_entity = "ticket",
            subject_key = ticket,
            assignee = new { kind, id = assignee },
            priority = "high",
            due_at = due,
        }).Ok(HttpStatusCode.Created);

    private static IEnumerable<string?> Guids(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("inbox_item_guid").GetString());

    [Fact]
    public async Task UC_CIE_002_an_inbox_item_moves_open_acknowledged_in_progress_done_and_refuses_skipping()
    {
        var org = CommentUseCaseTests.NewOrg();
        var member = host.As(org, Role.Member);
        var ticket = await CommentUseCaseTests.TicketAsync(member);
        var item = await ItemAsync(member, ticket, "Recount pallet 4", "team", await host.TeamAsync(org), Monday);
        var guid = item.GetProperty("inbox_item_guid").GetString()!;
        Assert.Equal("open", item.GetProperty("state").GetString());
        Assert.Equal("active", item.GetProperty("status").GetString());
        Assert.Equal("2026-12-07T09:00:00Z", item.GetProperty("due_at").GetString());

        var skipped = await member.Post("/cie/inbox/state", new { inbox_item_guid = guid, state = "done", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(["acknowledged", "dismissed"], skipped.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
        await member.Post("/cie/inbox/state", new { inbox_item_guid = guid, state = "acknowledged" }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await member.Post("/cie/inbox/state", new { inbox_item_guid = guid, state = "acknowledged", expected_revision = 3 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await host.As(org, Role.Viewer).Post("/cie/inbox/state", new { inbox_item_guid = guid, state = "acknowledged", expected_revision = 1 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var revision = 1L;
        foreach (var state in new[] { "acknowledged", "in_progress", "done" })
        {
            var moved = await member.Post("/cie/inbox/state", new { inbox_item_guid = guid, state, expected_revision = revision }).Ok();
            Assert.Equal(state, moved.GetProperty("state").GetString());
            revision = moved.GetProperty("revision").GetInt64();
        }
        var final = await member.Post("/cie/inbox/state", new { inbox_item_guid = guid, state = "dismissed", expected_revision = revision })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Empty(final.GetProperty("allowed").EnumerateArray());

        var events = await CommentUseCaseTests.EventsAsync(host, CollaborationEvents.InboxItemStateChanged, "inbox_item_guid", guid);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (events.Count < 3)
        {
            await Task.Delay(50, timeout.Token);
            events = await CommentUseCaseTests.EventsAsync(host, CollaborationEvents.InboxItemStateChanged, "inbox_item_guid", guid);
        }
        Assert.Equal(["acknowledged", "done", "in_progress"], events.Select(e => e.Data.GetProperty("to").GetString()).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal(org, e.Data.GetProperty("orgcode").GetString()));
    }

    [Fact]
    public async Task UC_CIE_002_archiving_takes_an_item_out_of_the_default_list_and_back()
    {
        var org = CommentUseCaseTests.NewOrg();
        var member = host.As(org, Role.Member);
        var ticket = await CommentUseCaseTests.TicketAsync(member);
        var guid = (await ItemAsync(member, ticket, "Chase supplier", "member", await host.OwnerAsync(org), null)).GetProperty("inbox_item_guid").GetString();

        await member.Post("/cie/inbox/status", new { inbox_item_guid = guid, status = "active", expected_revision = 1 }).Problem(HttpStatusCode.Conflict, "invalid_transition");
        await member.Post("/cie/inbox/status", new { inbox_item_guid = guid, status = "archived", expected_revision = 1 }).Ok();
        Assert.Empty(Guids(await member.Post("/cie/inbox/list", new { }).Ok()));
        Assert.Equal([guid], Guids(await member.Post("/cie/inbox/list", new { status = "archived" }).Ok()));
        await member.Post("/cie/inbox/status", new { inbox_item_guid = guid, status = "active", expected_revision = 2 }).Ok();
        Assert.Equal([guid], Guids(await host.As(org, Role.Viewer).Post("/cie/inbox/list", new { }).Ok()));
        Assert.Equal("active", (await member.Post("/cie/inbox/get", new { inbox_item_guid = guid }).Ok()).GetProperty("status").GetString());
        await host.As(CommentUseCaseTests.NewOrg(), Role.Admin).Post("/cie/inbox/get", new { inbox_item_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_CIE_002_lists_filter_by_assignee_state_subject_and_due_before_and_page()
    {
        var org = CommentUseCaseTests.NewOrg();
        var member = host.As(org, Role.Member);
        var ticket = await CommentUseCaseTests.TicketAsync(member);
        var otherTicket = await CommentUseCaseTests.TicketAsync(member, "Late delivery");
        var team = await host.TeamAsync(org);
        var person = await host.OwnerAsync(org);
        var first = (await ItemAsync(member, ticket, "Due Monday", "team", team, Monday)).GetProperty("inbox_item_guid").GetString();
        var second = (await ItemAsync(member, ticket, "Due Wednesday", "member", person, Monday.AddDays(2))).GetProperty("inbox_item_guid").GetString();
        var third = (await ItemAsync(member, otherTicket, "No due time", "team", team, null)).GetProperty("inbox_item_guid").GetString();
        await member.Post("/cie/inbox/state", new { inbox_item_guid = third, state = "acknowledged", expected_revision = 1 }).Ok();

        Assert.Equal([first, third], Guids(await member.Post("/cie/inbox/list", new { assignee = new { kind = "team", id = team } }).Ok()));
        Assert.Equal([second], Guids(await member.Post("/cie/inbox/list", new { assignee = new { kind = "member", id = person } }).Ok()));
        Assert.Equal([third], Guids(await member.Post("/cie/inbox/list", new { state = "acknowledged" }).Ok()));
        Assert.Equal([first, second], Guids(await member.Post("/cie/inbox/list", new { subject_entity = "ticket", subject_key = ticket }).Ok()));
        Assert.Equal([first], Guids(await member.Post("/cie/inbox/list", new { due_before = Monday.AddDays(1) }).Ok()));
        Assert.Empty(Guids(await member.Post("/cie/inbox/list", new { due_before = Monday }).Ok()));
        Assert.Equal([first], Guids(await member.Post("/cie/inbox/list", new { due_before = Monday.AddMilliseconds(1) }).Ok()));

        var page = await member.Post("/cie/inbox/list", new { limit = 2 }).Ok();
        Assert.Equal([first, second], Guids(page));
        var rest = await member.Post("/cie/inbox/list", new { limit = 2, next_token = page.GetProperty("next_token").GetString() }).Ok();
        Assert.Equal([third], Guids(rest));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next_token").ValueKind);

        await member.Post("/cie/inbox/list", new { next_token = "garbage" }).Problem(HttpStatusCode.BadRequest, CollaborationProblems.InvalidNextToken);
        await member.Post("/cie/comment/list", new { next_token = "garbage" }).Problem(HttpStatusCode.BadRequest, CollaborationProblems.InvalidNextToken);
        await member.Post("/cie/inbox/list", new { assignee = new { kind = "team" } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await member.Post("/cie/inbox/create", new { title = "No assignee", subject_entity = "ticket", subject_key = ticket })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task UC_CIE_002_an_assignee_must_be_an_active_member_or_team_of_the_org_and_an_unreachable_directory_refuses()
    {
        var org = CommentUseCaseTests.NewOrg();
        var member = host.As(org, Role.Member);
        var ticket = await CommentUseCaseTests.TicketAsync(member);
        var team = await host.TeamAsync(org);
        var foreignTeam = await host.TeamAsync(CommentUseCaseTests.NewOrg());
        object Item(string kind, string id) => new { title = "Check", subject_entity = "ticket", subject_key = ticket, assignee = new { kind, id } };

        await member.Post("/cie/inbox/create", Item("team", foreignTeam)).Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.AssigneeNotFound);
        await member.Post("/cie/inbox/create", Item("member", Guid.NewGuid().ToString())).Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.AssigneeNotFound);
        // A team guid is not a member.
        await member.Post("/cie/inbox/create", Item("member", team)).Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.AssigneeNotFound);
        host.DependenciesDown = true;
        try
        {
            await member.Post("/cie/inbox/create", Item("team", team)).Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        }
        finally
        {
            host.DependenciesDown = false;
        }
        await member.Post("/cie/inbox/create", Item("team", team)).Ok(HttpStatusCode.Created);
    }
}
