using Retail.Pvm.Identifiers;

namespace Retail.Pvm.Tests;

public sealed class IdentifierRuleTests
{
    [Theory]
    [InlineData("SKU-123")]
    [InlineData("erp/4711#2")]
    [InlineData("urn:plm:a.b_c")]
    [InlineData("x")]
    public void external_values_are_letters_digits_and_a_few_marks(string value) => Assert.True(VariantRefs.IsValue(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("a|b")]
    [InlineData("ünicode")]
    [InlineData("tab\there")]
    public void anything_else_is_not_a_value(string? value) => Assert.False(VariantRefs.IsValue(value));

    [Fact]
    public void a_value_is_at_most_128_characters()
    {
        Assert.True(VariantRefs.IsValue(new string('a', 128)));
        Assert.False(VariantRefs.IsValue(new string('a', 129)));
    }

    [Fact]
    public void a_type_and_value_that_would_not_fit_one_key_are_refused_on_value()
    {
        var validator = new AddIdentifierRequestValidator();
        Assert.True(validator.Validate(new AddIdentifierRequest(null, "tee-s-red", "sku", new string('a', 124))).IsValid);
        var tooLong = validator.Validate(new AddIdentifierRequest(null, "tee-s-red", "sku", new string('a', 125)));
        Assert.Contains(tooLong.Errors, e => e.PropertyName == "value" && e.ErrorMessage.Contains("at most 127", StringComparison.Ordinal));
    }

    [Fact]
    public void an_identifier_needs_its_variant_a_type_code_and_a_value()
    {
        var result = new AddIdentifierRequestValidator().Validate(new AddIdentifierRequest(null, null, "Not A Code", "v 1"));
        Assert.Contains(result.Errors, e => e.PropertyName == "variant_guid");
        Assert.Contains(result.Errors, e => e.PropertyName == "id_type");
        Assert.Contains(result.Errors, e => e.PropertyName == "value");
    }

    [Fact]
    public void a_barcode_with_a_wrong_check_digit_is_a_field_error_naming_the_digit()
    {
        var result = new AddBarcodeRequestValidator().Validate(new AddBarcodeRequest(null, "tee-s-red", "4006381333932", null, null));
        var error = Assert.Single(result.Errors);
        Assert.Equal("wrong check digit 2: it should be 1", error.ErrorMessage);
    }

    [Fact]
    public void a_barcode_sent_as_another_symbology_is_checked_as_that_one()
    {
        var validator = new AddBarcodeRequestValidator();
        Assert.True(validator.Validate(new AddBarcodeRequest(null, "tee-s-red", "4006381333932", BarcodeSymbology.Internal, null)).IsValid);
        Assert.False(validator.Validate(new AddBarcodeRequest(null, "tee-s-red", "4006381333931", BarcodeSymbology.Gtin14, null)).IsValid);
        Assert.True(validator.Validate(new AddBarcodeRequest(null, "tee-s-red", "ABC-1", null, null)).IsValid);
    }
}
