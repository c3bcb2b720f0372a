using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>Comments and inbox through the shared module, on CRM's own records (issue 17, "Also").</summary>
public sealed class CrmCollaborationTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task A_clerk_comments_on_a_customer_and_hands_a_follow_up_to_a_colleague_through_the_inbox()
    {
        var org = await host.NewOrgAsync();
        var customer = (await org.CustomerAsync("notes@example.com")).Str("customer_guid");

        var comment = await org.Post(org.Clerk, "/crm/comment", new { subject_entity = "customer", subject_key = customer, body = "Prefers calls after 5 pm." })
            .Ok(HttpStatusCode.Created);
        Assert.Equal("visible", comment.Str("status"));
        var listed = await org.Post(org.Viewer, "/crm/comment/list", new { subject_entity = "customer", subject_key = customer }).Ok();
        Assert.Equal(comment.Str("comment_guid"), Assert.Single(listed.GetProperty("items").EnumerateArray()).Str("comment_guid"));
        // A comment names a record CRM has, of a kind it knows.
        await org.Post(org.Clerk, "/crm/comment", new { subject_entity = "customer", subject_key = Guid.CreateVersion7().ToString(), body = "Who?" })
            .Problem(HttpStatusCode.UnprocessableEntity, "subject_not_found");
        await org.Post(org.Clerk, "/crm/comment", new { subject_entity = "order", subject_key = customer, body = "Not CRM's." })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/comment", new { subject_entity = "customer", subject_key = customer, body = "Viewers read." })
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var item = await org.Post(org.Clerk, "/crm/inbox/create", new
        {
            title = "Call back about the address change",
            subject_entity = "customer",
            subject_key = customer,
            assignee = new { kind = "member", id = org.Approver.UserGuid },
            priority = "high",
        }).Ok(HttpStatusCode.Created);
        var mine = await org.Post(org.Approver, "/crm/inbox/list", new { assignee = new { kind = "member", id = org.Approver.UserGuid }, state = "open" }).Ok();
        Assert.Equal(item.Str("inbox_item_guid"), Assert.Single(mine.GetProperty("items").EnumerateArray()).Str("inbox_item_guid"));
        var done = await org.Post(org.Approver, "/crm/inbox/state", new { inbox_item_guid = item.Str("inbox_item_guid"), state = "acknowledged", expected_revision = 1 }).Ok();
        Assert.Equal("acknowledged", done.Str("state"));
        await org.Post(org.Clerk, "/crm/inbox/create", new
        {
            title = "Nobody",
            subject_entity = "customer",
            subject_key = customer,
            assignee = new { kind = "member", id = Guid.NewGuid() },
        }).Problem(HttpStatusCode.UnprocessableEntity, "assignee_not_found");
    }
}
