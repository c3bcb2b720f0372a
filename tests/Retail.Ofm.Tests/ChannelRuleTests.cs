using Retail.Ofm.Channels;

namespace Retail.Ofm.Tests;

/// <summary>A channel's locales are BCP 47 tags the platform knows, kept in canonical casing; currencies are three letters.</summary>
public sealed class ChannelRuleTests
{
    [Theory]
    [InlineData("en")]
    [InlineData("en-GB")]
    [InlineData("zh-Hant-TW")]
    [InlineData("es-419")]
    [InlineData("DE-de")]
    public void a_known_language_tag_is_a_locale(string tag) => Assert.True(ChannelRules.IsLocale(tag));

    [Theory]
    [InlineData("english")]
    [InlineData("en_GB")]
    [InlineData("en-GB-oxendict")]
    [InlineData("qq-ZZ")]
    [InlineData("")]
    [InlineData(null)]
    public void anything_else_is_not(string? tag) => Assert.False(ChannelRules.IsLocale(tag));

    [Theory]
    [InlineData("EN-gb", "en-GB")]
    [InlineData("zh-hant-tw", "zh-Hant-TW")]
    [InlineData(" es-419 ", "es-419")]
    public void a_locale_is_kept_in_canonical_casing(string tag, string canonical) => Assert.Equal(canonical, ChannelRules.NormalizeLocale(tag));

    [Fact]
    public void locales_differing_only_in_casing_are_kept_once_in_their_first_order() =>
        Assert.Equal(["de-DE", "en-GB"], ChannelRules.NormalizeLocales(["de-de", "en-GB", "DE-DE", "en-gb"]));

    [Theory]
    [InlineData("EUR", true)]
    [InlineData("eur", true)]
    [InlineData(null, true)]
    [InlineData("EU", false)]
    [InlineData("EURO", false)]
    [InlineData("E1R", false)]
    public void a_currency_is_three_letters_when_given(string? code, bool valid) => Assert.Equal(valid, ChannelRules.IsCurrency(code));

    [Theory]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e", true)]
    [InlineData("D41D8CD98F00B204E9800998ECF8427E", true)]
    [InlineData("d41d8cd98f00b204e9800998ecf8427", false)]
    [InlineData("g41d8cd98f00b204e9800998ecf8427e", false)]
    [InlineData(null, false)]
    public void a_config_checksum_is_32_hex_digits(string? md5, bool valid) => Assert.Equal(valid, ChannelRules.IsMd5Hex(md5));
}
