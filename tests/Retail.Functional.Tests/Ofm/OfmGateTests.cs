using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;
using Retail.Shared.Invocation;

namespace Retail.Functional.Tests.Ofm;

/// <summary>The role and status gates OFM gives every service.</summary>
public sealed class OfmGateTests(OfmHost host) : IClassFixture<OfmHost>
{
    [Fact]
    public async Task UC_OFM_002_a_viewer_reads_but_cannot_write_and_a_member_writes_but_cannot_invite()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        var viewer = host.Factory.NewUser("viewer");
        var member = host.Factory.NewUser("member");
        await owner.Join(orgcode, viewer, "viewer");
        await owner.Join(orgcode, member, "member");

        await viewer.Client.Post("/ofm/cost-centre/list", new { }, orgcode).Ok();
        await viewer.Client.Post("/ofm/cost-centre/create", new { cccode = "cc-1", name = "One" }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await viewer.Client.Post("/mrs/record", new { json = new { a = 1 } }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        await member.Client.Post("/ofm/cost-centre/create", new { cccode = "cc-1", name = "One" }, orgcode).Ok(HttpStatusCode.Created);
        await member.Client.Post("/ofm/member/invite/create", new { email = "x@example.com", role = "viewer" }, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
        // Master-data status is governance: admin and above.
        await member.Client.Post("/ofm/cost-centre/status/set", new { cccode = "cc-1", status = "inactive", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        // Nobody but the operator verifies an org, not even its owner.
        var pending = OfmSteps.NewOrgcode();
        await owner.Client.PostJsonAsync("/ofm/org/create", new { orgcode = pending, legal_name = "Pending Ltd" }).Ok(HttpStatusCode.Created);
        await owner.Client.SetOrgStatus(pending, "active", 1).Problem(HttpStatusCode.Forbidden, "forbidden");
        await member.Client.SetOrgStatus(orgcode, "suspended", 2).Problem(HttpStatusCode.Forbidden, "forbidden");
        // An admin cannot grant a role above their own.
        var admin = host.Factory.NewUser("admin");
        await owner.Join(orgcode, admin, "admin");
        await admin.Client.Post("/ofm/member/invite/create", new { email = "y@example.com", role = "owner" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await admin.Client.Post("/ofm/member/invite/create", new { email = "y@example.com", role = "admin" }, orgcode).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task UC_OFM_001_a_suspended_org_refuses_writes_in_another_service_but_members_still_read()
    {
        var owner = host.Factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await host.Operator.ActiveOrg(orgcode, owner.UserGuid);
        var record = await owner.Client.Post("/mrs/record", new { json = new { before = true } }, orgcode).Ok(HttpStatusCode.Created);
        var guid = record.GetProperty("record").GetProperty("record_guid").GetString();

        await owner.Client.SetOrgStatus(orgcode, "suspended", 2).Ok();
        await owner.Client.Post("/mrs/record", new { json = new { after = true } }, orgcode).Problem(HttpStatusCode.Forbidden, "org_not_active");
        await host.Operator.Post("/mrs/record", new { json = new { after = true } }, orgcode).Problem(HttpStatusCode.Forbidden, "org_not_active");
        await owner.Client.Post("/ofm/facility/physical/create", new { facility_code = "s", name = "S", time_zone = "UTC" }, orgcode)
            .Problem(HttpStatusCode.Forbidden, "org_not_active");
        var read = await owner.Client.Post("/mrs/record/get", new { record_guid = guid }, orgcode).Ok();
        Assert.True(read.GetProperty("json").GetProperty("before").GetBoolean());

        await host.Operator.SetOrgStatus(orgcode, "active", 3).Ok();
        await owner.Client.Post("/mrs/record", new { json = new { after = true } }, orgcode).Ok(HttpStatusCode.Created);
        // Frozen (offboarding) goes back to active (cancelled) or on to closed (purged), nowhere else.
        await host.Operator.SetOrgStatus(orgcode, "frozen", 4).Ok();
        await owner.Client.Post("/mrs/record", new { json = new { frozen = true } }, orgcode).Problem(HttpStatusCode.Forbidden, "org_not_active");
        await host.Operator.SetOrgStatus(orgcode, "suspended", 5).Problem(HttpStatusCode.Conflict, "invalid_transition");
        // An org nobody created is not found, even for the operator.
        await host.Operator.Post("/mrs/list", new { }, OfmSteps.NewOrgcode("ghost")).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_OFM_006_an_expired_grant_stops_working()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = OfmHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        using var @operator = factory.CreateOperatorClient();
        var owner = factory.NewUser("owner");
        var temp = factory.NewUser("temp");
        var orgcode = OfmSteps.NewOrgcode();
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        var member = await owner.Join(orgcode, temp, "member", clock.GetUtcNow().AddHours(8));
        var late = factory.NewUser("late");
        var lapsing = await owner.Client.Post("/ofm/member/invite/create", new { email = late.Email, role = "viewer" }, orgcode).Ok(HttpStatusCode.Created);
        await owner.Client.Post("/ofm/member/invite/create", new { email = late.Email, role = "viewer", grant_expires_at = clock.GetUtcNow().AddMinutes(-1) }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, member.GetProperty("grant_expires_at").ValueKind);

        await temp.Client.Post("/mrs/record", new { json = new { shift = 1 } }, orgcode).Ok(HttpStatusCode.Created);
        clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1));
        await temp.Client.Post("/mrs/record", new { json = new { shift = 2 } }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        await temp.Client.Post("/ofm/cost-centre/list", new { }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
        var resolved = await owner.Client.Post("/ofm/member/resolve", new { user_guid = temp.UserGuid }, orgcode).Ok();
        Assert.False(resolved.GetProperty("active").GetBoolean());
        Assert.Equal("none", resolved.GetProperty("role").GetString());

        // An invitation not accepted within 7 days lapses.
        clock.Advance(TimeSpan.FromDays(7));
        await late.Client.Post("/ofm/member/invite/accept", new { invite_guid = lapsing.GetProperty("invite_guid").GetString() }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "invite_expired");
    }

    [Fact]
    public async Task when_ofm_cannot_be_reached_other_services_refuse_org_scoped_requests()
    {
        var outage = new OfmOutage();
        await using var factory = OfmHost.Start(s => s.AddSingleton<IServiceInvoker>(sp => new FailingOfmInvoker(
            ActivatorUtilities.CreateInstance<Retail.Shared.Embedded.SelfHttpServiceInvoker>(sp), outage)));
        using var @operator = factory.CreateOperatorClient();
        var owner = factory.NewUser("owner");
        var orgcode = OfmSteps.NewOrgcode();
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        outage.Down = true;
        await owner.Client.Post("/mrs/list", new { }, orgcode).Problem(HttpStatusCode.ServiceUnavailable, "dependency_unavailable");
        outage.Down = false;
        await owner.Client.Post("/mrs/list", new { }, orgcode).Ok();
    }
}

internal sealed class OfmOutage
{
    public volatile bool Down;
}

/// <summary>Service invocation to OFM fails as a network outage does while the switch is down.</summary>
internal sealed class FailingOfmInvoker(IServiceInvoker inner, OfmOutage outage) : IServiceInvoker
{
    public Task<InvocationResponse> InvokeAsync(string appId, string path, object? body, InvocationOptions? options = null,
        CancellationToken cancellationToken = default) =>
        outage.Down && appId == "ofm"
            ? throw new DependencyUnavailableException("ofm")
            : inner.InvokeAsync(appId, path, body, options, cancellationToken);
}

/// <summary>Other processes learn of OFM's changes through its events: every module subscribes and clears its cache.</summary>
public sealed class DirectoryEventTests(OfmHost host) : IClassFixture<OfmHost>
{
    [Fact]
    public async Task an_org_status_event_clears_the_cached_directory_answers_of_that_org_in_every_module()
    {
        var services = host.Factory.Services;
        var diagnostics = services.GetRequiredService<Retail.Shared.Embedded.EventBusDiagnostics>();
        var subscribers = diagnostics.Subscribers().Where(s => s.Topics.Contains("org.status_changed")).Select(s => s.Id).ToList();
        Assert.Contains("/mrs/directory/events", subscribers);
        Assert.Contains("/uas/directory/events", subscribers);

        // A stale answer as another process would hold it, then OFM's event as it would arrive there.
        var cache = services.GetRequiredService<Retail.Shared.Contract.OrgDirectoryCache>();
        cache.Set("stale-org", "access|probe", "stale");
        cache.Set("fresh-org", "access|probe", "fresh");
        var bus = services.GetRequiredKeyedService<Retail.Shared.Events.IEventBus>("ofm");
        await bus.PublishAsync("org.status_changed", "org.status_changed", new { orgcode = "stale-org", from = "active", to = "suspended" },
            cancellationToken: TestContext.Current.CancellationToken);

        await Waits.UntilAsync(async () => await diagnostics.PendingCountAsync("ofm", TestContext.Current.CancellationToken) == 0,
            "OFM's outbox has delivered the event");
        Assert.Empty(await diagnostics.DeadLettersAsync("ofm", cancellationToken: TestContext.Current.CancellationToken));
        Assert.False(cache.TryGet<string>("stale-org", "access|probe", out _));
        Assert.True(cache.TryGet<string>("fresh-org", "access|probe", out _));
    }
}
