using Retail.Rbs.Subscriptions;

namespace Retail.Rbs.Tests;

public sealed class SubscriptionValidationTests
{
    private static readonly RegisterSubscriptionRequestValidator Register = new();

    [Fact]
    public void a_registration_with_known_topics_and_simple_filters_is_valid()
    {
        var result = Register.Validate(new RegisterSubscriptionRequest("https://partner.example/hooks", ["customer.created", "order.*"],
            [new FilterRequest("channel_code", "web")], "ERP"));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void unknown_topics_missing_ones_and_bad_filters_are_named()
    {
        var result = Register.Validate(new RegisterSubscriptionRequest("https://partner.example/hooks", ["customer.created", "customer.exploded"],
            [new FilterRequest("Channel Code", "web"), new FilterRequest("channel_code", null)], null));
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.PropertyName.StartsWith("Topics", StringComparison.Ordinal) && e.ErrorMessage.Contains("customer.exploded", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.PropertyName.Contains("Field", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.PropertyName.Contains("Value", StringComparison.Ordinal));

        Assert.Contains(Register.Validate(new RegisterSubscriptionRequest("https://partner.example/hooks", [], null, null)).Errors,
            e => e.PropertyName == "Topics");
        Assert.Contains(Register.Validate(new RegisterSubscriptionRequest(null, ["customer.created"], null, null)).Errors, e => e.PropertyName == "Url");
        Assert.Contains(Register.Validate(new RegisterSubscriptionRequest("not a url", ["customer.created"], null, null)).Errors, e => e.PropertyName == "Url");
    }

    [Fact]
    public void status_set_only_names_active_or_paused()
    {
        var validator = new SetSubscriptionStatusRequestValidator();
        Assert.True(validator.Validate(new SetSubscriptionStatusRequest(Guid.NewGuid().ToString(), 1, SubscriptionStatus.Paused, null)).IsValid);
        Assert.False(validator.Validate(new SetSubscriptionStatusRequest(Guid.NewGuid().ToString(), 1, SubscriptionStatus.Disabled, null)).IsValid);
        Assert.False(validator.Validate(new SetSubscriptionStatusRequest(Guid.NewGuid().ToString(), 1, SubscriptionStatus.Unregistered, null)).IsValid);
    }
}
