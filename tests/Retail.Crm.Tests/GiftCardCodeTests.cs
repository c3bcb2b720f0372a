using Retail.Crm.GiftCards;

namespace Retail.Crm.Tests;

public sealed class GiftCardCodeTests
{
    [Fact]
    public void New_codes_are_16_unambiguous_characters_and_do_not_repeat()
    {
        var codes = Enumerable.Range(0, 1000).Select(_ => GiftCardCodes.New()).ToList();
        Assert.All(codes, c => Assert.Matches("^[2-9A-HJ-NP-Z]{16}$", c));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal(32, GiftCardCodes.Alphabet.Distinct().Count());
    }

    [Fact]
    public void A_presented_code_is_read_in_any_case_with_or_without_separators()
    {
        Assert.Equal("K7QM3XHD9PZAW4NE", GiftCardCodes.Normalize("k7qm-3xhd 9pza-w4ne"));
        Assert.Equal("K7QM-3XHD-9PZA-W4NE", GiftCardCodes.Grouped("K7QM3XHD9PZAW4NE"));
        Assert.Null(GiftCardCodes.Normalize("K7QM-3XHD-9PZA-W4N"));
        Assert.Null(GiftCardCodes.Normalize("O7QM-3XHD-9PZA-W4NE"));
        Assert.Null(GiftCardCodes.Normalize("10QM-3XHD-9PZA-W4NE"));
        Assert.Null(GiftCardCodes.Normalize(null));
    }
}
