using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm.Customers;
using Retail.Crm.Merge;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>B2B accounts and their contacts over HTTP: revisions, uniqueness, roles, lifecycle, links to customers, and the merge move.</summary>
public sealed class AccountTests(CrmHost host) : IClassFixture<CrmHost>
{
    [Fact]
    public async Task An_account_is_created_read_by_guid_or_code_updated_with_revisions_and_listed_by_status()
    {
        var org = await host.NewOrgAsync();
        var account = await org.AccountAsync("Acme");
        Assert.Equal("acme", account.Text("account_code"));
        Assert.Equal("active", account.Text("status"));
        Assert.Equal(1, account.Revision());
        var guid = account.Text("account_guid")!;
        var created = Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "account.created"));
        Assert.Equal(guid, created.GetProperty("account_guid").GetString());

        Assert.Equal(guid, (await org.Post(org.Viewer, "/crm/account/get", new { account_code = "ACME" }).Ok()).Text("account_guid"));
        Assert.Equal("acme", (await org.Post(org.Viewer, "/crm/account/get", new { account_guid = guid }).Ok()).Text("account_code"));
        await org.Post(org.Viewer, "/crm/account/get", new { account_code = "nope" }).Problem(HttpStatusCode.NotFound, "not_found");

        var updated = await org.Post(org.Clerk, "/crm/account/update", new { account_guid = guid, name = "Acme Holding", expected_revision = 1 }).Ok();
        Assert.Equal(2, updated.Revision());
        Assert.Equal("Acme Holding", updated.Text("name"));
        Assert.Equal("DE123456789", updated.Text("tax_id"));
        var stale = await org.Post(org.Clerk, "/crm/account/update", new { account_guid = guid, name = "Late", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(2, stale.GetProperty("current_revision").GetInt64());
        await org.Post(org.Clerk, "/crm/account/update", new { account_guid = guid, name = "No revision" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var updatedEvent = Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "account.updated"));
        Assert.Equal(("Acme Holding", 2L), (updatedEvent.GetProperty("name").GetString(), updatedEvent.GetProperty("revision").GetInt64()));

        await org.Post(org.Clerk, "/crm/account/create", new { account_code = "acme", name = "Other" }).Problem(HttpStatusCode.Conflict, "duplicate");
        await org.Post(org.Viewer, "/crm/account/create", new { account_code = "viewer", name = "Viewer" }).Problem(HttpStatusCode.Forbidden, "forbidden");

        var other = await org.AccountAsync("globex");
        await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = other.Text("account_guid"), status = "on_hold", expected_revision = 1 }).Ok();
        var active = await org.Post(org.Viewer, "/crm/account/list", new { status = "active" }).Ok();
        Assert.Equal([guid], active.Keys("account_guid"));
        var held = await org.Post(org.Viewer, "/crm/account/list", new { status = "on_hold" }).Ok();
        Assert.Equal([other.Text("account_guid")!], held.Keys("account_guid"));
    }

    [Fact]
    public async Task Credit_terms_and_status_are_an_admins_and_an_account_goes_active_on_hold_closed()
    {
        var org = await host.NewOrgAsync();
        await org.Post(org.Clerk, "/crm/account/create", new { account_code = "big", name = "Big", credit_limit = new { amount_minor = 500_000, currency = "EUR" } })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var account = await org.Post(org.Owner, "/crm/account/create", new
        {
            account_code = "big",
            name = "Big",
            payment_terms = "NET_30",
            credit_limit = new { amount_minor = 500_000, currency = "eur" },
        }).Ok(HttpStatusCode.Created);
        Assert.Equal("net_30", account.Text("payment_terms"));
        Assert.Equal(500_000, account.GetProperty("credit_limit").GetProperty("amount_minor").GetInt64());
        Assert.Equal("EUR", account.GetProperty("credit_limit").GetProperty("currency").GetString());
        var guid = account.Text("account_guid")!;
        await org.Post(org.Clerk, "/crm/account/update", new { account_guid = guid, credit_limit = new { amount_minor = 900_000, currency = "EUR" }, expected_revision = 1 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        // A member may change what is not money: the same terms sent back are no change.
        Assert.Equal(2, (await org.Post(org.Clerk, "/crm/account/update", new { account_guid = guid, name = "Big AG", payment_terms = "net_30", expected_revision = 1 })
            .Ok()).Revision());

        await org.Post(org.Clerk, "/crm/account/status/set", new { account_guid = guid, status = "on_hold", expected_revision = 2 })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var refused = await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = guid, status = "closed", expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(["on_hold"], refused.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
        var held = await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = guid, status = "on_hold", reason = "overdue", expected_revision = 2 }).Ok();
        Assert.Equal(("on_hold", "overdue"), (held.Text("status"), held.Text("status_reason")));
        await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = guid, status = "active", expected_revision = 3 }).Ok();
        await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = guid, status = "on_hold", expected_revision = 4 }).Ok();
        var closed = await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = guid, status = "closed", expected_revision = 5 }).Ok();
        Assert.Equal("closed", closed.Text("status"));
        await org.Post(org.Owner, "/crm/account/update", new { account_guid = guid, name = "Again", expected_revision = 6 })
            .Problem(HttpStatusCode.Conflict, "account_closed");
        await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = guid, status = "active", expected_revision = 6 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        await org.Post(org.Clerk, "/crm/account/contact/create", new { account_guid = guid, name = "Late", roles = new[] { "buyer" } })
            .Problem(HttpStatusCode.Conflict, "account_closed");
    }

    [Theory]
    [InlineData("{\"account_code\":\"Bad Code!\",\"name\":\"X\"}", "account_code")]
    [InlineData("{\"account_code\":\"ok\"}", "name")]
    [InlineData("{\"account_code\":\"ok\",\"name\":\"X\",\"payment_terms\":\"net_999\"}", "payment_terms")]
    [InlineData("{\"account_code\":\"ok\",\"name\":\"X\",\"credit_limit\":{\"amount_minor\":-1,\"currency\":\"EUR\"}}", "credit_limit.amount_minor")]
    [InlineData("{\"account_code\":\"ok\",\"name\":\"X\",\"credit_limit\":{\"amount_minor\":1,\"currency\":\"EURO\"}}", "credit_limit.currency")]
    [InlineData("{\"account_code\":\"ok\",\"name\":\"X\",\"billing_address\":{\"line1\":\"a\",\"city\":\"b\",\"country\":\"DEU\"}}", "billing_address.country")]
    public async Task Bad_account_input_is_400_naming_the_field(string body, string field)
    {
        var org = await host.NewOrgAsync();
        var problem = await org.Post(org.Owner, "/crm/account/create", body).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await org.Post(org.Owner, "/crm/account/create", "{\"account_code\":\"ok\",\"name\":\"X\",\"colour\":\"red\"}")
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Owner, "/crm/account/create", "{\"account_code\":\"ok\",\"name\":\"X\",\"credit_limit\":{\"amount_minor\":99999999999999999999999,\"currency\":\"EUR\"}}")
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Contacts_have_an_email_unique_in_their_account_an_e164_phone_and_roles_and_list_by_role_and_status()
    {
        var org = await host.NewOrgAsync();
        var acme = (await org.AccountAsync("acme")).Text("account_guid")!;
        var globex = (await org.AccountAsync("globex")).Text("account_guid")!;

        var buyer = await org.ContactAsync(acme, " Grace@Example.COM ", ["buyer", "approver"], phone: "030 1234567");
        Assert.Equal("grace@example.com", buyer.Text("email"));
        Assert.Equal("+49301234567", buyer.Text("phone"));
        Assert.Equal(["buyer", "approver"], buyer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var billing = await org.ContactAsync(acme, "billing@example.com", ["billing"], phone: "+1 415 555 2671");
        Assert.Equal("+14155552671", billing.Text("phone"));
        await org.Post(org.Clerk, "/crm/account/contact/create", new { account_guid = acme, name = "Twin", email = "GRACE@example.com", roles = new[] { "buyer" } })
            .Problem(HttpStatusCode.Conflict, "duplicate");
        await org.ContactAsync(globex, "grace@example.com", ["buyer"]);

        await org.Post(org.Clerk, "/crm/account/contact/create", new { account_guid = acme, name = "No role", roles = Array.Empty<string>() })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/account/contact/create", new { account_guid = acme, name = "Odd role", roles = new[] { "boss" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var phone = await org.Post(org.Clerk, "/crm/account/contact/create", new { account_guid = acme, name = "Bad phone", phone = "12", roles = new[] { "buyer" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(phone.GetProperty("errors").TryGetProperty("phone", out _));
        await org.Post(org.Clerk, "/crm/account/contact/create", new { account_guid = Guid.NewGuid(), name = "Nobody's", roles = new[] { "buyer" } })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post(org.Viewer, "/crm/account/contact/create", new { account_guid = acme, name = "Viewer", roles = new[] { "buyer" } })
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var all = await org.Post(org.Viewer, "/crm/account/contact/list", new { account_guid = acme }).Ok();
        Assert.Equal([buyer.Text("contact_guid")!, billing.Text("contact_guid")!], all.Keys("contact_guid"));
        var approvers = await org.Post(org.Viewer, "/crm/account/contact/list", new { account_guid = acme, role = "approver" }).Ok();
        Assert.Equal([buyer.Text("contact_guid")!], approvers.Keys("contact_guid"));

        var updated = await org.Post(org.Clerk, "/crm/account/contact/update", new
        {
            contact_guid = billing.Text("contact_guid"), roles = new[] { "billing", "approver" }, expected_revision = 1,
        }).Ok();
        Assert.Equal(2, updated.Revision());
        await org.Post(org.Clerk, "/crm/account/contact/update", new { contact_guid = billing.Text("contact_guid"), name = "Late", expected_revision = 1 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post(org.Clerk, "/crm/account/contact/update", new { contact_guid = billing.Text("contact_guid"), email = "grace@example.com", expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "duplicate");
        var inactive = await org.Post(org.Clerk, "/crm/account/contact/status/set", new { contact_guid = buyer.Text("contact_guid"), status = "inactive", expected_revision = 1 })
            .Ok();
        Assert.Equal("inactive", inactive.Text("status"));
        await org.Post(org.Clerk, "/crm/account/contact/status/set", new { contact_guid = buyer.Text("contact_guid"), status = "inactive", expected_revision = 2 })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");

        var activeApprovers = await org.Post(org.Viewer, "/crm/account/contact/list", new { account_guid = acme, role = "approver", status = "active" }).Ok();
        Assert.Equal([billing.Text("contact_guid")!], activeApprovers.Keys("contact_guid"));
        var activeContacts = await org.Post(org.Viewer, "/crm/account/contact/list", new { account_guid = acme, status = "active" }).Ok();
        Assert.Equal([billing.Text("contact_guid")!], activeContacts.Keys("contact_guid"));
        await org.Post(org.Viewer, "/crm/account/contact/list", new { role = "buyer" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("Grace Hopper", (await org.Post(org.Viewer, "/crm/account/contact/get", new { contact_guid = buyer.Text("contact_guid") }).Ok()).Text("name"));
    }

    [Fact]
    public async Task A_contact_links_only_a_live_customer_and_a_merge_relinks_it_and_moves_the_customers_certificates()
    {
        var org = await host.NewOrgAsync();
        var acme = (await org.AccountAsync("acme")).Text("account_guid")!;
        var survivor = await AccountSteps.StoreCustomerAsync(host.Factory, org.Orgcode);
        var merged = await AccountSteps.StoreCustomerAsync(host.Factory, org.Orgcode);
        var gone = await AccountSteps.StoreCustomerAsync(host.Factory, org.Orgcode, mergedInto: survivor);

        await org.Post(org.Clerk, "/crm/account/contact/create", new { account_guid = acme, name = "X", roles = new[] { "buyer" }, customer_guid = Guid.NewGuid() })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var refused = await org.Post(org.Clerk, "/crm/account/contact/create", new { account_guid = acme, name = "X", roles = new[] { "buyer" }, customer_guid = gone })
            .Problem(HttpStatusCode.Conflict, "customer_merged");
        Assert.Equal(survivor, refused.GetProperty("merged_into").GetString());

        var contact = await org.ContactAsync(acme, "grace@example.com", ["buyer"], customerGuid: merged);
        var certificate = await org.CertificateAsync("EX-1", customerGuid: merged);
        Assert.Equal([contact.Text("contact_guid")!], (await org.Post(org.Viewer, "/crm/account/contact/list", new { customer_guid = merged }).Ok()).Keys("contact_guid"));

        // What the merge area does: load both customers, stage every participant's moves into ONE batch, commit.
        using (var scope = host.Factory.Services.CreateScope())
        {
            var customers = scope.ServiceProvider.GetRequiredService<RecordStore<Customer>>();
            var a = (await customers.GetAsync(org.Orgcode, survivor))!.Record;
            var b = (await customers.GetAsync(org.Orgcode, merged))!.Record;
            var batch = new RecordBatch();
            var participant = Assert.Single(scope.ServiceProvider.GetServices<ICustomerMergeParticipant>(), p => p.Name == "accounts");
            var summary = JsonSerializer.SerializeToElement(await participant.StageAsync(org.Orgcode, a, b, batch, TestContext.Current.CancellationToken));
            Assert.Equal(1, summary.GetProperty("certificates").GetInt32());
            Assert.Equal(1, summary.GetProperty("contacts").GetInt32());
            Assert.True((await batch.CommitAsync(TestContext.Current.CancellationToken)).Succeeded);
        }

        var relinked = await org.Post(org.Viewer, "/crm/account/contact/get", new { contact_guid = contact.Text("contact_guid") }).Ok();
        Assert.Equal((survivor, 2L), (relinked.Text("customer_guid"), relinked.Revision()));
        var moved = await org.Post(org.Viewer, "/crm/exemption/certificate/get", new { certificate_guid = certificate.Text("certificate_guid") }).Ok();
        Assert.Equal(survivor, moved.Text("customer_guid"));
        Assert.Equal([certificate.Text("certificate_guid")!], (await org.Post(org.Viewer, "/crm/exemption/certificate/list", new { customer_guid = survivor }).Ok())
            .Keys("certificate_guid"));
        Assert.Empty((await org.Post(org.Viewer, "/crm/exemption/certificate/list", new { customer_guid = merged }).Ok()).Keys("certificate_guid"));
        var last = host.Factory.OutboxEvents("crm", org.Orgcode, "exemption.certificate_changed")[^1];
        Assert.Equal((survivor, 2L), (last.GetProperty("holder_guid").GetString(), last.GetProperty("revision").GetInt64()));
    }
}
