using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ppm;

public sealed class PolicyTests(PpmHost host) : IClassFixture<PpmHost>
{
    private static object Policy(long? expectedRevision, decimal maxDiscount = 40m, string stacking = "additive", decimal? cap = 50m) => new
    {
        approval = new { max_decrease_percent = 10m, max_increase_percent = 25m, below_margin_floor = true },
        max_discount_percent = maxDiscount,
        min_margin_percent = 15m,
        stacking = new { mode = stacking, cap_percent = cap },
        rounding = new { mode = "ending", ending_minor = 99 },
        expected_revision = expectedRevision,
    };

    [Fact]
    public async Task the_default_policy_applies_until_an_admin_sets_one_and_every_version_is_kept()
    {
        var org = await host.NewOrgAsync();
        var initial = await org.Post("/ppm/policy/get", new { }).Ok();
        Assert.Equal(0, initial.GetProperty("revision").GetInt64());
        Assert.Equal("best_of", initial.GetProperty("stacking").GetProperty("mode").GetString());
        Assert.Equal("none", initial.GetProperty("rounding").GetProperty("mode").GetString());
        Assert.True(initial.GetProperty("approval").GetProperty("below_margin_floor").GetBoolean());
        Assert.False(initial.TryGetProperty("history", out _));

        var first = await org.Post("/ppm/policy/set", Policy(null)).Ok();
        Assert.Equal((1L, 40m, 99), (first.GetProperty("revision").GetInt64(), first.GetProperty("max_discount_percent").GetDecimal(),
            first.GetProperty("rounding").GetProperty("ending_minor").GetInt32()));
        Assert.Equal(50m, first.GetProperty("stacking").GetProperty("cap_percent").GetDecimal());

        // From then on a change names the revision it was read at.
        await org.Post("/ppm/policy/set", Policy(null, 30m)).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/ppm/policy/set", Policy(0, 30m)).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var second = await org.Post("/ppm/policy/set", Policy(1, 30m, "exclusive", null)).Ok();
        Assert.Equal((2L, "exclusive"), (second.GetProperty("revision").GetInt64(), second.GetProperty("stacking").GetProperty("mode").GetString()));

        var read = await org.Post("/ppm/policy/get", new { include_history = true }).Ok();
        Assert.Equal((2L, 30m), (read.GetProperty("revision").GetInt64(), read.GetProperty("max_discount_percent").GetDecimal()));
        var history = read.GetProperty("history").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { 1L, 2L }, history.Select(h => h.GetProperty("revision").GetInt64()).ToArray());
        Assert.Equal(40m, history[0].GetProperty("record").GetProperty("max_discount_percent").GetDecimal());
        Assert.Equal(org.Owner.UserGuid, history[1].GetProperty("principal_id").GetString());
        var changed = host.Events(org, "ppm.policy.changed");
        Assert.Equal(new[] { 1L, 2L }, changed.Select(e => e.GetProperty("revision").GetInt64()).ToArray());
        Assert.Equal("exclusive", changed[1].GetProperty("stacking").GetProperty("mode").GetString());
        var paged = await org.Post("/ppm/policy/get", new { include_history = true, limit = 1 }).Ok();
        Assert.Single(paged.GetProperty("history").GetProperty("items").EnumerateArray());
        var token = paged.GetProperty("history").GetProperty("next_token").GetString();
        var next = await org.Post("/ppm/policy/get", new { include_history = true, limit = 1, next_token = token }).Ok();
        Assert.Equal(2, next.GetProperty("history").GetProperty("items")[0].GetProperty("revision").GetInt64());
        await org.Post("/ppm/policy/get", new { next_token = token }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/ppm/policy/get", new { include_history = true, next_token = "forged" }).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
    }

    [Fact]
    public async Task the_first_set_may_name_revision_zero_and_another_org_keeps_its_default()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/ppm/policy/set", Policy(3)).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var first = await org.Post("/ppm/policy/set", new { max_discount_percent = 20m, expected_revision = 0 }).Ok();
        Assert.Equal(1, first.GetProperty("revision").GetInt64());

        var other = await host.NewOrgAsync("ppm-other");
        var theirs = await other.Post("/ppm/policy/get", new { }).Ok();
        Assert.Equal(0, theirs.GetProperty("revision").GetInt64());
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("max_discount_percent").ValueKind);
    }

    [Fact]
    public async Task percents_rounding_and_stacking_are_checked()
    {
        var org = await host.NewOrgAsync();
        async Task Refused(object body, string field)
        {
            var problem = await org.Post("/ppm/policy/set", body).Problem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected an error on {field}: {problem}");
        }

        await Refused(new { max_discount_percent = 101m }, "max_discount_percent");
        await Refused(new { min_margin_percent = -1m }, "min_margin_percent");
        await Refused(new { approval = new { max_decrease_percent = 150m } }, "approval.max_decrease_percent");
        await Refused(new { approval = new { max_increase_percent = -5m } }, "approval.max_increase_percent");
        await Refused(new { rounding = new { mode = "ending" } }, "rounding.ending_minor");
        await Refused(new { rounding = new { mode = "ending", ending_minor = 100 } }, "rounding.ending_minor");
        await Refused(new { rounding = new { mode = "none", ending_minor = 99 } }, "rounding.ending_minor");
        await Refused(new { stacking = new { mode = "best_of", cap_percent = 30m } }, "stacking.cap_percent");
        await Refused(new { stacking = new { mode = "additive", cap_percent = 130m } }, "stacking.cap_percent");
        await org.Post("/ppm/policy/set", new { stacking = new { mode = "sometimes" } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0, (await org.Post("/ppm/policy/get", new { }).Ok()).GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task only_an_admin_sets_the_policy()
    {
        var org = await host.NewOrgAsync();
        var member = host.Factory.NewUser("member");
        await org.Owner.Join(org.Orgcode, member, "member");
        var viewer = host.Factory.NewUser("viewer");
        await org.Owner.Join(org.Orgcode, viewer, "viewer");

        await member.Client.Post("/ppm/policy/set", Policy(null), org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Client.Post("/ppm/policy/set", Policy(null), org.Orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Client.Post("/ppm/policy/get", new { }, org.Orgcode).Ok();
        await org.PostAsApprover("/ppm/policy/set", Policy(null)).Ok();
    }
}
