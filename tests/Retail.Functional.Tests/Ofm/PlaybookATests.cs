using System.Net;
using System.Security.Cryptography;
using System.Text;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;

namespace Retail.Functional.Tests.Ofm;

/// <summary>The seed's playbook A (greenfield org bootstrap), end to end through UAS, USM, OFM and MRS with real sessions.</summary>
public sealed class PlaybookATests
{
    [Fact]
    public async Task Playbook_A_UC_OFM_001_003_004_a_greenfield_org_is_bootstrapped_from_sign_up_to_resolvers()
    {
        await using var factory = new RetailHostFactory { Modules = OfmHost.Modules };
        using var anonymous = factory.CreateClient();
        using var @operator = factory.CreateOperatorClient();

        // UAS: owner identity, verified e-mail, passcode.
        var email = UasSteps.NewEmail();
        var user = await anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        var userGuid = user.GetProperty("user_guid").GetString()!;
        var verified = await anonymous.Verify(email, factory.Mailbox.LatestTokenFor(email)).Ok();
        await anonymous.SetPasscodeWithToken(email, UasSteps.FirstPasscode, verified.GetProperty("passcode_token").GetString()!).Ok();

        // USM: a session.
        var session = await anonymous.PostJsonAsync("/usm/session/create", new { email, passcode = UasSteps.FirstPasscode }).Ok(HttpStatusCode.Created);
        using var owner = factory.CreateClient();
        owner.DefaultRequestHeaders.Add("x-session-guid", session.GetProperty("session_guid").GetString());

        // OFM: the org, created by the owner and verified by the operator.
        var orgcode = OfmSteps.NewOrgcode("greenfield");
        var org = await owner.PostJsonAsync("/ofm/org/create", new { orgcode, legal_name = "Greenfield Retail GmbH" }).Ok(HttpStatusCode.Created);
        Assert.Equal(userGuid, org.GetProperty("primary_owner_guid").GetString());
        await @operator.SetOrgStatus(orgcode, "active", org.GetProperty("revision").GetInt64()).Ok();

        // Facilities and zones.
        await owner.Spine(orgcode, "store-berlin");
        await owner.Post("/ofm/zone/create", new { facility_code = "store-berlin", zone_code = "floor", name = "Sales floor" }, orgcode).Ok(HttpStatusCode.Created);
        await owner.Post("/ofm/cost-centre/create", new { cccode = "cc-stores", name = "Stores" }, orgcode).Ok(HttpStatusCode.Created);

        // The sales channel and its configuration, stored in MRS.
        await owner.Post("/ofm/sales-channel/create",
            new { channel_code = "pos-berlin", name = "Berlin tills", kind = "pos", market_code = "de", locale_codes = new[] { "de-DE" }, facility_code = "store-berlin" },
            orgcode).Ok(HttpStatusCode.Created);
        var gzip = OfmUseCaseTests.Gzip(Encoding.UTF8.GetBytes("""{"receipt_footer":"Danke!"}"""));
        var presigned = await owner.Post("/ofm/sales-channel/config/presign",
            new { channel_code = "pos-berlin", content_type = "application/json", size_bytes = gzip.Length, md5 = Convert.ToHexString(MD5.HashData(gzip)).ToLowerInvariant() },
            orgcode).Ok();
        using (var upload = await anonymous.PutAsync(new Uri(presigned.GetProperty("upload_url").GetString()!).PathAndQuery, new ByteArrayContent(gzip)))
        {
            Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
        }
        await owner.Post("/ofm/sales-channel/config/complete",
            new { channel_code = "pos-berlin", record_guid = presigned.GetProperty("record_guid").GetString(), expected_revision = 1 }, orgcode).Ok();

        // Every resolver answers.
        Assert.Equal("active", (await owner.Post("/ofm/resolve/orgcode", new { }, orgcode).Ok()).GetProperty("status").GetString());
        Assert.Equal("logical", (await owner.Post("/ofm/resolve/facility", new { facility_code = "store-berlin" }, orgcode).Ok()).GetProperty("facility_type").GetString());
        Assert.Equal("physical", (await owner.Post("/ofm/resolve/facility", new { facility_code = "site-1" }, orgcode).Ok()).GetProperty("facility_type").GetString());
        Assert.True((await owner.Post("/ofm/resolve/zone", new { facility_code = "store-berlin", zone_code = "floor" }, orgcode).Ok()).GetProperty("active").GetBoolean());
        Assert.True((await owner.Post("/ofm/resolve/cost-centre", new { cccode = "cc-stores" }, orgcode).Ok()).GetProperty("active").GetBoolean());
        var channel = await owner.Post("/ofm/sales-channel/resolve", new { channel_code = "pos-berlin" }, orgcode).Ok();
        Assert.True(channel.GetProperty("active").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, channel.GetProperty("record").GetProperty("config").ValueKind);
        // The context headers now pass in another service.
        await owner.PostJsonAsync("/mrs/record", new { json = new { opened = true } },
            OfmSteps.Org(orgcode, ("x-facility-code", "store-berlin"), ("x-channel-code", "pos-berlin"), ("x-cccode", "cc-stores"))).Ok(HttpStatusCode.Created);
    }
}
