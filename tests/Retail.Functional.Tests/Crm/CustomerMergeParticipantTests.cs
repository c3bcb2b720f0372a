using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Crm.Merge;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>
/// UC-CRM-002 as far as consent and flags go: the participants a merge asks, staged into one batch and committed as the merge
/// does. The merge itself (the customer becoming merged) is the merge area's; here the customers stay as they are and only
/// what the participants stage is observed over HTTP.
/// </summary>
public sealed class CustomerMergeParticipantTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task UC_CRM_002_a_merge_combines_consent_to_the_most_restrictive_and_unions_flags_in_one_batch()
    {
        var org = await host.NewOrgAsync();
        var survivor = (await org.CustomerAsync("survivor@example.com")).Text("customer_guid")!;
        var merged = (await org.CustomerAsync("merged@example.com")).Text("customer_guid")!;
        await ConsentTests.Set(org, survivor, "marketing_email", "granted", "web", "v2").Ok();
        await ConsentTests.Set(org, survivor, "data_sharing", "granted", "web", "v1").Ok();
        await ConsentTests.Set(org, merged, "marketing_email", "withdrawn", "email_link", "v2").Ok();
        await ConsentTests.Set(org, merged, "profiling", "granted", "pos", "v1").Ok();
        await org.Post(org.Clerk, "/crm/customer/flag/set", new { customer_guid = survivor, code = "vip" }).Ok();
        await org.Post(org.Clerk, "/crm/customer/flag/set", new { customer_guid = merged, code = "vip" }).Ok();
        await org.Post(org.Clerk, "/crm/customer/flag/set", new { customer_guid = merged, code = "do_not_contact", note = "asked" }).Ok();

        using (var scope = host.Factory.Services.CreateScope())
        {
            var customers = scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>();
            var a = (await customers.GetAsync(org.Orgcode, survivor))!.Record;
            var b = (await customers.GetAsync(org.Orgcode, merged))!.Record;
            var batch = new RecordBatch();
            var moved = new Dictionary<string, object?>();
            foreach (var participant in scope.ServiceProvider.GetServices<ICustomerMergeParticipant>().Where(p => p.Name is "consent" or "flags"))
            {
                moved[participant.Name] = await participant.StageAsync(org.Orgcode, a, b, batch, CancellationToken.None);
            }
            Assert.True((await batch.CommitAsync()).Succeeded);
            Assert.Equal(2, moved.Count);
        }

        var consent = await org.Post(org.Viewer, "/crm/customer/consent/get", new { customer_guid = survivor, history = true }).Ok();
        var purposes = consent.GetProperty("purposes").EnumerateArray().ToDictionary(p => p.Text("purpose")!, p => p.Text("status"));
        Assert.Equal(new Dictionary<string, string?> { ["marketing_email"] = "withdrawn", ["data_sharing"] = "granted", ["profiling"] = "granted" }, purposes);
        var fromMerge = consent.GetProperty("history").EnumerateArray().Where(h => h.Text("merged_from") == merged).Select(h => h.Text("purpose")).Order();
        Assert.Equal(new[] { "marketing_email", "profiling" }, fromMerge);

        var flags = await org.Post(org.Viewer, "/crm/customer/flag/list", new { customer_guid = survivor }).Ok();
        Assert.Equal(new[] { "vip", "do_not_contact" }, flags.GetProperty("flags").EnumerateArray().Select(f => f.Text("code")));

        // The merged side left the indexes, and a change racing in after the merge is refused, naming the survivor.
        Assert.Equal(new[] { survivor }, CustomerTests.Found(await org.Post(org.Viewer, "/crm/customer/list", new { consent = "profiling" }).Ok()));
        Assert.Equal(new[] { survivor }, CustomerTests.Found(await org.Post(org.Viewer, "/crm/customer/list", new { flag = "do_not_contact" }).Ok()));
        var late = await ConsentTests.Set(org, merged, "profiling", "granted", "web", "v1").Problem(HttpStatusCode.Conflict, "customer_merged");
        Assert.Equal(survivor, late.Text("merged_into"));
        await org.Post(org.Clerk, "/crm/customer/flag/set", new { customer_guid = merged, code = "vip", set = false })
            .Problem(HttpStatusCode.Conflict, "customer_merged");
    }

    [Fact]
    public async Task UC_CRM_002_a_merge_of_a_customer_without_consent_or_flags_moves_nothing_and_still_closes_its_records()
    {
        var org = await host.NewOrgAsync();
        var survivor = (await org.CustomerAsync("keep@example.com")).Text("customer_guid")!;
        var merged = (await org.CustomerAsync("drop@example.com")).Text("customer_guid")!;
        using (var scope = host.Factory.Services.CreateScope())
        {
            var customers = scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>();
            var a = (await customers.GetAsync(org.Orgcode, survivor))!.Record;
            var b = (await customers.GetAsync(org.Orgcode, merged))!.Record;
            var batch = new RecordBatch();
            foreach (var participant in scope.ServiceProvider.GetServices<ICustomerMergeParticipant>().Where(p => p.Name is "consent" or "flags"))
            {
                Assert.Null(await participant.StageAsync(org.Orgcode, a, b, batch, CancellationToken.None));
            }
            Assert.True((await batch.CommitAsync()).Succeeded);
        }
        await ConsentTests.Set(org, merged, "profiling", "granted", "web", "v1").Problem(HttpStatusCode.Conflict, "customer_merged");
        var consent = await org.Post(org.Viewer, "/crm/customer/consent/get", new { customer_guid = survivor }).Ok();
        Assert.Equal(0L, consent.Revision());
    }
}
