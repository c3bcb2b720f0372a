using Retail.Crm.Accounts;
using Retail.Crm.Certificates;

namespace Retail.Crm.Tests;

public sealed class AccountRulesTests
{
    [Theory]
    [InlineData("prepaid", true)]
    [InlineData("DUE_ON_RECEIPT", true)]
    [InlineData("net_30", true)]
    [InlineData("net_365", true)]
    [InlineData("net_0", false)]
    [InlineData("net_366", false)]
    [InlineData("net30", false)]
    [InlineData("cash", false)]
    public void Payment_terms_are_prepaid_due_on_receipt_or_net_days(string terms, bool valid) =>
        Assert.Equal(valid, AccountRules.IsPaymentTerms(terms));

    [Fact]
    public void An_account_is_closed_only_from_on_hold_and_stays_closed()
    {
        Assert.False(Account.Lifecycle.CanMove(AccountStatus.Active, AccountStatus.Closed));
        Assert.True(Account.Lifecycle.CanMove(AccountStatus.OnHold, AccountStatus.Closed));
        Assert.True(Account.Lifecycle.CanMove(AccountStatus.OnHold, AccountStatus.Active));
        Assert.Empty(Account.Lifecycle.AllowedFrom(AccountStatus.Closed));
    }

    [Theory]
    [InlineData("030 1234567", "DE", "+49301234567")]
    [InlineData("+1 (415) 555-2671", null, "+14155552671")]
    [InlineData("+1 (415) 555-2671", "DE", "+14155552671")]
    [InlineData("0301234567", null, null)]
    [InlineData("12", "DE", null)]
    [InlineData("call me", "DE", null)]
    public void A_contact_phone_is_read_as_e164_in_the_accounts_country(string raw, string? region, string? e164) =>
        Assert.Equal(e164, ContactRules.ToE164(raw, region));

    [Fact]
    public void A_contact_is_indexed_by_account_and_role_with_and_without_its_status()
    {
        var contact = new AccountContact
        {
            ContactGuid = "c1", AccountGuid = "a1", Name = "Grace", Roles = [ContactRole.Buyer, ContactRole.Billing], CreatedBy = "u",
        };
        Assert.Equal(["a1:buyer", "a1:buyer:active", "a1:billing", "a1:billing:active"], ContactRules.AccountRoleValues(contact));
        Assert.Equal([new Retail.Shared.Records.UniqueValue("email", "a1:grace@example.com")],
            AccountContact.Type.UniquesOf(contact with { Email = "grace@example.com" }));
        Assert.Empty(AccountContact.Type.UniquesOf(contact));
    }

    [Fact]
    public void Activation_needs_another_actor_and_a_valid_to_not_passed_and_expiry_needs_it_passed()
    {
        var today = new DateOnly(2026, 12, 2);
        var certificate = new ExemptionCertificate
        {
            CertificateGuid = "x", Number = "DE-1", CustomerGuid = "c", Jurisdiction = "DE", AllCategories = true, ValidFrom = today.AddDays(-30),
            ValidTo = today, CreatedBy = "clerk",
        };
        Assert.Equal(403, Status(CertificateRules.Decide(certificate, CertificateStatus.Active, "clerk", today)));
        Assert.Null(CertificateRules.Decide(certificate, CertificateStatus.Active, "admin", today));
        Assert.Equal(422, Status(CertificateRules.Decide(certificate, CertificateStatus.Active, "admin", today.AddDays(1))));
        Assert.Equal(422, Status(CertificateRules.Decide(certificate with { Status = CertificateStatus.Active }, CertificateStatus.Expired, "admin", today)));
        Assert.Null(CertificateRules.Decide(certificate with { Status = CertificateStatus.Active }, CertificateStatus.Expired, "admin", today.AddDays(1)));
        Assert.Equal(422, Status(CertificateRules.Decide(certificate with { ValidTo = null }, CertificateStatus.Expired, "admin", today.AddYears(5))));
        Assert.Null(CertificateRules.Decide(certificate, CertificateStatus.Revoked, "clerk", today));
    }

    [Fact]
    public void A_certificate_is_in_force_while_active_and_within_its_dates()
    {
        var day = new DateOnly(2026, 12, 2);
        var certificate = new ExemptionCertificate
        {
            CertificateGuid = "x", Number = "DE-1", AccountGuid = "a", Jurisdiction = "DE", ValidFrom = day, ValidTo = day.AddDays(1),
            Status = CertificateStatus.Active, CreatedBy = "u",
        };
        Assert.Equal("a", certificate.HolderGuid);
        Assert.True(CertificateRules.InForce(certificate, day));
        Assert.True(CertificateRules.InForce(certificate, day.AddDays(1)));
        Assert.False(CertificateRules.InForce(certificate, day.AddDays(-1)));
        Assert.False(CertificateRules.InForce(certificate, day.AddDays(2)));
        Assert.False(CertificateRules.InForce(certificate with { Status = CertificateStatus.Revoked }, day));
        Assert.True(CertificateRules.InForce(certificate with { ValidTo = null }, day.AddYears(10)));
        Assert.Equal(["number"], ExemptionCertificate.Type.UniquesOf(certificate).Select(u => u.Name));
        Assert.Equal("DE:DE-1", ExemptionCertificate.Type.UniquesOf(certificate).Single().Value);
    }

    private static int? Status(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? problem) => problem?.StatusCode;
}
