using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Collaboration;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Collaboration;

/// <summary>UC-CIE-001: add a comment with an attachment, revise it, change its status; and every way that can be refused.</summary>
public sealed class CommentUseCaseTests(CollaborationHost host) : IClassFixture<CollaborationHost>
{
    public static string NewOrg() => "cie" + Guid.NewGuid().ToString("N")[..10];

    public static async Task<string> TicketAsync(HttpClient member, string title = "Damaged parcel") =>
        (await member.Post("/cie/ticket/create", new { title }).Ok(HttpStatusCode.Created)).GetProperty("ticket_guid").GetString()!;

    public static async Task<JsonElement> AttachmentAsync(HttpClient member) =>
        (await member.Post("/mrs/record", new { json = new { photo = "crate-7.jpg" }, name = "evidence" }).Ok(HttpStatusCode.Created)).GetProperty("record");

    public static async Task<IReadOnlyList<(string Type, JsonElement Data)>> EventsAsync(CollaborationHost host, string type, string key, string value)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var found = host.Events.All.Where(e => e.Type == type && e.Data.TryGetProperty(key, out var v) && v.GetString() == value).ToList();
            if (found.Count > 0)
            {
                return found;
            }
            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task UC_CIE_001_a_comment_with_an_attachment_is_revised_by_its_author_and_resolved_then_redacted()
    {
        var org = NewOrg();
        var ann = host.As(org, Role.Member, "ann");
        var admin = host.As(org, Role.Admin);
        var ticket = await TicketAsync(ann);
        var attachment = (await AttachmentAsync(ann)).GetProperty("record_guid").GetString();

        var created = await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "Crate 7 arrived crushed.", attachments = new[] { attachment } })
            .Ok(HttpStatusCode.Created);
        var guid = created.GetProperty("comment_guid").GetString()!;
        Assert.Equal(CollaborationHost.PrincipalOf(org, Role.Member, "ann"), created.GetProperty("author_id").GetString());
        Assert.Equal("visible", created.GetProperty("status").GetString());
        Assert.Equal(1, created.GetProperty("revision").GetInt64());
        Assert.Equal(attachment, created.GetProperty("attachments")[0].GetString());
        Assert.False(created.TryGetProperty("search_text", out _));

        var revised = await ann.Post("/cie/comment/revise", new { comment_guid = guid, body = "Crate 7 arrived crushed; photo attached.", expected_revision = 1 }).Ok();
        Assert.Equal(2, revised.GetProperty("revision").GetInt64());
        Assert.Equal(attachment, revised.GetProperty("attachments")[0].GetString());
        var withRevisions = await ann.Post("/cie/comment/get", new { comment_guid = guid, include_revisions = true }).Ok();
        Assert.Equal(["Crate 7 arrived crushed.", "Crate 7 arrived crushed; photo attached."],
            withRevisions.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("body").GetString()));

        var resolved = await ann.Post("/cie/comment/status", new { comment_guid = guid, status = "resolved", expected_revision = 2 }).Ok();
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        var reopened = await ann.Post("/cie/comment/status", new { comment_guid = guid, status = "visible", expected_revision = 3 }).Ok();
        var redacted = await admin.Post("/cie/comment/status", new { comment_guid = guid, status = "redacted", expected_revision = reopened.GetProperty("revision").GetInt64() }).Ok();
        Assert.Equal("redacted", redacted.GetProperty("status").GetString());
        Assert.Equal("Crate 7 arrived crushed; photo attached.", redacted.GetProperty("body").GetString());

        var refused = await admin.Post("/cie/comment/status", new { comment_guid = guid, status = "visible", expected_revision = 5 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Empty(refused.GetProperty("allowed").EnumerateArray());

        var createdEvent = Assert.Single(await EventsAsync(host, CollaborationEvents.CommentCreated, "comment_guid", guid));
        Assert.Equal(org, createdEvent.Data.GetProperty("orgcode").GetString());
        Assert.Equal(ticket, createdEvent.Data.GetProperty("subject_key").GetString());
        Assert.Single(await EventsAsync(host, CollaborationEvents.CommentRevised, "comment_guid", guid));
        var redactedEvent = Assert.Single(await EventsAsync(host, CollaborationEvents.CommentRedacted, "comment_guid", guid));
        Assert.False(redactedEvent.Data.TryGetProperty("body", out _));
    }

    [Fact]
    public async Task UC_CIE_001_only_the_author_or_an_admin_revises_and_every_change_names_its_revision()
    {
        var org = NewOrg();
        var ann = host.As(org, Role.Member, "ann");
        var bob = host.As(org, Role.Member, "bob");
        var admin = host.As(org, Role.Admin);
        var ticket = await TicketAsync(ann);
        var guid = (await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "Needs a recount." }).Ok(HttpStatusCode.Created))
            .GetProperty("comment_guid").GetString();

        await bob.Post("/cie/comment/revise", new { comment_guid = guid, body = "Not mine to change.", expected_revision = 1 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await ann.Post("/cie/comment/revise", new { comment_guid = guid, body = "No revision named." }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var stale = await ann.Post("/cie/comment/revise", new { comment_guid = guid, body = "Stale.", expected_revision = 7 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(1, stale.GetProperty("current_revision").GetInt64());
        await admin.Post("/cie/comment/revise", new { comment_guid = guid, body = "Recount done by admin.", expected_revision = 1 }).Ok();

        // Members resolve; hiding is moderation.
        await bob.Post("/cie/comment/status", new { comment_guid = guid, status = "hidden", expected_revision = 2 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await host.As(org, Role.Viewer).Post("/cie/comment/status", new { comment_guid = guid, status = "resolved", expected_revision = 2 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await ann.Post("/cie/comment/status", new { comment_guid = guid, status = "resolved" }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await ann.Post("/cie/comment/status", new { comment_guid = guid, status = "shredded", expected_revision = 2 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await host.Anonymous().PostJsonAsync("/cie/comment/get", new { comment_guid = guid }, HttpJson.Headers(("x-orgcode", org)))
            .Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task UC_CIE_001_a_missing_or_doomed_subject_and_an_unknown_entity_are_refused()
    {
        var org = NewOrg();
        var ann = host.As(org, Role.Member, "ann");
        var ticket = await TicketAsync(ann);
        await host.As(org, Role.Admin).Post("/cie/ticket/doom", new { ticket_guid = ticket, expected_revision = 1 }).Ok();

        await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = Guid.CreateVersion7().ToString(), body = "Hello?" })
            .Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.SubjectNotFound);
        await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "Too late." })
            .Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.SubjectNotFound);
        var unknown = await ann.Post("/cie/comment", new { subject_entity = "order", subject_key = ticket, body = "Wrong kind." })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(unknown.GetProperty("errors").TryGetProperty("subject_entity", out _));
        await ann.Post("/cie/inbox/create", new { title = "Check", subject_entity = "ticket", subject_key = ticket, assignee = new { kind = "team", id = Guid.NewGuid() } })
            .Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.SubjectNotFound);

        // Another org's ticket is not a subject here.
        var otherTicket = await TicketAsync(host.As(NewOrg(), Role.Member));
        await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = otherTicket, body = "Not ours." })
            .Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.SubjectNotFound);
    }

    [Fact]
    public async Task UC_CIE_001_an_attachment_of_another_org_a_doomed_one_or_an_unreachable_mrs_is_refused()
    {
        var org = NewOrg();
        var ann = host.As(org, Role.Member, "ann");
        var ticket = await TicketAsync(ann);
        var foreign = (await AttachmentAsync(host.As(NewOrg(), Role.Member))).GetProperty("record_guid").GetString();
        var doomed = await AttachmentAsync(ann);
        await host.As(org, Role.Admin).Post("/mrs/doom", new { record_guid = doomed.GetProperty("record_guid").GetString(), expected_revision = doomed.GetProperty("revision").GetInt64() }).Ok();

        var refused = await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "See file.", attachments = new[] { foreign } })
            .Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.AttachmentNotFound);
        Assert.Equal(foreign, refused.GetProperty("attachment").GetString());
        await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "See file.", attachments = new[] { doomed.GetProperty("record_guid").GetString() } })
            .Problem(HttpStatusCode.UnprocessableEntity, CollaborationProblems.AttachmentNotFound);
        await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "See file.", attachments = new[] { "not-a-guid" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var fine = (await AttachmentAsync(ann)).GetProperty("record_guid").GetString();
        host.DependenciesDown = true;
        try
        {
            await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "See file.", attachments = new[] { fine } })
                .Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        }
        finally
        {
            host.DependenciesDown = false;
        }
        await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "See file.", attachments = new[] { fine } }).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task UC_CIE_001_a_report_flags_a_comment_for_the_admins_review()
    {
        var org = NewOrg();
        var ann = host.As(org, Role.Member, "ann");
        var bob = host.As(org, Role.Member, "bob");
        var admin = host.As(org, Role.Admin);
        var ticket = await TicketAsync(ann);
        var guid = (await ann.Post("/cie/comment", new { subject_entity = "ticket", subject_key = ticket, body = "Call me on my private number." }).Ok(HttpStatusCode.Created))
            .GetProperty("comment_guid").GetString();

        var reported = await bob.Post("/cie/comment/report", new { comment_guid = guid, reason = "personal_data", note = "Phone number", expected_revision = 1 }).Ok();
        Assert.True(reported.GetProperty("reported").GetBoolean());
        Assert.Equal(JsonValueKind.Null, reported.GetProperty("last_report").ValueKind);

        await bob.Post("/cie/comment/list", new { reported = true }).Problem(HttpStatusCode.Forbidden, "forbidden");
        var queue = await admin.Post("/cie/comment/list", new { reported = true }).Ok();
        var item = Assert.Single(queue.GetProperty("items").EnumerateArray());
        Assert.Equal("personal_data", item.GetProperty("last_report").GetProperty("reason").GetString());

        await admin.Post("/cie/comment/status", new { comment_guid = guid, status = "hidden", expected_revision = 2 }).Ok();
        Assert.Empty((await admin.Post("/cie/comment/list", new { reported = true }).Ok()).GetProperty("items").EnumerateArray());
        var hidden = Assert.Single((await admin.Post("/cie/comment/list", new { status = "hidden" }).Ok()).GetProperty("items").EnumerateArray());
        Assert.Equal(1, hidden.GetProperty("report_count").GetInt32());
    }

    [Fact]
    public async Task UC_CIE_001_a_retried_create_replays_the_first_answer_and_a_reused_key_is_refused()
    {
        var org = NewOrg();
        var ann = host.As(org, Role.Member, "ann");
        var ticket = await TicketAsync(ann);
        var key = HttpJson.Headers(("Idempotency-Key", Guid.NewGuid().ToString()));
        var body = new { subject_entity = "ticket", subject_key = ticket, body = "Posted once." };

        var first = await ann.PostJsonAsync("/cie/comment", body, key).Ok(HttpStatusCode.Created);
        using var replay = await ann.PostJsonAsync("/cie/comment", body, key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.GetProperty("comment_guid").GetString(), (await replay.JsonAsync()).GetProperty("comment_guid").GetString());
        await ann.PostJsonAsync("/cie/comment", body with { body = "Posted twice?" }, key).Problem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Single((await ann.Post("/cie/comment/list", new { subject_entity = "ticket", subject_key = ticket }).Ok()).GetProperty("items").EnumerateArray());
    }
}
