using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;

namespace Retail.Functional.Tests.Ofm;

public sealed class OfmUseCaseTests(OfmHost host) : IClassFixture<OfmHost>
{
    [Fact]
    public async Task UC_OFM_001_a_user_creates_an_org_the_operator_verifies_it_and_it_is_suspended_and_restored()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        var created = await owner.Client.PostJsonAsync("/ofm/org/create", new { orgcode = "  " + orgcode.ToUpperInvariant(), legal_name = "Acme Retail GmbH" })
            .Ok(HttpStatusCode.Created);
        Assert.Equal(orgcode, created.GetProperty("orgcode").GetString());
        Assert.Equal("pending", created.GetProperty("status").GetString());
        Assert.Equal(owner.UserGuid, created.GetProperty("primary_owner_guid").GetString());
        Assert.Equal(1, created.GetProperty("revision").GetInt64());

        await owner.Client.PostJsonAsync("/ofm/org/create", new { orgcode, legal_name = "Someone else" }).Problem(HttpStatusCode.Conflict, "duplicate");
        await owner.Client.PostJsonAsync("/ofm/org/create", new { orgcode = "Not A Code!", legal_name = "x" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        // Only the operator verifies; a pending org takes no writes from its owner.
        await owner.Client.SetOrgStatus(orgcode, "active", 1).Problem(HttpStatusCode.Forbidden, "forbidden");
        await owner.Client.PostJsonAsync("/ofm/org/update", new { legal_name = "Acme", expected_revision = 1 }, OfmSteps.Org(orgcode))
            .Problem(HttpStatusCode.Forbidden, "org_not_active");
        var refused = await host.Operator.SetOrgStatus(orgcode, "suspended", 1).Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal("active", refused.GetProperty("allowed")[0].GetString());
        await host.Operator.SetOrgStatus(orgcode, "active", 7).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await host.Operator.PostJsonAsync("/ofm/org/status/set", new { status = "active" }, OfmSteps.Org(orgcode))
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");

        var active = await host.Operator.SetOrgStatus(orgcode, "active", 1).Ok();
        Assert.Equal("active", active.GetProperty("status").GetString());
        var updated = await owner.Client.PostJsonAsync("/ofm/org/update", new { display_name = "Acme", expected_revision = 2 }, OfmSteps.Org(orgcode)).Ok();
        Assert.Equal("Acme", updated.GetProperty("display_name").GetString());

        // The owner may suspend their own org; restoring it is the operator's.
        var suspended = await owner.Client.SetOrgStatus(orgcode, "suspended", 3).Ok();
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        await owner.Client.SetOrgStatus(orgcode, "active", 4).Problem(HttpStatusCode.Forbidden, "forbidden");
        var read = await owner.Client.PostJsonAsync("/ofm/org/get", new { orgcode }).Ok();
        Assert.Equal("suspended", read.GetProperty("status").GetString());
        var restored = await host.Operator.SetOrgStatus(orgcode, "active", 4).Ok();
        Assert.Equal("active", restored.GetProperty("status").GetString());
        Assert.Equal(5, restored.GetProperty("revision").GetInt64());

        var mine = await owner.Client.PostJsonAsync("/ofm/org/list", new { }).Ok();
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), o => o.GetProperty("orgcode").GetString() == orgcode);
        var stranger = host.Factory.NewUser("stranger");
        var theirs = await stranger.Client.PostJsonAsync("/ofm/org/list", new { }).Ok();
        Assert.Empty(theirs.GetProperty("items").EnumerateArray());
        await stranger.Client.PostJsonAsync("/ofm/org/get", new { orgcode }).Problem(HttpStatusCode.NotFound, "not_found");
        var resolved = await owner.Client.Post("/ofm/resolve/orgcode", new { }, orgcode).Ok();
        Assert.Equal("active", resolved.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UC_OFM_002_a_member_is_invited_accepts_with_their_own_session_is_assigned_to_a_store_and_an_invite_is_revoked()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        await owner.Client.Spine(orgcode);

        var clerk = host.Factory.NewUser("clerk");
        var invite = await owner.Client.Post("/ofm/member/invite/create", new { email = clerk.Email.ToUpperInvariant(), role = "member" }, orgcode)
            .Ok(HttpStatusCode.Created);
        var inviteGuid = invite.GetProperty("invite_guid").GetString();
        Assert.Equal("pending", invite.GetProperty("status").GetString());
        // Before accepting, the org is invisible to the clerk; someone else's session cannot accept.
        await clerk.Client.Post("/ofm/facility/logical/list", new { }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        var other = host.Factory.NewUser("other");
        await other.Client.Post("/ofm/member/invite/accept", new { invite_guid = inviteGuid }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");

        var member = await clerk.Client.Post("/ofm/member/invite/accept", new { invite_guid = inviteGuid }, orgcode).Ok();
        Assert.Equal("member", member.GetProperty("role").GetString());
        Assert.Equal(clerk.UserGuid, member.GetProperty("user_guid").GetString());
        await clerk.Client.Post("/ofm/member/invite/accept", new { invite_guid = inviteGuid }, orgcode).Problem(HttpStatusCode.UnprocessableEntity, "invite_not_pending");
        var logicals = await clerk.Client.Post("/ofm/facility/logical/list", new { }, orgcode).Ok();
        Assert.Single(logicals.GetProperty("items").EnumerateArray());

        // A member cannot invite; the admin assigns the member to the store.
        await clerk.Client.Post("/ofm/member/invite/create", new { email = "x@example.com", role = "viewer" }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        var assigned = await owner.Client.Post("/ofm/member/assign-logical",
            new { user_guid = clerk.UserGuid, facility_code = "store-1", expected_revision = member.GetProperty("revision").GetInt64() }, orgcode).Ok();
        Assert.Equal("store-1", assigned.GetProperty("logical_facility_codes")[0].GetString());
        await owner.Client.Post("/ofm/member/assign-logical",
            new { user_guid = clerk.UserGuid, facility_code = "nowhere", expected_revision = assigned.GetProperty("revision").GetInt64() }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var assignments = await clerk.Client.Post("/ofm/member/assignments", new { user_guid = clerk.UserGuid }, orgcode).Ok();
        Assert.Equal(["store-1"], assignments.GetProperty("logical_facility_codes").EnumerateArray().Select(c => c.GetString()));
        var resolved = await clerk.Client.Post("/ofm/member/resolve", new { email = clerk.Email }, orgcode).Ok();
        Assert.Equal("member", resolved.GetProperty("role").GetString());
        var ownerResolved = await clerk.Client.Post("/ofm/member/resolve", new { user_guid = owner.UserGuid }, orgcode).Ok();
        Assert.Equal("owner", ownerResolved.GetProperty("role").GetString());
        var detached = await owner.Client.Post("/ofm/member/detach-logical",
            new { user_guid = clerk.UserGuid, facility_code = "store-1", expected_revision = assigned.GetProperty("revision").GetInt64() }, orgcode).Ok();
        Assert.Empty(detached.GetProperty("logical_facility_codes").EnumerateArray());

        // Service accounts are assigned the same way.
        var account = Guid.CreateVersion7().ToString();
        var first = await owner.Client.Post("/ofm/service-account/assign-logical", new { service_account_guid = account, facility_code = "store-1" }, orgcode).Ok();
        Assert.Equal(1, first.GetProperty("revision").GetInt64());
        var listed = await clerk.Client.Post("/ofm/service-account/assignments", new { service_account_guid = account }, orgcode).Ok();
        Assert.Equal("store-1", listed.GetProperty("logical_facility_codes")[0].GetString());
        await owner.Client.Post("/ofm/service-account/detach-logical", new { service_account_guid = account, facility_code = "store-1", expected_revision = 1 }, orgcode).Ok();

        // A second invite is revoked and can no longer be accepted.
        var late = host.Factory.NewUser("late");
        var second = await owner.Client.Post("/ofm/member/invite/create", new { user_guid = late.UserGuid, role = "viewer" }, orgcode).Ok(HttpStatusCode.Created);
        var secondGuid = second.GetProperty("invite_guid").GetString();
        var revoked = await owner.Client.Post("/ofm/member/invite/revoke", new { invite_guid = secondGuid, expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        await late.Client.Post("/ofm/member/invite/accept", new { invite_guid = secondGuid }, orgcode).Problem(HttpStatusCode.UnprocessableEntity, "invite_not_pending");
        var pending = await owner.Client.Post("/ofm/member/invite/list", new { status = "revoked" }, orgcode).Ok();
        Assert.Single(pending.GetProperty("items").EnumerateArray());

        // Suspending the member takes their access away at once.
        var members = await owner.Client.Post("/ofm/member/list", new { }, orgcode).Ok();
        Assert.Single(members.GetProperty("items").EnumerateArray());
        await owner.Client.Post("/ofm/member/state/set",
            new { user_guid = clerk.UserGuid, state = "suspended", expected_revision = detached.GetProperty("revision").GetInt64() }, orgcode).Ok();
        await clerk.Client.Post("/ofm/facility/logical/list", new { }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_OFM_003_physical_legal_and_logical_facilities_and_zones_are_created_and_org_b_never_sees_them()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode("a");
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);

        await owner.Client.Post("/ofm/facility/physical/create", new { facility_code = "site-x", name = "Site", time_zone = "Mars/Olympus" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/ofm/facility/physical/create", new { facility_code = "site-x", name = "Site", time_zone = "Pacific Standard Time" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/ofm/facility/logical/create",
            new { facility_code = "store-1", name = "Store", kind = "store", physical_facility_code = "site-1", legal_facility_code = "entity-1" }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await owner.Client.Spine(orgcode);
        await owner.Client.Post("/ofm/facility/physical/create", new { facility_code = "SITE-1", name = "Again", time_zone = "UTC" }, orgcode)
            .Problem(HttpStatusCode.Conflict, "duplicate");
        await owner.Client.Post("/ofm/facility/logical/create",
            new { facility_code = "wh-1", name = "Warehouse", kind = "warehouse", physical_facility_code = "site-1", legal_facility_code = "entity-1" }, orgcode)
            .Ok(HttpStatusCode.Created);

        var physical = await owner.Client.Post("/ofm/facility/physical/get", new { facility_code = "site-1" }, orgcode).Ok();
        Assert.Equal("Europe/Berlin", physical.GetProperty("time_zone").GetString());
        var moved = await owner.Client.Post("/ofm/facility/physical/update",
            new { facility_code = "site-1", time_zone = "America/New_York", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal(2, moved.GetProperty("revision").GetInt64());
        var legal = await owner.Client.Post("/ofm/facility/legal/update", new { facility_code = "entity-1", registration_id = "HRB 1234", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("HRB 1234", legal.GetProperty("registration_id").GetString());
        var warehouses = await owner.Client.Post("/ofm/facility/logical/list", new { kind = "warehouse" }, orgcode).Ok();
        Assert.Equal("wh-1", warehouses.GetProperty("items")[0].GetProperty("facility_code").GetString());
        await owner.Client.Post("/ofm/facility/logical/update", new { facility_code = "wh-1", name = "Central warehouse", expected_revision = 1 }, orgcode).Ok();

        var zone = await owner.Client.Post("/ofm/zone/create", new { facility_code = "store-1", zone_code = "backroom", name = "Backroom" }, orgcode)
            .Ok(HttpStatusCode.Created);
        await owner.Client.Post("/ofm/zone/create", new { facility_code = "wh-1", zone_code = "backroom", name = "Backroom too" }, orgcode).Ok(HttpStatusCode.Created);
        await owner.Client.Post("/ofm/zone/create", new { facility_code = "store-1", zone_code = "backroom", name = "Twice" }, orgcode)
            .Problem(HttpStatusCode.Conflict, "duplicate");
        var zones = await owner.Client.Post("/ofm/zone/list", new { facility_code = "store-1" }, orgcode).Ok();
        Assert.Single(zones.GetProperty("items").EnumerateArray());
        var gotZone = await owner.Client.Post("/ofm/zone/get", new { zone_guid = zone.GetProperty("zone_guid").GetString() }, orgcode).Ok();
        Assert.Equal("backroom", gotZone.GetProperty("zone_code").GetString());
        var closed = await owner.Client.Post("/ofm/zone/status",
            new { facility_code = "store-1", zone_code = "backroom", status = "inactive", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("inactive", closed.GetProperty("status").GetString());
        var zoneResolved = await owner.Client.Post("/ofm/resolve/zone", new { facility_code = "store-1", zone_code = "backroom" }, orgcode).Ok();
        Assert.False(zoneResolved.GetProperty("active").GetBoolean());

        // The status lifecycle: retired is final.
        var retired = await owner.Client.Post("/ofm/facility/legal/status", new { facility_code = "entity-1", status = "retired", expected_revision = 2 }, orgcode).Ok();
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        var final = await owner.Client.Post("/ofm/facility/legal/status", new { facility_code = "entity-1", status = "active", expected_revision = 3 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Empty(final.GetProperty("allowed").EnumerateArray());
        var facility = await owner.Client.Post("/ofm/resolve/facility", new { facility_code = "store-1" }, orgcode).Ok();
        Assert.Equal("logical", facility.GetProperty("facility_type").GetString());

        // Org B (another owner) sees nothing of org A, and A's owner nothing of B.
        var other = host.Factory.NewUser("other");
        var orgB = OfmSteps.NewOrgcode("b");
        await host.Operator.ActiveOrg(orgB, other.UserGuid);
        await other.Client.Post("/ofm/facility/physical/get", new { facility_code = "site-1" }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Client.Post("/ofm/facility/physical/get", new { facility_code = "site-1" }, orgB).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Client.Post("/ofm/facility/physical/get", new { facility_guid = physical.GetProperty("facility_guid").GetString() }, orgB)
            .Problem(HttpStatusCode.NotFound, "not_found");
        var bList = await other.Client.Post("/ofm/facility/logical/list", new { }, orgB).Ok();
        Assert.Empty(bList.GetProperty("items").EnumerateArray());
        await owner.Client.Post("/ofm/facility/logical/list", new { }, orgB).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_OFM_004_a_sales_channel_is_created_its_config_uploaded_through_mrs_and_resolved()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        await owner.Client.Spine(orgcode);

        await owner.Client.Post("/ofm/sales-channel/create",
            new { channel_code = "web-de", name = "Web DE", kind = "ecom", market_code = "de", locale_codes = new[] { "de_DE!" } }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var channel = await owner.Client.Post("/ofm/sales-channel/create",
            new { channel_code = "web-de", name = "Web DE", kind = "ecom", market_code = "de", locale_codes = new[] { "de-de", "en-GB" }, currency = "eur", facility_code = "store-1" },
            orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal(["de-DE", "en-GB"], channel.GetProperty("locale_codes").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("de-DE", channel.GetProperty("default_locale").GetString());
        Assert.Equal("EUR", channel.GetProperty("currency").GetString());

        var config = Encoding.UTF8.GetBytes("""{"checkout":{"guest":true},"tenders":["card","paypal"]}""");
        var gzip = Gzip(config);
        var md5 = Convert.ToHexString(MD5.HashData(gzip)).ToLowerInvariant();
        var presigned = await owner.Client.Post("/ofm/sales-channel/config/presign",
            new { channel_code = "web-de", content_type = "application/json", size_bytes = gzip.Length, md5 }, orgcode).Ok();
        var url = new Uri(presigned.GetProperty("upload_url").GetString()!);
        Assert.Equal("PUT", presigned.GetProperty("method").GetString());
        using (var anonymous = host.Factory.CreateClient())
        {
            using var upload = await anonymous.PutAsync(url.PathAndQuery, new ByteArrayContent(gzip));
            Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
        }
        var configured = await owner.Client.Post("/ofm/sales-channel/config/complete",
            new { channel_code = "web-de", record_guid = presigned.GetProperty("record_guid").GetString(), expected_revision = 1 }, orgcode).Ok();
        Assert.Equal(gzip.Length, configured.GetProperty("config").GetProperty("size_bytes").GetInt64());
        Assert.Equal(md5, configured.GetProperty("config").GetProperty("md5").GetString());

        var resolved = await owner.Client.Post("/ofm/sales-channel/resolve", new { channel_code = "WEB-DE" }, orgcode).Ok();
        Assert.True(resolved.GetProperty("active").GetBoolean());
        Assert.Equal(presigned.GetProperty("record_guid").GetString(), resolved.GetProperty("record").GetProperty("config").GetProperty("record_guid").GetString());
        var updated = await owner.Client.Post("/ofm/sales-channel/update", new { channel_code = "web-de", name = "Web shop DE", expected_revision = 2 }, orgcode).Ok();
        Assert.Equal("Web shop DE", updated.GetProperty("name").GetString());
        var listed = await owner.Client.Post("/ofm/sales-channel/list", new { kind = "ecom" }, orgcode).Ok();
        Assert.Single(listed.GetProperty("items").EnumerateArray());
        var paused = await owner.Client.Post("/ofm/sales-channel/status", new { channel_code = "web-de", status = "inactive", expected_revision = 3 }, orgcode).Ok();
        Assert.Equal("inactive", paused.GetProperty("status").GetString());
        Assert.False((await owner.Client.Post("/ofm/sales-channel/get", new { channel_code = "web-de" }, orgcode).Ok()).GetProperty("status").GetString() == "active");

        // A tampered upload is refused at complete.
        var bad = await owner.Client.Post("/ofm/sales-channel/config/presign",
            new { channel_code = "web-de", content_type = "application/json", size_bytes = gzip.Length, md5 = new string('0', 32) }, orgcode).Ok();
        using (var anonymous = host.Factory.CreateClient())
        {
            using var upload = await anonymous.PutAsync(new Uri(bad.GetProperty("upload_url").GetString()!).PathAndQuery, new ByteArrayContent(gzip));
            Assert.Equal(HttpStatusCode.NoContent, upload.StatusCode);
        }
        await owner.Client.Post("/ofm/sales-channel/config/complete",
            new { channel_code = "web-de", record_guid = bad.GetProperty("record_guid").GetString(), expected_revision = 4 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "md5_mismatch");
    }

    [Fact]
    public async Task UC_OFM_005_a_cost_centre_is_created_updated_and_its_status_set_and_the_cccode_header_is_checked()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);

        var created = await owner.Client.Post("/ofm/cost-centre/create", new { cccode = "CC-Retail", name = "Retail" }, orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal("cc-retail", created.GetProperty("cccode").GetString());
        await owner.Client.Post("/ofm/cost-centre/create", new { cccode = "cc-stores", name = "Stores", parent_cccode = "cc-retail" }, orgcode).Ok(HttpStatusCode.Created);
        await owner.Client.Post("/ofm/cost-centre/update", new { cccode = "cc-retail", name = "Retail ops" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await owner.Client.Post("/ofm/cost-centre/update", new { cccode = "cc-retail", name = "Retail ops", expected_revision = 9 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        var updated = await owner.Client.Post("/ofm/cost-centre/update", new { cccode = "cc-retail", name = "Retail ops", expected_revision = 1 }, orgcode).Ok();
        Assert.Equal("Retail ops", updated.GetProperty("name").GetString());
        var got = await owner.Client.Post("/ofm/cost-centre/get", new { cost_centre_guid = created.GetProperty("cost_centre_guid").GetString() }, orgcode).Ok();
        Assert.Equal(2, got.GetProperty("revision").GetInt64());
        Assert.Equal(2, (await owner.Client.Post("/ofm/cost-centre/list", new { }, orgcode).Ok()).GetProperty("items").GetArrayLength());

        // The context header is checked against OFM in another service (MRS): known and active passes.
        var withCc = OfmSteps.Org(orgcode, ("x-cccode", "cc-retail"));
        using (var ok = await owner.Client.PostJsonAsync("/mrs/record", new { json = new { a = 1 } }, withCc))
        {
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }
        await owner.Client.PostJsonAsync("/mrs/record", new { json = new { a = 1 } }, OfmSteps.Org(orgcode, ("x-cccode", "cc-nope")))
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var inactive = await owner.Client.Post("/ofm/cost-centre/status/set", new { cccode = "cc-retail", status = "inactive", expected_revision = 2 }, orgcode).Ok();
        Assert.Equal("inactive", inactive.GetProperty("status").GetString());
        var refused = await owner.Client.PostJsonAsync("/mrs/record", new { json = new { a = 1 } }, withCc).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(refused.GetProperty("errors").TryGetProperty("x-cccode", out _));
        await owner.Client.PostJsonAsync("/mrs/record", new { json = new { a = 1 } }, OfmSteps.Org(orgcode, ("x-facility-code", "no-store")))
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var resolved = await owner.Client.Post("/ofm/resolve/cost-centre", new { cccode = "cc-retail" }, orgcode).Ok();
        Assert.False(resolved.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task UC_OFM_006_the_operator_sets_the_primary_owner_and_owners_manage_secondary_owners()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        var org = await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        var deputy = host.Factory.NewUser("deputy");
        var successor = host.Factory.NewUser("successor");

        var added = await owner.Client.Post("/ofm/owner/secondary/add", new { user_guid = deputy.UserGuid, expected_revision = 2 }, orgcode).Ok();
        await owner.Client.Post("/ofm/owner/secondary/add", new { user_guid = deputy.UserGuid, expected_revision = 3 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "duplicate");
        var owners = await deputy.Client.Post("/ofm/owner/list", new { }, orgcode).Ok();
        Assert.Equal(2, owners.GetProperty("items").GetArrayLength());

        // Only the operator sets the primary owner.
        await owner.Client.Post("/ofm/owner/primary/set", new { user_guid = successor.UserGuid, expected_revision = 3 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var moved = await host.Operator.Post("/ofm/owner/primary/set", new { user_guid = successor.UserGuid, expected_revision = 3 }, orgcode).Ok();
        Assert.Equal(successor.UserGuid, moved.GetProperty("primary_owner_guid").GetString());
        await successor.Client.Post("/ofm/owner/secondary/remove", new { user_guid = successor.UserGuid, expected_revision = 4 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "owner_required");

        var suspendedDeputy = await successor.Client.Post("/ofm/owner/state/set", new { user_guid = deputy.UserGuid, state = "suspended", expected_revision = 4 }, orgcode).Ok();
        Assert.Contains(suspendedDeputy.GetProperty("secondary_owners").EnumerateArray(), o => o.GetProperty("state").GetString() == "suspended");
        await deputy.Client.Post("/ofm/owner/list", new { }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        var removed = await successor.Client.Post("/ofm/owner/secondary/remove", new { user_guid = owner.UserGuid, expected_revision = 5 }, orgcode).Ok();
        Assert.DoesNotContain(removed.GetProperty("secondary_owners").EnumerateArray(), o => o.GetProperty("user_guid").GetString() == owner.UserGuid);
        await owner.Client.Post("/ofm/owner/list", new { }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(2, org.GetProperty("revision").GetInt64());
        Assert.Equal(3, added.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task UC_OFM_005_teams_are_created_and_their_members_listed_both_ways()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        var viewer = host.Factory.NewUser("viewer");
        await owner.Join(orgcode, viewer, "viewer");

        await viewer.Client.Post("/ofm/team/create", new { team_code = "crew", name = "Crew" }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        var team = await owner.Client.Post("/ofm/team/create", new { team_code = "crew", name = "Crew" }, orgcode).Ok(HttpStatusCode.Created);
        var withMember = await owner.Client.Post("/ofm/team/member/add", new { team_code = "crew", user_guid = viewer.UserGuid, expected_revision = 1 }, orgcode).Ok();
        Assert.Equal(2, withMember.GetProperty("revision").GetInt64());
        var members = await viewer.Client.Post("/ofm/team/members", new { team_code = "crew" }, orgcode).Ok();
        Assert.Equal(viewer.UserGuid, members.GetProperty("items")[0].GetProperty("user_guid").GetString());
        Assert.Equal(1, members.GetProperty("member_count").GetInt32());
        var byMember = await viewer.Client.Post("/ofm/team/by-member", new { user_guid = viewer.UserGuid }, orgcode).Ok();
        Assert.Equal("crew", byMember.GetProperty("items")[0].GetProperty("team_code").GetString());
        await owner.Client.Post("/ofm/team/update", new { team_guid = team.GetProperty("team_guid").GetString(), name = "Store crew", expected_revision = 2 }, orgcode).Ok();
        await owner.Client.Post("/ofm/team/member/remove", new { team_code = "crew", user_guid = viewer.UserGuid, expected_revision = 3 }, orgcode).Ok();
        var status = await owner.Client.Post("/ofm/team/status", new { team_code = "crew", status = "inactive", expected_revision = 4 }, orgcode).Ok();
        Assert.Equal("inactive", status.GetProperty("status").GetString());
        var list = await viewer.Client.Post("/ofm/team/list", new { status = "inactive" }, orgcode).Ok();
        Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Empty((await viewer.Client.Post("/ofm/team/by-member", new { user_guid = viewer.UserGuid }, orgcode).Ok()).GetProperty("items").EnumerateArray());
        Assert.Equal(0, (await viewer.Client.Post("/ofm/team/get", new { team_code = "crew" }, orgcode).Ok()).GetProperty("member_count").GetInt32());
        Assert.Empty((await viewer.Client.Post("/ofm/team/members", new { team_code = "crew" }, orgcode).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task racing_accepts_of_two_invites_for_one_user_make_one_membership_and_a_duplicate_never_a_revision_mismatch()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        var invitee = host.Factory.NewUser("invitee");
        var invites = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var invite = await owner.Client.Post("/ofm/member/invite/create", new { email = invitee.Email, role = "viewer" }, orgcode).Ok(HttpStatusCode.Created);
            invites.Add(invite.GetProperty("invite_guid").GetString()!);
        }
        var answers = await Task.WhenAll(invites.Select(async guid =>
        {
            using var response = await invitee.Client.Post("/ofm/member/invite/accept", new { invite_guid = guid }, orgcode);
            return ((int)response.StatusCode, await response.ProblemCodeAsync());
        }));
        Assert.Contains(answers, a => a.Item1 == 200);
        // A lost race is a duplicate membership (or a stale member, re-read); it never half-writes either record.
        Assert.All(answers.Where(a => a.Item1 != 200), a => Assert.Contains(a.Item2, new[] { "duplicate", "revision_mismatch" }));
        Assert.DoesNotContain(answers, a => a.Item1 >= 500);
        var members = await owner.Client.Post("/ofm/member/list", new { }, orgcode).Ok();
        Assert.Single(members.GetProperty("items").EnumerateArray(), m => m.GetProperty("user_guid").GetString() == invitee.UserGuid);
        // Every invite whose acceptance failed is still pending: the member and the invite were written together or not at all.
        var accepted = answers.Count(a => a.Item1 == 200);
        var list = await owner.Client.Post("/ofm/member/invite/list", new { status = "accepted" }, orgcode).Ok();
        Assert.Equal(accepted, list.GetProperty("items").GetArrayLength());
    }

    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }
}
