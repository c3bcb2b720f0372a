using Retail.Uas.Tokens;

namespace Retail.Uas.Tests;

public sealed class TokenTests
{
    [Fact]
    public void a_token_is_url_safe_and_carries_at_least_128_bits()
    {
        var token = SecretToken.Generate();
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.True(token.Length * 6 >= 128);
        Assert.NotEqual(token, SecretToken.Generate());
    }

    [Fact]
    public void a_token_is_stored_as_its_sha256_hash_and_matches_only_itself()
    {
        var token = SecretToken.Generate();
        var hash = SecretToken.Hash(token);
        Assert.Equal(64, hash.Length);
        Assert.DoesNotContain(token, hash, StringComparison.Ordinal);
        Assert.True(SecretToken.Matches(token, hash));
        Assert.False(SecretToken.Matches(token + "x", hash));
        Assert.False(SecretToken.Matches(token, "not-hex"));
    }

    [Fact]
    public void the_sha256_of_a_known_value_is_the_standard_one() =>
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SecretToken.Hash("abc"));
}
