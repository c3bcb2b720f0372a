using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>Customer flags (vip, do_not_contact, …): set with a note, cleared, listed with who and when, and customers listed by flag.</summary>
public sealed class FlagTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task Flags_are_set_with_a_note_shown_on_the_customer_listed_with_who_and_when_and_cleared_with_history()
    {
        var org = await host.NewOrgAsync();
        var guid = (await org.CustomerAsync("flags@example.com")).Text("customer_guid")!;

        var vip = await SetFlag(org, guid, " VIP ", note: "top 1% spend").Ok();
        Assert.Equal(1L, vip.Revision());
        var flag = vip.GetProperty("flags")[0];
        Assert.Equal(("vip", "top 1% spend", org.Clerk.UserGuid), (flag.Text("code"), flag.Text("note"), flag.Text("set_by")));
        await SetFlag(org, guid, "do_not_contact", note: "asked by phone").Ok();

        var customer = await org.Post(org.Viewer, "/crm/customer/get", new { customer_guid = guid }).Ok();
        Assert.Equal(new[] { "vip", "do_not_contact" }, customer.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(1L, customer.Revision());

        var cleared = await SetFlag(org, guid, "vip", set: false, note: "downgraded").Ok();
        Assert.Equal(new[] { "do_not_contact" }, cleared.GetProperty("flags").EnumerateArray().Select(f => f.Text("code")));
        // Clearing what is not set changes nothing.
        var again = await SetFlag(org, guid, "vip", set: false).Ok();
        Assert.Equal(3L, again.Revision());

        var listed = await org.Post(org.Viewer, "/crm/customer/flag/list", new { customer_guid = guid, history = true }).Ok();
        Assert.Equal(new[] { "do_not_contact" }, listed.GetProperty("flags").EnumerateArray().Select(f => f.Text("code")));
        Assert.Equal(new[] { ("vip", "cleared"), ("do_not_contact", "set"), ("vip", "set") },
            listed.GetProperty("history").EnumerateArray().Select(h => (h.Text("code")!, h.Text("action")!)));
        Assert.All(listed.GetProperty("history").EnumerateArray(), h => Assert.Equal(org.Clerk.UserGuid, h.Text("by")));
    }

    [Fact]
    public async Task Customers_are_listed_by_flag_through_the_flag_index()
    {
        var org = await host.NewOrgAsync();
        var ada = (await org.CustomerAsync("ada@example.com")).Text("customer_guid")!;
        var grace = (await org.CustomerAsync("grace@example.com")).Text("customer_guid")!;
        await org.CustomerAsync("plain@example.com");
        await SetFlag(org, ada, "vip").Ok();
        await SetFlag(org, grace, "vip").Ok();
        await SetFlag(org, grace, "do_not_contact").Ok();

        Assert.Equal(new[] { ada, grace }.Order(), CustomerTests.Found(await ByFlag(org, "vip")).Order());
        Assert.Equal(new[] { grace }, CustomerTests.Found(await ByFlag(org, "DO_NOT_CONTACT")));
        var first = await org.Post(org.Viewer, "/crm/customer/list", new { flag = "vip", limit = 1 }).Ok();
        var second = await org.Post(org.Viewer, "/crm/customer/list", new { flag = "vip", limit = 1, next_token = first.GetProperty("next_token").GetString() }).Ok();
        Assert.Equal(new[] { ada, grace }.Order(), CustomerTests.Found(first).Concat(CustomerTests.Found(second)).Order());
        var shown = (await ByFlag(org, "do_not_contact")).GetProperty("items")[0];
        Assert.Equal(new[] { "vip", "do_not_contact" }, shown.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        await SetFlag(org, ada, "vip", set: false).Ok();
        Assert.Equal(new[] { grace }, CustomerTests.Found(await ByFlag(org, "vip")));
        Assert.Empty(CustomerTests.Found(await ByFlag(org, "blocked")));
    }

    [Fact]
    public async Task Flags_refuse_bad_codes_unknown_customers_and_stale_revisions()
    {
        var org = await host.NewOrgAsync();
        var guid = (await org.CustomerAsync("badflags@example.com")).Text("customer_guid")!;
        await SetFlag(org, guid, "not a code").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await SetFlag(org, guid, "x").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await SetFlag(org, guid, "").Problem(HttpStatusCode.BadRequest, "validation_failed");
        await SetFlag(org, Guid.NewGuid().ToString(), "vip").Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Viewer, "/crm/customer/flag/list", new { customer_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Viewer, "/crm/customer/list", new { flag = "Not A Flag" }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        await org.Post(org.Clerk, "/crm/customer/flag/set", new { customer_guid = guid, code = "vip", expected_revision = 0 }).Ok();
        await org.Post(org.Clerk, "/crm/customer/flag/set", new { customer_guid = guid, code = "fraud_watch", expected_revision = 0 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");

        for (var i = 1; i < 32; i++)
        {
            await SetFlag(org, guid, $"segment_{i}").Ok();
        }
        await SetFlag(org, guid, "one_too_many").Problem(HttpStatusCode.UnprocessableEntity, "too_many_flags");
        await SetFlag(org, guid, "vip", note: "set again with a note").Ok();
    }

    private static Task<HttpResponseMessage> SetFlag(CrmOrg org, string customerGuid, string code, bool? set = null, string? note = null) =>
        org.Post(org.Clerk, "/crm/customer/flag/set", new { customer_guid = customerGuid, code, set, note });

    private static Task<JsonElement> ByFlag(CrmOrg org, string flag) => org.Post(org.Viewer, "/crm/customer/list", new { flag }).Ok();
}
