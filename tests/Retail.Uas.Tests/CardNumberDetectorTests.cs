using Retail.Uas.PaymentMethods;

namespace Retail.Uas.Tests;

public sealed class CardNumberDetectorTests
{
    [Theory]
    [InlineData("4242424242424242")]
    [InlineData("4242 4242 4242 4242")]
    [InlineData("4242-4242-4242-4242")]
    [InlineData("pm_4111111111111111")]
    [InlineData("my amex 378282246310005")]
    [InlineData("6011111111111117")]
    public void a_luhn_valid_card_number_is_found(string text) => Assert.True(CardNumberDetector.ContainsCardNumber(text));

    [Theory]
    [InlineData("pm_1PqRsT2eZvKYlo2C8nF3xYzA")]
    [InlineData("4242424242424241")]
    [InlineData("424242424242")]
    [InlineData("Personal Visa")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("order 12345678901234567890123")]
    public void tokens_labels_and_non_card_digits_pass(string? text) => Assert.False(CardNumberDetector.ContainsCardNumber(text));

    [Fact]
    public void the_luhn_check_matches_known_values()
    {
        Assert.True(CardNumberDetector.PassesLuhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]));
        Assert.False(CardNumberDetector.PassesLuhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4]));
    }
}
