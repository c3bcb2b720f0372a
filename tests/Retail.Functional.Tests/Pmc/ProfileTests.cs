using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Pmc;

/// <summary>UC-PMC-005, the profile side: a channel's publish profile is the default at revision 0 until an admin sets it.</summary>
public sealed class ProfileTests(PmcHost host) : IClassFixture<PmcHost>
{
    [Fact]
    public async Task UC_PMC_005_a_channel_profile_is_the_default_at_revision_0_until_set_and_then_keeps_its_revisions()
    {
        var org = await host.NewOrgAsync();
        var initial = await org.Post("/pmc/publish-profile/get", new { channel_code = "web" }).Ok();
        Assert.Equal(0, initial.Revision());
        Assert.Equal("web", initial.Text("channel_code"));
        Assert.True(initial.GetProperty("require_barcode").GetBoolean());
        Assert.True(initial.GetProperty("require_price").GetBoolean());
        Assert.Empty(initial.GetProperty("required_compliance").EnumerateArray());

        var set = await org.Post("/pmc/publish-profile/set", new
        {
            channel_code = "WEB",
            required_compliance = new[] { "hs_code", "materials" },
            required_media = new[] { "image", "size_chart" },
            require_barcode = false,
            facility_code = "store-2",
        }).Ok();
        Assert.Equal(1, set.Revision());
        var read = await org.Owner.Client.PostJsonAsync("/pmc/publish-profile/get", new { },
            Ofm.OfmSteps.Org(org.Orgcode, ("x-channel-code", "web"))).Ok();
        Assert.Equal(1, read.Revision());
        Assert.Equal(["hs_code", "materials"], read.GetProperty("required_compliance").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["image", "size_chart"], read.GetProperty("required_media").EnumerateArray().Select(e => e.GetString()));
        Assert.False(read.GetProperty("require_barcode").GetBoolean());
        Assert.Equal("store-2", read.Text("facility_code"));
        // pos keeps its default.
        Assert.Equal(0, (await org.Post("/pmc/publish-profile/get", new { channel_code = "pos" }).Ok()).Revision());

        await org.Post("/pmc/publish-profile/set", new { channel_code = "web" }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", expected_revision = 0 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var second = await org.Post("/pmc/publish-profile/set", new { channel_code = "web", expected_revision = 1 }).Ok();
        Assert.Equal(2, second.Revision());
        Assert.Empty(second.GetProperty("required_media").EnumerateArray());
    }

    [Fact]
    public async Task UC_PMC_005_a_profile_names_an_active_channel_known_compliance_attributes_mrs_tags_and_a_logical_facility()
    {
        var org = await host.NewOrgAsync();
        await org.Post("/pmc/publish-profile/set", new { channel_code = "nope" }).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", facility_code = "nope" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/pmc/publish-profile/set", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", required_compliance = new[] { "colour" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", required_media = new[] { "Not a tag!" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", required_media = Enumerable.Range(0, 11).Select(i => $"tag-{i}").ToArray() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post("/pmc/publish-profile/set", new { channel_code = "web", require_everything = true })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Owner.Client.PostJsonAsync("/pmc/publish-profile/get", new { channel_code = "web" },
            Ofm.OfmSteps.Org(org.Orgcode, ("x-channel-code", "pos"))).Problem(HttpStatusCode.BadRequest, "context_mismatch");
        // Nothing was written.
        Assert.Equal(0, (await org.Post("/pmc/publish-profile/get", new { channel_code = "web" }).Ok()).Revision());
    }
}
