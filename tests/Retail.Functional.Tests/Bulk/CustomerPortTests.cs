using System.Net;
using Retail.Functional.Tests.Ipm;

namespace Retail.Functional.Tests.Bulk;

/// <summary>UC-IPM-003, the service side: CRM's customers through the bulk port, keyed by e-mail; exports respect consent.</summary>
public sealed class CustomerPortTests(IpmHost host) : IClassFixture<IpmHost>
{
    private static object Customer(string email, string? given = "Ada", string? phone = null) => new
    {
        email,
        phone,
        default_region = "DE",
        given_name = given,
        family_name = "Lovelace",
        addresses = new[] { new { line1 = "Hauptstr. 1", city = "Berlin", postcode = "10115", country = "DE" } },
        external_ids = new Dictionary<string, string> { ["shop"] = email.Split('@')[0] },
    };

    [Fact]
    public async Task UC_IPM_003_customers_upsert_by_email_with_unique_phones()
    {
        var port = new BulkPortClient(host.Factory, await host.NewOrgAsync("bulkcu"));
        var results = await port.UpsertAsync("crm.customer",
        [
            Customer(" Ada@Example.com ", phone: "030 1234567"),
            Customer("grace@example.com", "Grace", phone: "+49301234567"),
            Customer("ada@example.com", "Again"),
            new { given_name = "No e-mail" },
            Customer("not-an-email"),
        ]);
        Assert.Equal(["created", "rejected", "rejected", "rejected", "rejected"], results.Select(r => r.Field("outcome")));
        Assert.Equal(["duplicate", "duplicate_in_call", "validation_failed", "validation_failed"], results.Skip(1).Select(r => r.Field("code")));
        Assert.Equal(("ada@example.com", "phone"), (results[0].Field("key"), results[1].Field("field")));
        var ada = await port.Org.Post("/crm/customer/get", new { email = "ada@example.com" }).Ok();
        Assert.Equal(("+49301234567", "Ada"), (ada.Field("phone"), ada.Field("given_name")));
        Assert.Single(host.Factory.OutboxEvents("crm", port.Org.Orgcode, "customer.created"));

        Assert.Equal(["unchanged"], await port.OutcomesAsync("crm.customer", [Customer(" Ada@Example.com ", phone: "+49301234567")]));
        Assert.Equal(["updated"], await port.OutcomesAsync("crm.customer", [Customer("ada@example.com", "Augusta", phone: "+49301234567")]));
        Assert.Equal("Augusta", (await port.Org.Post("/crm/customer/get", new { email = "ada@example.com" }).Ok()).Field("given_name"));
        Assert.Single(host.Factory.OutboxEvents("crm", port.Org.Orgcode, "customer.updated"));
        var (found, missing) = await port.KeysAsync("crm.customer", "ADA@example.com", "grace@example.com");
        Assert.Equal(["ADA@example.com"], found);
        Assert.Equal(["grace@example.com"], missing);
    }

    [Fact]
    public async Task UC_IPM_003_a_customer_export_withholds_the_personal_fields_of_those_who_did_not_consent_to_sharing()
    {
        var port = new BulkPortClient(host.Factory, await host.NewOrgAsync("bulkcc"));
        await port.OutcomesAsync("crm.customer", [Customer("shares@example.com"), Customer("private@example.com"), Customer("withdrew@example.com")]);
        async Task Consent(string email, string status)
        {
            var guid = (await port.Org.Post("/crm/customer/get", new { email }).Ok()).Field("customer_guid");
            var current = await port.Org.Post("/crm/customer/consent/get", new { customer_guid = guid }).Ok();
            await port.Org.Post("/crm/customer/consent/set", new
            {
                customer_guid = guid, purpose = "data_sharing", status, source = "web", text_version = "v1",
                expected_revision = current.TryGetProperty("revision", out var r) ? r.GetInt64() : 0,
            }).Ok();
        }
        await Consent("shares@example.com", "granted");
        await Consent("withdrew@example.com", "granted");
        await Consent("withdrew@example.com", "withdrawn");

        var (items, pages) = await port.ExportAllAsync("crm.customer", 2);
        Assert.Equal((3, 2), (items.Count, pages));
        var shared = Assert.Single(items, i => !i.GetProperty("consent_withheld").GetBoolean());
        Assert.Equal(("shares@example.com", "Ada"), (shared.Field("email"), shared.Field("given_name")));
        Assert.All(items.Where(i => i.GetProperty("consent_withheld").GetBoolean()), i =>
        {
            Assert.False(string.IsNullOrEmpty(i.Field("customer_guid")));
            foreach (var personal in new[] { "email", "phone", "given_name", "family_name", "addresses", "external_ids" })
            {
                Assert.Equal(System.Text.Json.JsonValueKind.Null, i.GetProperty(personal).ValueKind);
            }
        });
        // A withheld item cannot come back in: it has no e-mail.
        var back = await port.UpsertAsync("crm.customer", items.Select(i => (object)i));
        Assert.Equal(2, back.Count(r => r.Field("outcome") == "rejected"));
        Assert.Equal(3, await port.CountAsync("crm.customer"));
    }

    [Fact]
    public async Task UC_IPM_003_orgs_do_not_see_each_others_customers()
    {
        var first = new BulkPortClient(host.Factory, await host.NewOrgAsync("bulkc1"));
        var second = new BulkPortClient(host.Factory, await host.NewOrgAsync("bulkc2"));
        await first.OutcomesAsync("crm.customer", [Customer("same@example.com", phone: "+49301111111")]);
        Assert.Equal(["created"], await second.OutcomesAsync("crm.customer", [Customer("same@example.com", "Other", phone: "+49301111111")]));
        Assert.Equal((1L, 1L), (await first.CountAsync("crm.customer"), await second.CountAsync("crm.customer")));
        Assert.Equal("Ada", (await first.Org.Post("/crm/customer/get", new { email = "same@example.com" }).Ok()).Field("given_name"));
        await first.Org.Post("/crm/customer/get", new { email = "nobody@example.com" }).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
