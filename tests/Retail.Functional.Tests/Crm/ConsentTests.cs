using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-001: consent capture per purpose, its history, and the index an export reads ("consent gates exports").</summary>
public sealed class ConsentTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task UC_CRM_001_a_customer_is_created_and_consent_is_captured_per_purpose_with_every_change_kept()
    {
        var org = await host.NewOrgAsync();
        var customer = await org.CustomerAsync("consent@example.com");
        var guid = customer.Text("customer_guid")!;

        var empty = await org.Post(org.Viewer, "/crm/customer/consent/get", new { customer_guid = guid }).Ok();
        Assert.Equal(0L, empty.Revision());
        Assert.Empty(empty.GetProperty("purposes").EnumerateArray());

        var signedAt = DateTimeOffset.UtcNow.AddDays(-2);
        var granted = await Set(org, guid, "marketing_email", "granted", "web_signup", "2026-11", signedAt).Ok();
        Assert.Equal(1L, granted.Revision());
        Assert.Equal(new[] { "marketing_email" }, Strings(granted.GetProperty("granted")));
        var entry = granted.GetProperty("purposes")[0];
        Assert.Equal(("granted", "web_signup", "2026-11"), (entry.Text("status"), entry.Text("source"), entry.Text("text_version")));
        Assert.Equal(signedAt.ToUnixTimeSeconds(), entry.GetProperty("captured_at").GetDateTimeOffset().ToUnixTimeSeconds());

        await Set(org, guid, "data_sharing", "granted", "pos", "v3").Ok();
        var withdrawn = await Set(org, guid, "marketing_email", "withdrawn", "email_link", "2026-11").Ok();
        Assert.Equal(3L, withdrawn.Revision());
        Assert.Equal(new[] { "data_sharing" }, Strings(withdrawn.GetProperty("granted")));

        var read = await org.Post(org.Viewer, "/crm/customer/consent/get", new { customer_guid = guid, history = true }).Ok();
        Assert.Equal(new[] { "marketing_email", "data_sharing" }, read.GetProperty("purposes").EnumerateArray().Select(p => p.Text("purpose")));
        var history = read.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(new[] { ("marketing_email", "withdrawn", "granted"), ("data_sharing", "granted", (string?)null), ("marketing_email", "granted", null) },
            history.Select(h => (h.Text("purpose")!, h.Text("status")!, h.Text("previous"))));
        Assert.All(history, h => Assert.Equal(org.Clerk.UserGuid, h.Text("recorded_by")));

        var page = await org.Post(org.Viewer, "/crm/customer/consent/get", new { customer_guid = guid, history = true, limit = 2 }).Ok();
        var next = await org.Post(org.Viewer, "/crm/customer/consent/get",
            new { customer_guid = guid, history = true, limit = 2, next_token = page.GetProperty("next_token").GetString() }).Ok();
        Assert.Equal(3, page.GetProperty("history").GetArrayLength() + next.GetProperty("history").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, next.GetProperty("next_token").ValueKind);
    }

    [Fact]
    public async Task UC_CRM_001_consent_gates_exports_through_an_index_of_customers_who_granted_a_purpose()
    {
        var org = await host.NewOrgAsync();
        var ada = (await org.CustomerAsync("ada@example.com")).Text("customer_guid")!;
        var grace = (await org.CustomerAsync("grace@example.com")).Text("customer_guid")!;
        await org.CustomerAsync("nobody@example.com");
        await Set(org, ada, "data_sharing", "granted", "web", "v1").Ok();
        await Set(org, grace, "data_sharing", "granted", "web", "v1").Ok();
        await Set(org, grace, "profiling", "granted", "web", "v1").Ok();

        Assert.Equal(new[] { ada, grace }.Order(), CustomerTests.Found(await List(org, "data_sharing")).Order());
        Assert.Equal(new[] { grace }, CustomerTests.Found(await List(org, "profiling")));
        await Set(org, ada, "data_sharing", "withdrawn", "support_call", "v1").Ok();
        Assert.Equal(new[] { grace }, CustomerTests.Found(await List(org, "data_sharing")));
        Assert.Empty(CustomerTests.Found(await List(org, "marketing_sms")));

        using var scope = host.Factory.Services.CreateScope();
        var consents = scope.ServiceProvider.GetRequiredService<ICustomerConsents>();
        Assert.True(await consents.AllowsAsync(org.Orgcode, grace, ConsentPurpose.DataSharing));
        Assert.False(await consents.AllowsAsync(org.Orgcode, ada, ConsentPurpose.DataSharing));
        Assert.False(await consents.AllowsAsync(org.Orgcode, ada, ConsentPurpose.MarketingEmail));
    }

    [Fact]
    public async Task UC_CRM_001_consent_refuses_bad_purposes_unknown_customers_future_captures_and_stale_revisions()
    {
        var org = await host.NewOrgAsync();
        var guid = (await org.CustomerAsync("refuse@example.com")).Text("customer_guid")!;

        await Set(org, guid, "telepathy", "granted", "web", "v1").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Set(org, guid, "profiling", "maybe", "web", "v1").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Set(org, guid, "profiling", "granted", "Not A Code!", "v1").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/customer/consent/set", new { customer_guid = guid, purpose = "profiling", status = "granted", source = "web" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Set(org, guid, "profiling", "granted", "web", "v1", DateTimeOffset.UtcNow.AddDays(1)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Set(org, Guid.NewGuid().ToString(), "profiling", "granted", "web", "v1").Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Viewer, "/crm/customer/consent/get", new { customer_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");

        await org.Post(org.Clerk, "/crm/customer/consent/set", new
        {
            customer_guid = guid, purpose = "profiling", status = "granted", source = "web", text_version = "v1", expected_revision = 0,
        }).Ok();
        var stale = await org.Post(org.Clerk, "/crm/customer/consent/set", new
        {
            customer_guid = guid, purpose = "profiling", status = "withdrawn", source = "web", text_version = "v1", expected_revision = 0,
        }).Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(1L, stale.GetProperty("current_revision").GetInt64());
        var read = await org.Post(org.Viewer, "/crm/customer/consent/get", new { customer_guid = guid }).Ok();
        Assert.Equal(new[] { "profiling" }, Strings(read.GetProperty("granted")));
    }

    [Fact]
    public async Task UC_CRM_001_concurrent_consent_captures_are_all_kept()
    {
        var org = await host.NewOrgAsync();
        var guid = (await org.CustomerAsync("race@example.com")).Text("customer_guid")!;
        string[] purposes = ["marketing_email", "marketing_sms", "data_sharing", "profiling"];
        var answers = await Task.WhenAll(purposes.Select(p => Set(org, guid, p, "granted", "web", "v1")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));

        var read = await org.Post(org.Viewer, "/crm/customer/consent/get", new { customer_guid = guid, history = true }).Ok();
        Assert.Equal(purposes.Order(), Strings(read.GetProperty("granted")).Order());
        Assert.Equal((4L, 4), (read.Revision(), read.GetProperty("history").GetArrayLength()));
    }

    internal static Task<HttpResponseMessage> Set(CrmOrg org, string customerGuid, string purpose, string status, string source, string textVersion,
        DateTimeOffset? capturedAt = null) =>
        org.Post(org.Clerk, "/crm/customer/consent/set",
            new { customer_guid = customerGuid, purpose, status, source, text_version = textVersion, captured_at = capturedAt });

    private static Task<JsonElement> List(CrmOrg org, string purpose) => org.Post(org.Viewer, "/crm/customer/list", new { consent = purpose }).Ok();

    private static IEnumerable<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();
}
