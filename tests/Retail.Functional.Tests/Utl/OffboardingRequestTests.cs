using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Utl;

/// <summary>One host for the request-side tests (no workflow needs to finish): UTL with OFM only.</summary>
public sealed class UtlRequestHost() : ServiceHost([.. RetailHostFactory.Orgs, "mrs", "utl"]);

/// <summary>
/// Who may do what (UC-UTL-001/002): an owner requests an offboarding, an operator starts it (two people are needed to
/// destroy an org's data), an owner can cancel until the purge begins; one offboarding at a time; legal holds are the
/// operator's; every UTL endpoint is in the OpenAPI document.
/// </summary>
public sealed class OffboardingRequestTests(UtlRequestHost host) : IClassFixture<UtlRequestHost>
{
    private static readonly string[] Paths =
        ["/stat", "/offboarding/request", "/offboarding/cancel", "/offboarding/status", "/export/request", "/export/status", "/export/download", "/start",
            "/legal-hold/set"];

    [Fact]
    public async Task UC_UTL_001_a_member_cannot_request_an_owner_can_and_cannot_start_and_a_cancelled_request_leaves_the_org_active()
    {
        var (orgcode, owner, member, viewer) = await host.Factory.StaffedOrg(host.Operator, "utl");

        await member.Utl(orgcode, "/offboarding/request", new { reason = "leaving" }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Utl(orgcode, "/offboarding/status", new { }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await owner.Utl(orgcode, "/offboarding/request", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var requested = await owner.Utl(orgcode, "/offboarding/request", new { reason = "We are closing the shop." }).Ok(HttpStatusCode.Created);
        Assert.Equal(("requested", owner.UserGuid, 1L), (requested.Str("stage"), requested.Str("requested_by"), requested.Long("revision")));
        await owner.Utl(orgcode, "/offboarding/request", new { reason = "again" }).Problem(HttpStatusCode.Conflict, "offboarding_in_progress");

        // Starting is the operator's: the owner who asked cannot also start it.
        await owner.Utl(orgcode, "/start", new { expected_revision = 1 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await host.Operator.Utl(orgcode, "/start", new { }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await host.Operator.Utl(orgcode, "/start", new { expected_revision = 7 }).Problem(HttpStatusCode.Conflict, "revision_mismatch");

        var status = await owner.Utl(orgcode, "/offboarding/status", new { }).Ok();
        Assert.Equal("requested", status.GetProperty("offboarding").Str("stage"));
        Assert.Equal(JsonValueKind.Null, status.GetProperty("legal_hold").ValueKind);

        await member.Utl(orgcode, "/offboarding/cancel", new { expected_revision = 1 }).Problem(HttpStatusCode.Forbidden, "forbidden");
        var cancelled = await owner.Utl(orgcode, "/offboarding/cancel", new { expected_revision = 1 }).Ok();
        Assert.Equal(("cancelled", 2L), (cancelled.Str("stage"), cancelled.Long("revision")));
        await owner.Utl(orgcode, "/offboarding/cancel", new { expected_revision = 2 }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("active", await UtlSteps.OrgStatusAsync(host.Operator, orgcode));
        await owner.Client.Post("/mrs/record", new { json = new { still = "writable" } }, orgcode).Ok(HttpStatusCode.Created);

        // The org may ask again once the earlier request ended.
        await owner.Utl(orgcode, "/offboarding/request", new { reason = "Second thoughts." }).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task UC_UTL_002_only_owners_export_and_a_running_or_failed_export_has_nothing_to_download()
    {
        var (orgcode, owner, member, _) = await host.Factory.StaffedOrg(host.Operator, "utl");

        await member.Utl(orgcode, "/export/request", new { }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await owner.Utl(orgcode, "/export/request", new { services = new[] { "nope" } }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Utl(orgcode, "/export/status", new { }).Problem(HttpStatusCode.NotFound, "not_found");
        // This host has other services than the configured list: an export of one it lacks cannot complete.
        var export = await owner.Utl(orgcode, "/export/request", new { services = new[] { "scm" } }).Ok(HttpStatusCode.Created);
        Assert.Equal("running", export.Str("status"));
        Assert.Equal(["scm"], export.GetProperty("services").EnumerateArray().Select(s => s.Str("app")));
        await owner.Utl(orgcode, "/export/download", new { export_guid = export.Str("export_guid") })
            .Problem(HttpStatusCode.UnprocessableEntity, "export_not_ready");

        // Another org's export is not found.
        var (other, otherOwner, _, _) = await host.Factory.StaffedOrg(host.Operator, "utl");
        await otherOwner.Utl(other, "/export/status", new { export_guid = export.Str("export_guid") }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task legal_holds_are_set_and_lifted_by_the_operator_only_with_revisions()
    {
        var (orgcode, owner, _, _) = await host.Factory.StaffedOrg(host.Operator, "utl");

        await owner.Utl(orgcode, "/legal-hold/set", new { held = true, reason = "litigation" }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await host.Operator.Utl(orgcode, "/legal-hold/set", new { held = true }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var held = await host.Operator.Utl(orgcode, "/legal-hold/set", new { held = true, reason = "litigation" }).Ok();
        Assert.True(held.GetProperty("held").GetBoolean());
        await host.Operator.Utl(orgcode, "/legal-hold/set", new { held = false }).Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var lifted = await host.Operator.Utl(orgcode, "/legal-hold/set", new { held = false, expected_revision = 1 }).Ok();
        Assert.Equal((false, 2L), (lifted.GetProperty("held").GetBoolean(), lifted.Long("revision")));
        var status = await owner.Utl(orgcode, "/offboarding/status", new { }).Ok();
        Assert.False(status.GetProperty("legal_hold").GetProperty("held").GetBoolean());
    }

    [Fact]
    public async Task every_utl_endpoint_is_in_the_openapi_document()
    {
        using var client = host.Factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/openapi/utl.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in Paths)
        {
            Assert.True(paths.Contains($"/utl{path}") || paths.Contains(path), $"utl {path} is missing from /openapi/utl.json");
        }
    }
}
