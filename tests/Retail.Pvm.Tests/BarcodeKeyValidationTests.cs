using Retail.Pvm.Identifiers;

namespace Retail.Pvm.Tests;

/// <summary>The barcode key validator's fast path (every <c>/resolve/barcode</c>) answers as its FluentValidation rule does.</summary>
public sealed class BarcodeKeyValidationTests
{
    private static readonly BarcodeKeyRequestValidator Validator = new();

    private static readonly string?[] Samples =
    [
        null, "", " ", "\t", "4006381333931", "abc-DEF_1.2", new string('7', BarcodeRules.MaxLength), new string('7', BarcodeRules.MaxLength + 1),
        "ab c", " 4006381333931", "4006381333931 ", "é123", "12/34", "-", ".", "_", "０１２",
    ];

    public static IEnumerable<object?[]> Values() => Samples.Select(s => new object?[] { s });

    [Theory]
    [MemberData(nameof(Values))]
    public void The_fast_path_answers_as_the_rule_does(string? barcode)
    {
        var request = new BarcodeKeyRequest(barcode);
        Assert.Equal(Validator.Validate(request).IsValid, Validator.Passes(request));
    }

    [Fact]
    public void Only_a_barcode_key_request_passes() => Assert.False(Validator.Passes(new object()));
}
