using Retail.Pvm.Identifiers;

namespace Retail.Pvm.Tests;

public sealed class GtinTests
{
    [Theory]
    [InlineData("96385074", BarcodeSymbology.Gtin8)]
    [InlineData("036000291452", BarcodeSymbology.Gtin12)]
    [InlineData("4006381333931", BarcodeSymbology.Gtin13)]
    [InlineData("5901234123457", BarcodeSymbology.Gtin13)]
    [InlineData("10614141000415", BarcodeSymbology.Gtin14)]
    public void published_gtins_of_every_length_are_valid_and_their_length_names_their_symbology(string gtin, BarcodeSymbology symbology)
    {
        Assert.Null(Gtin.Problem(gtin, symbology));
        Assert.Equal(symbology, Gtin.Infer(gtin));
        Assert.Equal(gtin[^1] - '0', Gtin.CheckDigitOf(gtin.AsSpan(0, gtin.Length - 1)));
    }

    [Theory]
    [InlineData("96385073", BarcodeSymbology.Gtin8, 4)]
    [InlineData("036000291450", BarcodeSymbology.Gtin12, 2)]
    [InlineData("4006381333932", BarcodeSymbology.Gtin13, 1)]
    [InlineData("10614141000418", BarcodeSymbology.Gtin14, 5)]
    public void a_wrong_check_digit_is_refused_naming_the_digit_it_should_be(string gtin, BarcodeSymbology symbology, int expected)
    {
        var problem = Gtin.Problem(gtin, symbology);
        Assert.NotNull(problem);
        Assert.Contains($"wrong check digit {gtin[^1]}", problem, StringComparison.Ordinal);
        Assert.EndsWith($"should be {expected}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void every_other_last_digit_of_a_valid_gtin13_is_refused()
    {
        const string payload = "400638133393";
        var right = Gtin.CheckDigitOf(payload);
        for (var digit = 0; digit <= 9; digit++)
        {
            var problem = Gtin.Problem(payload + digit, BarcodeSymbology.Gtin13);
            Assert.True(digit == right ? problem is null : problem is not null, $"{payload}{digit}: {problem}");
        }
    }

    [Theory]
    [InlineData("400638133393", BarcodeSymbology.Gtin13)]
    [InlineData("40063813339311", BarcodeSymbology.Gtin13)]
    [InlineData("400638133393A", BarcodeSymbology.Gtin13)]
    [InlineData("4006381333931", BarcodeSymbology.Gtin12)]
    [InlineData("4006381333931", BarcodeSymbology.Gtin14)]
    [InlineData("", BarcodeSymbology.Gtin8)]
    public void a_gtin_of_the_wrong_length_or_with_letters_is_refused_by_its_length(string value, BarcodeSymbology symbology)
    {
        var problem = Gtin.Problem(value, symbology);
        Assert.NotNull(problem);
        Assert.Contains($"is {Gtin.LengthOf(symbology)} digits", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SKU-0001")]
    [InlineData("a")]
    [InlineData("store.7_bin-3")]
    [InlineData("4006381333932")]
    public void internal_codes_carry_no_check_digit(string value) => Assert.Null(Gtin.Problem(value, BarcodeSymbology.Internal));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("pipe|split")]
    [InlineData("ümlaut")]
    public void internal_codes_are_letters_digits_and_a_few_marks(string value) => Assert.NotNull(Gtin.Problem(value, BarcodeSymbology.Internal));

    [Fact]
    public void an_internal_code_is_at_most_48_characters()
    {
        Assert.Null(Gtin.Problem(new string('a', 48), BarcodeSymbology.Internal));
        Assert.NotNull(Gtin.Problem(new string('a', 49), BarcodeSymbology.Internal));
    }

    [Theory]
    [InlineData("96385074", BarcodeSymbology.Gtin8)]
    [InlineData("036000291452", BarcodeSymbology.Gtin12)]
    [InlineData("4006381333932", BarcodeSymbology.Gtin13)]
    [InlineData("10614141000415", BarcodeSymbology.Gtin14)]
    [InlineData("1234567", BarcodeSymbology.Internal)]
    [InlineData("123456789", BarcodeSymbology.Internal)]
    [InlineData("123456789012345", BarcodeSymbology.Internal)]
    [InlineData("ABC12345", BarcodeSymbology.Internal)]
    [InlineData("4006381333-93", BarcodeSymbology.Internal)]
    [InlineData("", BarcodeSymbology.Internal)]
    public void a_symbology_left_out_is_inferred_from_the_digit_count_when_all_digits(string value, BarcodeSymbology inferred) =>
        Assert.Equal(inferred, Gtin.Infer(value));

    [Fact]
    public void an_inferred_gtin_is_still_checked_so_a_typo_in_a_scanned_ean_is_not_taken_as_internal()
    {
        const string typo = "4006381333932";
        Assert.Equal(BarcodeSymbology.Gtin13, Gtin.Infer(typo));
        Assert.NotNull(Gtin.Problem(typo, Gtin.Infer(typo)));
    }

    [Fact]
    public void symbologies_and_lengths_agree_both_ways()
    {
        foreach (var symbology in new[] { BarcodeSymbology.Gtin8, BarcodeSymbology.Gtin12, BarcodeSymbology.Gtin13, BarcodeSymbology.Gtin14 })
        {
            Assert.Equal(symbology, Gtin.SymbologyOf(new string('0', Gtin.LengthOf(symbology))));
        }
        Assert.Equal(0, Gtin.LengthOf(BarcodeSymbology.Internal));
        Assert.Null(Gtin.SymbologyOf("0000000000"));
    }
}
