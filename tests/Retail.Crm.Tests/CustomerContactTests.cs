using Retail.Crm.Customers;

namespace Retail.Crm.Tests;

public sealed class CustomerContactTests
{
    [Theory]
    [InlineData("+49 30 12345678", null)]
    [InlineData("+49-30-1234-5678", "US")]
    [InlineData("030 12345678", "DE")]
    [InlineData("(030) 1234 5678", "de")]
    [InlineData("0049 30 12345678", "DE")]
    public void A_phone_in_any_format_is_one_e164_number(string phone, string? region) =>
        Assert.Equal("+493012345678", CustomerContact.ToE164(phone, region));

    [Theory]
    [InlineData("030 12345678", null)]
    [InlineData("12", "DE")]
    [InlineData("+49 30", null)]
    [InlineData("not a phone", "DE")]
    [InlineData("", "DE")]
    [InlineData("+999 1234567", null)]
    public void A_number_that_is_not_a_valid_phone_has_no_e164_form(string phone, string? region) =>
        Assert.Null(CustomerContact.ToE164(phone, region));

    [Fact]
    public void A_us_number_reads_in_its_region() =>
        Assert.Equal("+12025550123", CustomerContact.ToE164("(202) 555-0123", "US"));

    [Theory]
    [InlineData(" Ada@Example.COM ", true)]
    [InlineData("ada+news@example.co.uk", true)]
    [InlineData("ada", false)]
    [InlineData("ada@", false)]
    [InlineData("ada@example", false)]
    [InlineData("a da@example.com", false)]
    [InlineData("", false)]
    public void Emails_are_checked_on_their_normalised_form(string email, bool valid)
    {
        Assert.Equal(valid, CustomerContact.IsEmail(email));
        Assert.Equal(email.Trim().ToLowerInvariant(), CustomerContact.NormaliseEmail(email));
    }

    [Theory]
    [InlineData("DE", true)]
    [InlineData("de", true)]
    [InlineData(" us ", true)]
    [InlineData("XX", false)]
    [InlineData("UK", false)]
    [InlineData("DEU", false)]
    [InlineData("", false)]
    public void Countries_are_iso_3166_alpha_2_codes(string country, bool valid) => Assert.Equal(valid, CustomerContact.IsCountry(country));

    [Theory]
    [InlineData("+49 30", "+4930")]
    [InlineData("4930", "+4930")]
    [InlineData("(+1) 202-555", "+1202555")]
    [InlineData("+", null)]
    [InlineData("49a", null)]
    [InlineData("1234567890123456", null)]
    public void A_phone_prefix_is_the_start_of_an_e164_number(string prefix, string? e164) => Assert.Equal(e164, CustomerContact.PhonePrefix(prefix));
}

public sealed class CustomerConsentRulesTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static ConsentEntry Entry(ConsentStatus status, int day, string version = "v1") =>
        new(ConsentPurpose.MarketingEmail, status, "web", version, Monday.AddDays(day), Monday.AddDays(day), "u");

    [Fact]
    public void A_withdrawal_on_either_side_wins_a_merge()
    {
        var withdrawn = Entry(ConsentStatus.Withdrawn, 0);
        var granted = Entry(ConsentStatus.Granted, 3);
        Assert.Same(withdrawn, ConsentRules.Combine(withdrawn, granted));
        Assert.Same(withdrawn, ConsentRules.Combine(granted, withdrawn));
    }

    [Fact]
    public void Between_equal_statuses_the_later_capture_stands_and_a_purpose_only_one_side_recorded_is_kept()
    {
        var older = Entry(ConsentStatus.Granted, 0, "v1");
        var newer = Entry(ConsentStatus.Granted, 2, "v2");
        Assert.Same(newer, ConsentRules.Combine(older, newer));
        Assert.Same(newer, ConsentRules.Combine(newer, older));
        Assert.Same(older, ConsentRules.Combine(null, older));
    }

    [Fact]
    public void Only_granted_purposes_of_a_live_consent_record_are_indexed()
    {
        var consent = new CustomerConsent
        {
            CustomerGuid = "c1",
            Purposes = [Entry(ConsentStatus.Granted, 0), Entry(ConsentStatus.Withdrawn, 0) with { Purpose = ConsentPurpose.DataSharing }],
        };
        var indexed = CustomerConsent.Type.StateIndexes().Single();
        Assert.Equal("customer_consent_by_granted", indexed.Name);
        Assert.True(consent.Grants(ConsentPurpose.MarketingEmail));
        Assert.False(consent.Grants(ConsentPurpose.DataSharing));
        Assert.False(consent.Grants(ConsentPurpose.Profiling));
        Assert.Equal([ConsentPurpose.MarketingEmail, ConsentPurpose.DataSharing],
            consent.With(Entry(ConsentStatus.Withdrawn, 1)).Select(p => p.Purpose));
    }

    [Fact]
    public void Flag_codes_are_lower_case_words_joined_by_underscores()
    {
        Assert.True(CustomerFlagRules.IsCode(" VIP "));
        Assert.True(CustomerFlagRules.IsCode("do_not_contact"));
        Assert.False(CustomerFlagRules.IsCode("x"));
        Assert.False(CustomerFlagRules.IsCode("do not contact"));
        Assert.False(CustomerFlagRules.IsCode("1st"));
    }

    [Fact]
    public void A_merged_customer_is_not_found_by_name_and_its_lifecycle_is_final()
    {
        var live = new Customer { CustomerGuid = "c1", Email = "ada@example.com", Phone = "+4930123456", GivenName = "Ada", CreatedBy = "u" };
        Assert.Equal("Ada ada@example.com 4930123456", CustomerRules.SearchText(live));
        Assert.Null(CustomerRules.SearchText(live with { Status = CustomerStatus.Merged, MergedInto = "c2" }));
        Assert.Empty(CustomerRules.Lifecycle.AllowedFrom(CustomerStatus.Merged));
        Assert.True(CustomerRules.Lifecycle.CanMove(CustomerStatus.Active, CustomerStatus.Inactive));
    }
}
