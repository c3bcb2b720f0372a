using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Influencer;

/// <summary>Comments and inbox through the shared module, on Influencer's own records (issue 18).</summary>
public sealed class InfluencerCollaborationTests(InfluencerHost host) : IClassFixture<InfluencerHost>
{
    [Fact]
    public async Task A_member_comments_on_a_profile_and_asks_an_admin_through_the_inbox_to_check_its_tax_form()
    {
        var org = await host.NewOrgAsync();
        var profile = (await org.NewProfile()).Str("profile_guid");

        var comment = await org.Post(org.Clerk, "/influencer/comment", new { subject_entity = "influencer_profile", subject_key = profile, body = "W-8BEN sent by mail." })
            .Ok(HttpStatusCode.Created);
        var listed = await org.Post(org.Viewer, "/influencer/comment/list", new { subject_entity = "influencer_profile", subject_key = profile }).Ok();
        Assert.Equal(comment.Str("comment_guid"), Assert.Single(listed.GetProperty("items").EnumerateArray()).Str("comment_guid"));
        await org.Post(org.Clerk, "/influencer/comment", new { subject_entity = "influencer_profile", subject_key = Guid.CreateVersion7().ToString(), body = "Who?" })
            .Problem(HttpStatusCode.UnprocessableEntity, "subject_not_found");

        var item = await org.Post(org.Clerk, "/influencer/inbox/create", new
        {
            title = "Check the tax form before the next payout",
            subject_entity = "influencer_profile",
            subject_key = profile,
            assignee = new { kind = "member", id = org.Approver.UserGuid },
        }).Ok(HttpStatusCode.Created);
        var mine = await org.Post(org.Approver, "/influencer/inbox/list", new { assignee = new { kind = "member", id = org.Approver.UserGuid } }).Ok();
        Assert.Equal(item.Str("inbox_item_guid"), Assert.Single(mine.GetProperty("items").EnumerateArray()).Str("inbox_item_guid"));
        await org.Post(org.Viewer, "/influencer/inbox/create", new
        {
            title = "Viewers read",
            subject_entity = "influencer_profile",
            subject_key = profile,
            assignee = new { kind = "member", id = org.Approver.UserGuid },
        }).Problem(HttpStatusCode.Forbidden, "forbidden");
    }
}
