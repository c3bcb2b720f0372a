using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Utl;

/// <summary>
/// The whole of UC-UTL-001/002 over HTTP against every data-holding module of the host and their org-data ports: an export
/// downloaded and checked file by file, then export → verify → freeze → cooling-off → purge → verify → close with the
/// certificate; another org seeded the same way keeps every record byte for byte (its org data read through the port). A legal hold holds the purge at on_hold; a cancel in
/// the cooling-off period returns the org to active.
/// </summary>
public sealed class OffboardingFlowTests
{
    [Fact]
    public async Task UC_UTL_001_002_an_org_is_exported_frozen_purged_and_certified_and_another_org_keeps_everything()
    {
        await using var factory = UtlHost.Start(TimeSpan.FromSeconds(3));
        using var @operator = factory.CreateOperatorClient();
        var leaving = await UtlSteps.SeededOrgAsync(factory, @operator, "leave");
        var staying = await UtlSteps.SeededOrgAsync(factory, @operator, "stay");
        var stayingBefore = await UtlSteps.SettledOrgDataAsync(factory, @operator, staying.Orgcode);

        // Export, download through the signed URL, check every file.
        var requested = await leaving.Owner.Utl(leaving.Orgcode, "/export/request", new { }).Ok(HttpStatusCode.Created);
        var export = await UtlSteps.CompletedExportAsync(@operator, leaving.Orgcode, requested.Str("export_guid"));
        var items = await UtlSteps.DownloadExportAsync(factory, @operator, leaving.Orgcode, export.Str("export_guid"));
        Assert.Equal(UtlHost.DataModules.Order(), items.Keys.Order());
        foreach (var app in new[] { "pvm", "ppm", "ics", "scm", "crm", "mrs", "ofm" })
        {
            Assert.True(items[app].Count > 0, $"{app} exported nothing");
        }
        Assert.Contains(items["crm"], i => i.GetRawText().Contains("Hopper", StringComparison.Ordinal));
        Assert.DoesNotContain(items.Values.SelectMany(l => l), i => i.GetRawText().Contains(staying.Orgcode, StringComparison.Ordinal));

        // Offboarding: the owner asks, the operator starts.
        var request = await leaving.Owner.Utl(leaving.Orgcode, "/offboarding/request", new { reason = "Closing down." }).Ok(HttpStatusCode.Created);
        await leaving.Owner.Utl(leaving.Orgcode, "/start", new { expected_revision = request.Long("revision") }).Problem(HttpStatusCode.Forbidden, "forbidden");
        var started = await @operator.Utl(leaving.Orgcode, "/start", new { expected_revision = request.Long("revision") }).Ok();
        Assert.Equal("exporting", started.Str("stage"));

        // Frozen: writes refused everywhere, reads still work.
        await Waits.UntilAsync(async () => await UtlSteps.OrgStatusAsync(@operator, leaving.Orgcode) is "frozen" or "closed", "the org frozen");
        if (await UtlSteps.OrgStatusAsync(@operator, leaving.Orgcode) == "frozen")
        {
            await leaving.Post("/mrs/record", new { json = new { late = true } }).Problem(HttpStatusCode.Forbidden, "org_not_active");
            await leaving.Post("/pvm/variant/list", new { style_code = "tee" }).Ok();
        }

        var view = await UtlSteps.OffboardingAtAsync(@operator, leaving.Orgcode, "purged");
        var offboarding = view.GetProperty("offboarding");
        var certificate = offboarding.GetProperty("certificate");
        Assert.Equal((leaving.Owner.UserGuid, "Closing down."), (certificate.Str("requested_by"), certificate.Str("reason")));
        Assert.False(string.IsNullOrEmpty(certificate.Str("started_by")));
        Assert.Equal(export.Str("export_guid"), certificate.Str("export_guid"));
        Assert.Equal(export.Str("manifest_sha256"), certificate.Str("manifest_sha256"));
        var purged = certificate.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(UtlHost.DataModules.Order(), purged.Select(p => p.Str("app")).Order());
        Assert.All(purged, p => Assert.Equal(0, p.GetProperty("remaining").GetInt64()));
        Assert.True(purged.Sum(p => p.Long("deleted")) > 0);
        Assert.Equal("closed", await UtlSteps.OrgStatusAsync(@operator, leaving.Orgcode));

        // The other org keeps every record, byte for byte, and nothing of the leaving org is left anywhere.
        Assert.Equal("active", await UtlSteps.OrgStatusAsync(@operator, staying.Orgcode));
        await UtlSteps.AssertOrgDataUnchangedAsync(@operator, staying.Orgcode, stayingBefore);
        // Every service but OFM verifies zero afterwards too. OFM is left out: the org is closed after the purge's verify, and
        // that close leaves its own idempotency replay and org.status_changed event of the org in OFM.
        Assert.DoesNotContain(await UtlSteps.RemainingAsync(@operator, leaving.Orgcode), left => left.Key != "ofm" && left.Value != 0);
        await staying.Post("/mrs/record", new { json = new { still = "writable" } }).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task UC_UTL_001_a_legal_hold_stops_the_purge_at_on_hold_until_it_is_lifted()
    {
        await using var factory = UtlHost.Start(TimeSpan.FromSeconds(1));
        using var @operator = factory.CreateOperatorClient();
        var org = await UtlSteps.SeededOrgAsync(factory, @operator, "hold");
        var before = await UtlSteps.ReadsAsync(org);
        var hold = await @operator.Utl(org.Orgcode, "/legal-hold/set", new { held = true, reason = "Litigation pending." }).Ok();

        var request = await org.Owner.Utl(org.Orgcode, "/offboarding/request", new { reason = "Closing down." }).Ok(HttpStatusCode.Created);
        await @operator.Utl(org.Orgcode, "/start", new { expected_revision = request.Long("revision") }).Ok();
        var held = await UtlSteps.OffboardingAtAsync(@operator, org.Orgcode, "on_hold");
        Assert.True(held.GetProperty("legal_hold").GetProperty("held").GetBoolean());
        Assert.Equal("frozen", await UtlSteps.OrgStatusAsync(@operator, org.Orgcode));
        Assert.Equal(before, await UtlSteps.ReadsAsync(org));

        await @operator.Utl(org.Orgcode, "/legal-hold/set", new { held = false, expected_revision = hold.Long("revision") }).Ok();
        await UtlSteps.OffboardingAtAsync(@operator, org.Orgcode, "purged");
        Assert.Equal("closed", await UtlSteps.OrgStatusAsync(@operator, org.Orgcode));
    }

    [Fact]
    public async Task UC_UTL_001_a_cancel_in_the_cooling_off_period_returns_the_org_to_active_with_its_data()
    {
        await using var factory = UtlHost.Start(TimeSpan.FromHours(1));
        using var @operator = factory.CreateOperatorClient();
        var org = await UtlSteps.SeededOrgAsync(factory, @operator, "cancel");
        var before = await UtlSteps.ReadsAsync(org);

        var request = await org.Owner.Utl(org.Orgcode, "/offboarding/request", new { reason = "Closing down." }).Ok(HttpStatusCode.Created);
        await @operator.Utl(org.Orgcode, "/start", new { expected_revision = request.Long("revision") }).Ok();
        var cooling = (await UtlSteps.OffboardingAtAsync(@operator, org.Orgcode, "cooling_off")).GetProperty("offboarding");
        Assert.Equal("frozen", await UtlSteps.OrgStatusAsync(@operator, org.Orgcode));
        await org.Post("/mrs/record", new { json = new { late = true } }).Problem(HttpStatusCode.Forbidden, "org_not_active");

        // Cancel works while the org is frozen (it is not a write to the org's data).
        var cancelled = await org.Owner.Utl(org.Orgcode, "/offboarding/cancel", new { expected_revision = cooling.Long("revision") }).Ok();
        Assert.Equal("cancelled", cancelled.Str("stage"));
        await Waits.UntilAsync(async () => await UtlSteps.OrgStatusAsync(@operator, org.Orgcode) == "active", "the org active again");
        await org.Post("/mrs/record", new { json = new { back = true } }).Ok(HttpStatusCode.Created);
        Assert.Equal(before, await UtlSteps.ReadsAsync(org));
        var status = await org.Owner.Utl(org.Orgcode, "/offboarding/status", new { }).Ok();
        Assert.Equal("cancelled", status.GetProperty("offboarding").Str("stage"));
    }
}
