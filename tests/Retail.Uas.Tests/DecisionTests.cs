using Retail.Shared.Contract;
using Retail.Uas.PaymentMethods;
using Retail.Uas.Users;

namespace Retail.Uas.Tests;

public sealed class DecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static PaymentMethod Method(string guid, int minutes, int? primaryAt = null, bool doomed = false) => new()
    {
        PaymentMethodGuid = guid,
        UserGuid = "u",
        Provider = "stripe",
        Token = "pm_" + guid,
        Brand = "visa",
        Last4 = "4242",
        ExpMonth = 12,
        ExpYear = 2030,
        CreatedAt = T0.AddMinutes(minutes),
        PrimarySince = primaryAt is null ? null : T0.AddMinutes(primaryAt.Value),
        DoomedAt = doomed ? T0.AddHours(1) : null,
    };

    [Fact]
    public void the_first_added_method_is_primary() =>
        Assert.Equal("a", PrimaryRule.PrimaryOf([Method("b", 2), Method("a", 1), Method("c", 3)]));

    [Fact]
    public void the_method_most_recently_made_primary_wins() =>
        Assert.Equal("c", PrimaryRule.PrimaryOf([Method("a", 1), Method("b", 2, primaryAt: 5), Method("c", 3, primaryAt: 9)]));

    [Fact]
    public void removing_the_primary_promotes_the_next_live_method()
    {
        Assert.Equal("a", PrimaryRule.PrimaryOf([Method("a", 1), Method("b", 2, primaryAt: 5, doomed: true), Method("c", 3)]));
        Assert.Equal("c", PrimaryRule.PrimaryOf([Method("a", 1, doomed: true), Method("c", 3)]));
    }

    [Fact]
    public void no_live_method_means_no_primary() =>
        Assert.Null(PrimaryRule.PrimaryOf([Method("a", 1, doomed: true)]));

    [Fact]
    public void a_user_may_act_only_on_themself_the_operator_on_anyone()
    {
        Assert.True(UserAccess.MayActOn(new Principal("u1", PrincipalKind.User), "u1"));
        Assert.False(UserAccess.MayActOn(new Principal("u1", PrincipalKind.User), "u2"));
        Assert.True(UserAccess.MayActOn(Principal.Operator("key"), "u2"));
        Assert.False(UserAccess.MayActOn(new Principal("sa", PrincipalKind.ServiceAccount, "acme", Role.Admin), "u2"));
        Assert.False(UserAccess.MayActOn(null, "u1"));
    }

    [Theory]
    [InlineData("  Ada@Example.COM ", "ada@example.com")]
    [InlineData("bob@shop.co.uk", "bob@shop.co.uk")]
    public void an_email_is_trimmed_and_lower_cased(string given, string expected)
    {
        Assert.Equal(expected, EmailAddress.Normalise(given));
        Assert.True(EmailAddress.IsValid(given));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("a b@example.com")]
    [InlineData("ada@localhost")]
    public void a_malformed_email_is_not_valid(string given) => Assert.False(EmailAddress.IsValid(given));

    [Fact]
    public void an_email_longer_than_254_characters_is_not_valid() =>
        Assert.False(EmailAddress.IsValid(new string('a', 60) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com"));

    [Fact]
    public void a_card_number_in_any_text_field_names_that_field()
    {
        var request = new AddPaymentMethodRequest("u", "stripe", "pm_abc", "visa", "4242", 12, 2030, "card 4242 4242 4242 4242");
        Assert.Equal("label", PaymentMethodsApi.CardDataField(request));
        Assert.Null(PaymentMethodsApi.CardDataField(request with { Label = "Personal" }));
    }
}
