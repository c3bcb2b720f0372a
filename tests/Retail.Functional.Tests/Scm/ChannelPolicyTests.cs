using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

public sealed class ChannelPolicyTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task A_channel_without_a_policy_reads_the_default_at_revision_0()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var policy = await org.Post(org.Clerk, "/scm/channel/policy/get", new { channel_code = "web" }).Ok();
        Assert.Equal(0, policy.Revision());
        Assert.Equal("web", policy.Text("channel_code"));
        Assert.Equal(30, policy.GetProperty("return_window_days").GetInt32());
        Assert.Equal(["card"], policy.GetProperty("accepted_tenders").EnumerateArray().Select(t => t.GetString()));
        Assert.False(policy.GetProperty("backorders_allowed").GetBoolean());
        Assert.Equal(48, policy.GetProperty("sla_hours").GetInt32());
        Assert.True(policy.GetProperty("capture_before_shipment").GetBoolean());
    }

    [Fact]
    public async Task An_admin_sets_a_policy_and_fields_left_out_keep_their_value()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var first = await org.Post("/scm/channel/policy/set",
            new { channel_code = "web", return_window_days = 14, accepted_tenders = new[] { "card", "Gift_Card" }, backorders_allowed = true }).Ok();
        Assert.Equal(1, first.Revision());
        Assert.Equal(["card", "gift_card"], first.GetProperty("accepted_tenders").EnumerateArray().Select(t => t.GetString()));

        var second = await org.Post("/scm/channel/policy/set", new { channel_code = "web", sla_hours = 24, expected_revision = 1 }).Ok();
        Assert.Equal(2, second.Revision());
        Assert.Equal(14, second.GetProperty("return_window_days").GetInt32());
        Assert.True(second.GetProperty("backorders_allowed").GetBoolean());
        Assert.Equal(24, second.GetProperty("sla_hours").GetInt32());

        // The header names the channel as well as the body; the other channel keeps its default.
        var read = await org.Owner.Client.PostJsonAsync("/scm/channel/policy/get", new { include_history = true },
            HttpJson.Headers(("x-orgcode", org.Orgcode), ("x-channel-code", "web"))).Ok();
        Assert.Equal(2, read.Revision());
        Assert.Equal(2, read.GetProperty("history").GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await org.Post("/scm/channel/policy/get", new { channel_code = "pos" }).Ok()).Revision());

        await org.Post("/scm/channel/policy/set", new { channel_code = "web", sla_hours = 12, expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/scm/channel/policy/set", new { channel_code = "web", sla_hours = 12 })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
    }

    [Fact]
    public async Task Only_an_admin_sets_a_channel_policy()
    {
        var org = await host.NewOrgAsync(stock: 0);
        await org.Post(org.Clerk, "/scm/channel/policy/set", new { channel_code = "web", sla_hours = 24 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Approver, "/scm/channel/policy/set", new { channel_code = "web", sla_hours = 24 }).Ok();
    }

    [Theory]
    [InlineData("{\"channel_code\":\"web\",\"accepted_tenders\":[\"bitcoin\"]}", "accepted_tenders[0]")]
    [InlineData("{\"channel_code\":\"web\",\"accepted_tenders\":[]}", "accepted_tenders")]
    [InlineData("{\"channel_code\":\"web\",\"accepted_tenders\":[\"card\",\"card\"]}", "accepted_tenders")]
    [InlineData("{\"channel_code\":\"web\",\"return_window_days\":-1}", "return_window_days")]
    [InlineData("{\"channel_code\":\"web\",\"return_window_days\":366}", "return_window_days")]
    [InlineData("{\"channel_code\":\"web\",\"sla_hours\":0}", "sla_hours")]
    [InlineData("{\"channel_code\":\"web\",\"reservation_ttl_seconds\":5}", "reservation_ttl_seconds")]
    [InlineData("{\"channel_code\":\"Web Shop\"}", "channel_code")]
    [InlineData("{}", "channel_code")]
    public async Task A_policy_out_of_range_is_400(string body, string field)
    {
        var org = await host.NewOrgAsync(stock: 0);
        var problem = await org.Post("/scm/channel/policy/set", body).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_channel_OFM_does_not_know_is_422_and_unknown_fields_are_400()
    {
        var org = await host.NewOrgAsync(stock: 0);
        var problem = await org.Post("/scm/channel/policy/set", new { channel_code = "nowhere", sla_hours = 24 })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal("channel_code", problem.GetProperty("field").GetString());
        await org.Post("/scm/channel/policy/get", new { channel_code = "nowhere" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/scm/channel/policy/set", new { channel_code = "web", sla_hourz = 24 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
