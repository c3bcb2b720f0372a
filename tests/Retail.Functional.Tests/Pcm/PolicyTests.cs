using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pcm;

public sealed class PolicyTests(PcmHost host) : IClassFixture<PcmHost>
{
    [Fact]
    public async Task The_policy_answers_its_defaults_until_an_admin_sets_it_and_then_keeps_what_was_not_given()
    {
        var org = await host.NewOrgAsync();
        var initial = await org.Post("/pcm/policy/get", new { }).Ok();
        Assert.Equal((0L, "available", 2m), (initial.Revision(), initial.Text("receive_into"), initial.GetProperty("price_tolerance_percent").GetDecimal()));

        await org.Post(org.Buyer, "/pcm/policy/set", new { over_receipt_tolerance_percent = 5 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        var set = await org.Post("/pcm/policy/set", new { approval_thresholds_minor = new Dictionary<string, long> { ["EUR"] = 500_000 }, over_receipt_tolerance_percent = 5 }).Ok();
        Assert.Equal(1L, set.Revision());
        var changed = await org.Post("/pcm/policy/set", new { receive_into = "qc_hold", expected_revision = 1 }).Ok();
        Assert.Equal((2L, "qc_hold", 5m, 500_000L), (changed.Revision(), changed.Text("receive_into"),
            changed.GetProperty("over_receipt_tolerance_percent").GetDecimal(), changed.GetProperty("approval_thresholds_minor").GetProperty("EUR").GetInt64()));

        await org.Post("/pcm/policy/set", new { receive_into = "available", expected_revision = 1 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post("/pcm/policy/set", new { over_receipt_tolerance_percent = 101, expected_revision = 2 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
