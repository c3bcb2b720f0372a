using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>Tax-exemption certificates in CRM: holders, uniqueness, the pending → active → revoked | expired lifecycle, and lists.</summary>
public sealed class ExemptionCertificateTests(CrmHost host) : IClassFixture<CrmHost>
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task A_certificate_is_recorded_pending_activated_by_another_admin_and_revoked_with_an_event_each_time()
    {
        var org = await host.NewOrgAsync();
        var customer = await AccountSteps.StoreCustomerAsync(host.Factory, org.Orgcode);
        var certificate = await org.CertificateAsync(" de-ex-001 ", customerGuid: customer, categories: ["Standard", "reduced"]);
        Assert.Equal("DE-EX-001", certificate.Text("number"));
        Assert.Equal("pending", certificate.Text("status"));
        Assert.Equal(["standard", "reduced"], certificate.GetProperty("tax_categories").EnumerateArray().Select(c => c.GetString()));
        Assert.False(certificate.GetProperty("all_categories").GetBoolean());

        await org.CreateCertificate(new { number = "DE-EX-001", customer_guid = customer, jurisdiction = "DE", all_categories = true, valid_from = Today })
            .Problem(HttpStatusCode.Conflict, "duplicate");
        var elsewhere = await org.CreateCertificate(new { number = "DE-EX-001", customer_guid = customer, jurisdiction = "us-ca", all_categories = true, valid_from = Today })
            .Ok(HttpStatusCode.Created);
        Assert.Equal("US-CA", elsewhere.Text("jurisdiction"));

        await org.CertificateStatus(certificate, "active", org.Clerk).Problem(HttpStatusCode.Forbidden, "forbidden");
        var mine = await org.CertificateAsync("DE-EX-002", customerGuid: customer);
        var own = await org.CreateCertificate(new { number = "DE-EX-003", customer_guid = customer, jurisdiction = "DE", all_categories = true, valid_from = Today },
            org.Owner).Ok(HttpStatusCode.Created);
        await org.CertificateStatus(own, "active", org.Owner).Problem(HttpStatusCode.Forbidden, "segregation_of_duties");

        var active = await org.CertificateStatus(certificate, "active").Ok();
        Assert.Equal(("active", 2L), (active.Text("status"), active.Revision()));
        Assert.Equal(org.Owner.UserGuid, active.Text("activated_by"));
        await org.CertificateStatus(certificate, "revoked").Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.CertificateStatus(active, "expired").Problem(HttpStatusCode.UnprocessableEntity, "certificate_not_valid");
        var revoked = await org.CertificateStatus(active, "revoked").Ok();
        Assert.Equal("revoked", revoked.Text("status"));
        var again = await org.CertificateStatus(revoked, "active").Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Empty(again.GetProperty("allowed").EnumerateArray());
        await org.Post(org.Owner, "/crm/exemption/certificate/status/set", new { certificate_guid = mine.Text("certificate_guid"), status = "active" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");

        var events = host.Factory.OutboxEvents("crm", org.Orgcode, "exemption.certificate_changed")
            .Where(e => e.Text("certificate_guid") == certificate.Text("certificate_guid")).ToList();
        Assert.Equal(["pending", "active", "revoked"], events.Select(e => e.Text("status")));
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.GetProperty("revision").GetInt64()));
        Assert.Equal(customer, events[^1].Text("holder_guid"));
    }

    [Fact]
    public async Task A_lapsed_certificate_is_not_activated_but_expires_and_lists_find_certificates_by_holder_status_and_expiry()
    {
        var org = await host.NewOrgAsync();
        var customer = await AccountSteps.StoreCustomerAsync(host.Factory, org.Orgcode);
        var lapsed = await org.CreateCertificate(new
        {
            number = "OLD-1", customer_guid = customer, jurisdiction = "DE", all_categories = true, valid_from = Today.AddYears(-2), valid_to = Today.AddDays(-1),
        }).Ok(HttpStatusCode.Created);
        await org.CertificateStatus(lapsed, "active").Problem(HttpStatusCode.UnprocessableEntity, "certificate_not_valid");

        var soon = await org.CreateCertificate(new
        {
            number = "SOON-1", customer_guid = customer, jurisdiction = "DE", all_categories = true, valid_from = Today.AddDays(-10), valid_to = Today.AddDays(10),
        }).Ok(HttpStatusCode.Created);
        var later = await org.CertificateAsync("LATER-1", customerGuid: customer);
        soon = await org.CertificateStatus(soon, "active").Ok();
        await org.CertificateStatus(later, "active").Ok();

        var expiring = await org.Post(org.Viewer, "/crm/exemption/certificate/list", new { status = "active", expiring_before = Today.AddDays(30) }).Ok();
        Assert.Equal([soon.Text("certificate_guid")!], expiring.Keys("certificate_guid"));
        var byDate = await org.Post(org.Viewer, "/crm/exemption/certificate/list", new { expiring_before = Today.AddYears(2) }).Ok();
        Assert.Equal([lapsed.Text("certificate_guid")!, soon.Text("certificate_guid")!, later.Text("certificate_guid")!], byDate.Keys("certificate_guid"));
        var pending = await org.Post(org.Viewer, "/crm/exemption/certificate/list", new { customer_guid = customer, status = "pending" }).Ok();
        Assert.Equal([lapsed.Text("certificate_guid")!], pending.Keys("certificate_guid"));
        var paged = await org.Post(org.Viewer, "/crm/exemption/certificate/list", new { customer_guid = customer, limit = 2 }).Ok();
        Assert.Equal(2, paged.GetProperty("items").GetArrayLength());
        var rest = await org.Post(org.Viewer, "/crm/exemption/certificate/list", new { customer_guid = customer, limit = 2, next_token = paged.Text("next_token") }).Ok();
        Assert.Single(rest.GetProperty("items").EnumerateArray());

        var withdrawn = await org.CertificateStatus(lapsed, "revoked").Ok();
        Assert.Equal("revoked", withdrawn.Text("status"));
    }

    [Fact]
    public async Task The_holder_must_be_a_live_customer_or_an_open_account_and_closing_an_account_revokes_its_certificates()
    {
        var org = await host.NewOrgAsync();
        var survivor = await AccountSteps.StoreCustomerAsync(host.Factory, org.Orgcode);
        var merged = await AccountSteps.StoreCustomerAsync(host.Factory, org.Orgcode, mergedInto: survivor);
        await org.CreateCertificate(new { number = "X-1", customer_guid = Guid.NewGuid(), jurisdiction = "DE", all_categories = true, valid_from = Today })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        var refused = await org.CreateCertificate(new { number = "X-1", customer_guid = merged, jurisdiction = "DE", all_categories = true, valid_from = Today })
            .Problem(HttpStatusCode.Conflict, "customer_merged");
        Assert.Equal(survivor, refused.Text("merged_into"));
        await org.CreateCertificate(new { number = "X-1", account_guid = Guid.NewGuid(), jurisdiction = "DE", all_categories = true, valid_from = Today })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.CreateCertificate(new { number = "X-1", customer_guid = survivor, jurisdiction = "DE", all_categories = true, valid_from = Today }, org.Viewer)
            .Problem(HttpStatusCode.Forbidden, "forbidden");

        var account = await org.AccountAsync("acme");
        var guid = account.Text("account_guid")!;
        var held = await org.CertificateAsync("ACME-1", accountGuid: guid);
        Assert.Equal(guid, held.Text("account_guid"));
        await org.CertificateStatus(held, "active").Ok();
        var pending = await org.CertificateAsync("ACME-2", accountGuid: guid);
        await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = guid, status = "on_hold", expected_revision = 1 }).Ok();
        await org.Post(org.Owner, "/crm/account/status/set", new { account_guid = guid, status = "closed", expected_revision = 2 }).Ok();
        var certificates = await org.Post(org.Viewer, "/crm/exemption/certificate/list", new { account_guid = guid }).Ok();
        Assert.All(certificates.GetProperty("items").EnumerateArray(), c => Assert.Equal(("revoked", "account closed"), (c.Text("status"), c.Text("status_reason"))));
        Assert.Equal(2, certificates.GetProperty("items").GetArrayLength());
        Assert.Equal(2, (await org.Post(org.Viewer, "/crm/exemption/certificate/get", new { certificate_guid = pending.Text("certificate_guid") }).Ok()).Revision());
        await org.CreateCertificate(new { number = "ACME-3", account_guid = guid, jurisdiction = "DE", all_categories = true, valid_from = Today })
            .Problem(HttpStatusCode.Conflict, "account_closed");
    }

    [Theory]
    [InlineData("{\"number\":\"A\",\"jurisdiction\":\"DE\",\"all_categories\":true,\"valid_from\":\"2026-01-01\"}", "customer_guid")]
    [InlineData("{\"number\":\"A\",\"customer_guid\":\"0192f0c1-0000-7000-8000-000000000001\",\"account_guid\":\"0192f0c1-0000-7000-8000-000000000002\",\"jurisdiction\":\"DE\",\"all_categories\":true,\"valid_from\":\"2026-01-01\"}", "customer_guid")]
    [InlineData("{\"number\":\"A\",\"customer_guid\":\"0192f0c1-0000-7000-8000-000000000001\",\"jurisdiction\":\"DEU\",\"all_categories\":true,\"valid_from\":\"2026-01-01\"}", "jurisdiction")]
    [InlineData("{\"number\":\"A\",\"customer_guid\":\"0192f0c1-0000-7000-8000-000000000001\",\"jurisdiction\":\"DE\",\"valid_from\":\"2026-01-01\"}", "tax_categories")]
    [InlineData("{\"number\":\"A\",\"customer_guid\":\"0192f0c1-0000-7000-8000-000000000001\",\"jurisdiction\":\"DE\",\"tax_categories\":[\"standard\"],\"all_categories\":true,\"valid_from\":\"2026-01-01\"}", "tax_categories")]
    [InlineData("{\"number\":\"A\",\"customer_guid\":\"0192f0c1-0000-7000-8000-000000000001\",\"jurisdiction\":\"DE\",\"all_categories\":true,\"valid_from\":\"2026-01-02\",\"valid_to\":\"2026-01-01\"}", "valid_to")]
    [InlineData("{\"number\":\"A|B\",\"customer_guid\":\"0192f0c1-0000-7000-8000-000000000001\",\"jurisdiction\":\"DE\",\"all_categories\":true,\"valid_from\":\"2026-01-01\"}", "number")]
    [InlineData("{\"number\":\"A\",\"customer_guid\":\"0192f0c1-0000-7000-8000-000000000001\",\"jurisdiction\":\"DE\",\"all_categories\":true}", "valid_from")]
    public async Task Bad_certificate_input_is_400_naming_the_field(string body, string field)
    {
        var org = await host.NewOrgAsync();
        var problem = await org.CreateCertificate(body).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await org.CreateCertificate("{\"number\":\"A\",\"customer_guid\":\"x\",\"jurisdiction\":\"DE\",\"all_categories\":true,\"valid_from\":\"not a date\"}")
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}

/// <summary>SCM's tax quote applies an active CRM certificate (issue 17): covered lines of an order naming the holder are taxed 0.</summary>
public sealed class ExemptionTaxTests(CrmScmHost host) : IClassFixture<CrmScmHost>
{
    [Fact]
    public async Task An_order_for_a_customer_with_an_active_DE_certificate_is_taxed_0_on_covered_lines_and_normally_once_it_is_revoked()
    {
        var (crm, scm) = await host.NewOrgAsync();
        await scm.Post("/scm/tax/policy/set", new
        {
            jurisdiction = "DE",
            rates = new[] { new { tax_category = "standard", rate_percent = 19m }, new { tax_category = "reduced", rate_percent = 7m } },
            effective_from = DateTimeOffset.UtcNow.AddMinutes(-1),
        }).Ok();
        await scm.Post("/scm/tax/category/set", new { variant_guid = scm.Variants[1], tax_category = "reduced" }).Ok();
        var customer = await AccountSteps.StoreCustomerAsync(host.Factory, crm.Orgcode);
        var certificate = await crm.CertificateAsync("DE-EX-7", customerGuid: customer, categories: ["standard"]);
        object Buyer() => new { customer_guid = customer, email = "ada@example.com", name = "Ada" };
        object[] lines = [OrderSteps.Line(scm.Variants[0], 1), OrderSteps.Line(scm.Variants[1], 1)];

        // Pending: not applied.
        var pending = await scm.CreateOrder(lines, customer: Buyer()).Ok(HttpStatusCode.Created);
        Assert.Equal(190 + 77, pending.GetProperty("totals").GetProperty("tax_minor").GetInt64());

        certificate = await crm.CertificateStatus(certificate, "active").Ok();
        await UntilQuotedAsync(scm, customer, lineOneTax: 0);
        var exempt = await scm.CreateOrder(lines, customer: Buyer()).Ok(HttpStatusCode.Created);
        var standard = exempt.LineNo(1).GetProperty("tax");
        Assert.Equal((0L, 0m), (standard.GetProperty("tax_minor").GetInt64(), standard.GetProperty("rate_percent").GetDecimal()));
        Assert.Equal(certificate.Text("certificate_guid"), standard.GetProperty("exemption").Text("certificate_guid"));
        Assert.Equal("DE-EX-7", standard.GetProperty("exemption").Text("number"));
        var reduced = exempt.LineNo(2).GetProperty("tax");
        Assert.Equal(77, reduced.GetProperty("tax_minor").GetInt64());
        Assert.Equal(JsonValueKind.Null, reduced.TryGetProperty("exemption", out var none) ? none.ValueKind : JsonValueKind.Null);
        Assert.Equal(77, exempt.GetProperty("totals").GetProperty("tax_minor").GetInt64());

        // Another buyer, the same cart: taxed.
        var other = await scm.CreateOrder(lines).Ok(HttpStatusCode.Created);
        Assert.Equal(267, other.GetProperty("totals").GetProperty("tax_minor").GetInt64());

        await crm.CertificateStatus(certificate, "revoked").Ok();
        await UntilQuotedAsync(scm, customer, lineOneTax: 190);
        var taxed = await scm.CreateOrder(lines, customer: Buyer()).Ok(HttpStatusCode.Created);
        Assert.Equal(190, taxed.LineNo(1).GetProperty("tax").GetProperty("tax_minor").GetInt64());
        Assert.Equal(267, taxed.GetProperty("totals").GetProperty("tax_minor").GetInt64());
    }

    [Fact]
    public async Task An_accounts_certificate_for_every_category_exempts_an_order_naming_the_account_in_its_jurisdiction_only()
    {
        var (crm, scm) = await host.NewOrgAsync();
        await scm.TaxPolicy("DE");
        await scm.TaxPolicy("AT", 20m);
        var account = (await crm.AccountAsync("acme")).Text("account_guid")!;
        var certificate = await crm.CertificateAsync("ACME-DE", accountGuid: account);
        await crm.CertificateStatus(certificate, "active").Ok();
        object[] lines = [OrderSteps.Line(scm.Variants[0], 2)];
        await Waits.UntilAsync(async () => (await scm.Post(scm.Clerk, "/scm/tax/quote", new
        {
            currency = "EUR", jurisdiction = "DE-BY", account_guid = account, lines = new[] { new { variant_guid = scm.Variants[0], quantity = 1, net_minor = 1000 } },
        }).Ok()).GetProperty("tax_minor").GetInt64() == 0, "SCM's copy of the account's certificate exempts a Bavarian quote");

        var exempt = await scm.CreateOrder(lines, customer: new { email = "buyer@acme.example", account_guid = account }).Ok(HttpStatusCode.Created);
        Assert.Equal(0, exempt.GetProperty("totals").GetProperty("tax_minor").GetInt64());
        Assert.Equal("ACME-DE", exempt.LineNo(1).GetProperty("tax").GetProperty("exemption").Text("number"));
        var austria = await scm.CreateOrder(lines, delivery: OrderSteps.Ship("AT"), customer: new { email = "buyer@acme.example", account_guid = account })
            .Ok(HttpStatusCode.Created);
        Assert.Equal(400, austria.GetProperty("totals").GetProperty("tax_minor").GetInt64());
        await scm.CreateOrder(lines, customer: new { account_guid = "not-a-guid" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    private static Task UntilQuotedAsync(ScmOrg scm, string customer, long lineOneTax) =>
        Waits.UntilAsync(async () => (await scm.Post(scm.Clerk, "/scm/tax/quote", new
        {
            currency = "EUR", jurisdiction = "DE", customer_guid = customer, lines = new[] { new { variant_guid = scm.Variants[0], quantity = 1, net_minor = 1000 } },
        }).Ok()).GetProperty("lines")[0].GetProperty("tax_minor").GetInt64() == lineOneTax, $"SCM's quote taxes the customer's standard line {lineOneTax}");
}
