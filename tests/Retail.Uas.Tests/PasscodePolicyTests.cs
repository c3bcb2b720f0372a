using Microsoft.Extensions.Options;
using Retail.Uas;
using Retail.Uas.Passcodes;

namespace Retail.Uas.Tests;

public sealed class PasscodePolicyTests
{
    private static readonly PasscodePolicy Policy = new(Options.Create(new UasOptions()), CommonPasscodes.LoadEmbedded());

    [Fact]
    public void a_long_uncommon_passcode_passes() =>
        Assert.Empty(Policy.Check("violet-harbour-57-kettle", "ada@example.com"));

    [Fact]
    public void a_short_passcode_is_refused() =>
        Assert.Contains(Policy.Check("Sh0rt!pass", "ada@example.com"), p => p.Contains("at least 12", StringComparison.Ordinal));

    [Fact]
    public void an_overlong_passcode_is_refused() =>
        Assert.Contains(Policy.Check(new string('x', 129) + "Qz9", "ada@example.com"), p => p.Contains("at most 128", StringComparison.Ordinal));

    [Theory]
    [InlineData("ada.lovelace@example.com-1")]
    [InlineData("my ADA.LOVELACE passcode")]
    public void a_passcode_holding_the_email_or_its_name_part_is_refused(string passcode) =>
        Assert.Contains(Policy.Check(passcode, " Ada.Lovelace@Example.com "), p => p.Contains("e-mail", StringComparison.Ordinal));

    [Theory]
    [InlineData("passwordpassword")]
    [InlineData("QWERTYUIOPASDF")]
    [InlineData("123456789012")]
    public void a_common_passcode_is_refused_whatever_its_case(string passcode) =>
        Assert.Contains(Policy.Check(passcode, "ada@example.com"), p => p.Contains("too common", StringComparison.Ordinal));

    [Fact]
    public void no_message_repeats_the_passcode()
    {
        const string passcode = "passwordpassword";
        Assert.All(Policy.Check(passcode, "ada@example.com"), p => Assert.DoesNotContain(passcode, p, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void the_embedded_common_list_holds_a_few_hundred_entries() =>
        Assert.InRange(CommonPasscodes.LoadEmbedded().Count, 300, 10_000);
}
