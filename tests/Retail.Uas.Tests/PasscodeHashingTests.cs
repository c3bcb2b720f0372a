using Microsoft.Extensions.Options;
using Retail.Uas;
using Retail.Uas.Passcodes;

namespace Retail.Uas.Tests;

public sealed class PasscodeHashingTests
{
    // Cheap settings: the test checks the format and the comparison, not the cost.
    private static readonly PasscodeHasher Hasher = new(Options.Create(new UasOptions { Argon2 = new Argon2Settings { MemoryKib = 1024, Iterations = 1 } }));

    [Fact]
    public void a_hash_is_a_salted_argon2id_phc_string_that_verifies_only_its_passcode()
    {
        var hash = Hasher.Hash("violet-harbour-57-kettle");
        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain("violet", hash, StringComparison.Ordinal);
        Assert.True(Hasher.Verify("violet-harbour-57-kettle", hash));
        Assert.False(Hasher.Verify("violet-harbour-57-kettlE", hash));
        Assert.NotEqual(hash, Hasher.Hash("violet-harbour-57-kettle"));
    }

    [Fact]
    public void a_hash_made_with_other_settings_still_verifies()
    {
        var strong = new PasscodeHasher(Options.Create(new UasOptions { Argon2 = new Argon2Settings { MemoryKib = 2048, Iterations = 2 } }));
        Assert.True(Hasher.Verify("violet-harbour-57-kettle", strong.Hash("violet-harbour-57-kettle")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("$argon2id$v=19$m=x,t=1,p=1$c2FsdA$aGFzaA")]
    [InlineData("$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA")]
    public void a_malformed_hash_verifies_nothing(string stored) => Assert.False(Hasher.Verify("anything-at-all", stored));

    [Fact]
    public void the_reuse_window_keeps_the_last_n_hashes_newest_first()
    {
        var now = DateTimeOffset.UnixEpoch;
        PasscodeCredential? credential = null;
        foreach (var hash in new[] { "h1", "h2", "h3", "h4", "h5", "h6", "h7" })
        {
            credential = PasscodeCredential.Rotate(credential, hash, window: 5, now);
        }
        Assert.Equal(["h7", "h6", "h5", "h4", "h3"], PasscodeCredential.RecentHashes(credential, 5));
        Assert.Equal("h7", credential!.CurrentHash);
        Assert.Equal(4, credential.PreviousHashes.Count);
    }

    [Fact]
    public void there_is_nothing_to_reuse_before_the_first_passcode() =>
        Assert.Empty(PasscodeCredential.RecentHashes(null, 5));
}
