using Retail.Shared.Contract;

namespace Retail.Shared.Tests.Contract;

/// <summary>The comparison every credential resolver makes, in constant time: these pin what it answers.</summary>
public sealed class SecretComparerTests
{
    [Theory]
    [InlineData("op_0123456789abcdef", "op_0123456789abcdef", true)]
    [InlineData("op_0123456789abcdeF", "op_0123456789abcdef", false)]
    [InlineData("op_0123456789abcde", "op_0123456789abcdef", false)]
    [InlineData("op_0123456789abcdef0", "op_0123456789abcdef", false)]
    [InlineData("", "op_0123456789abcdef", false)]
    [InlineData("clé-secrète-ü", "clé-secrète-ü", true)]
    [InlineData("clé-secrète-u", "clé-secrète-ü", false)]
    [InlineData("op_0123op_0123", "op_0123", false)]
    [InlineData("op_0123", "op_0123op_0123", false)]
    [InlineData("", "", true)]
    [InlineData("x", "", false)]
    public void A_presented_secret_matches_only_the_same_text(string presented, string expected, bool matches)
    {
        // Fresh instances, as a header's value and a configured key are: equality is by content, never by reference.
        Assert.Equal(matches, SecretComparer.Matches(new string(presented.AsSpan()), new string(expected.AsSpan())));
        Assert.Equal(matches, SecretComparer.Matches(presented, expected));
        Assert.Equal(matches, SecretComparer.Matches(presented, expected));
    }

    [Fact]
    public void A_presented_value_longer_than_any_key_is_compared_whole()
    {
        var expected = new string('k', 3000);

        Assert.True(SecretComparer.Matches(new string('k', 3000), expected));
        Assert.False(SecretComparer.Matches(new string('k', 2999) + "x", expected));
        Assert.False(SecretComparer.Matches(new string('k', 3001), expected));
    }

    [Fact]
    public void A_replaced_secret_is_compared_as_itself_and_the_old_one_no_longer_matches()
    {
        var before = new string("rotate-me-1".AsSpan());
        Assert.True(SecretComparer.Matches("rotate-me-1", before));

        var after = new string("rotate-me-2".AsSpan());
        Assert.True(SecretComparer.Matches("rotate-me-2", after));
        Assert.False(SecretComparer.Matches("rotate-me-1", after));
        Assert.False(SecretComparer.Matches("rotate-me-2", before));
    }
}
