using Microsoft.Extensions.Options;
using Retail.Uas;
using Retail.Uas.Passcodes;
using Retail.Uas.PaymentMethods;
using Retail.Uas.Users;

namespace Retail.Uas.Tests;

public sealed class ValidatorTests
{
    private static readonly PasscodePolicy Policy = new(Options.Create(new UasOptions()), CommonPasscodes.LoadEmbedded());

    [Fact]
    public void a_passcode_set_takes_exactly_one_of_token_and_current_passcode()
    {
        var validator = new SetPasscodeRequestValidator(Policy);
        Assert.True(validator.Validate(new SetPasscodeRequest("ada@example.com", "violet-harbour-57-kettle", "tok", null)).IsValid);
        Assert.True(validator.Validate(new SetPasscodeRequest("ada@example.com", "violet-harbour-57-kettle", null, "old")).IsValid);
        Assert.False(validator.Validate(new SetPasscodeRequest("ada@example.com", "violet-harbour-57-kettle", null, null)).IsValid);
        Assert.False(validator.Validate(new SetPasscodeRequest("ada@example.com", "violet-harbour-57-kettle", "tok", "old")).IsValid);
    }

    [Fact]
    public void a_weak_passcode_fails_validation_without_its_value_attached()
    {
        var result = new CompletePasscodeResetRequestValidator(Policy).Validate(new CompletePasscodeResetRequest("ada@example.com", "tok", "ada-secret"));
        var failure = Assert.Single(result.Errors.Select(e => e.AttemptedValue).Distinct());
        Assert.Null(failure);
    }

    [Fact]
    public void a_card_number_passes_the_shape_rules_so_the_handler_can_refuse_it_by_name()
    {
        var validator = new AddPaymentMethodRequestValidator();
        var request = new AddPaymentMethodRequest(Guid.NewGuid().ToString(), "stripe", "4242 4242 4242 4242", "visa", "4242", 12, 2030, null);
        Assert.True(validator.Validate(request).IsValid);
        Assert.Equal("token", PaymentMethodsApi.CardDataField(request));
    }

    [Fact]
    public void a_payment_method_needs_its_reference_fields()
    {
        var result = new AddPaymentMethodRequestValidator().Validate(new AddPaymentMethodRequest("nope", "Stripe Inc", "", "", "42", 13, null, null));
        Assert.Equal(["UserGuid", "Provider", "Token", "Brand", "Last4", "ExpMonth", "ExpYear"], result.Errors.Select(e => e.PropertyName).Distinct());
    }

    [Fact]
    public void get_user_takes_at_most_one_of_guid_and_email_and_neither_means_the_caller()
    {
        var validator = new GetUserRequestValidator();
        Assert.True(validator.Validate(new GetUserRequest(Guid.NewGuid().ToString(), null)).IsValid);
        Assert.True(validator.Validate(new GetUserRequest(null, "ada@example.com")).IsValid);
        Assert.True(validator.Validate(new GetUserRequest(null, null)).IsValid);
        Assert.False(validator.Validate(new GetUserRequest(Guid.NewGuid().ToString(), "ada@example.com")).IsValid);
    }
}
