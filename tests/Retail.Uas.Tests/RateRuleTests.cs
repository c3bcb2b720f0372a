using Retail.Uas.Tokens;

namespace Retail.Uas.Tests;

public sealed class RateRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(60);

    [Fact]
    public void the_first_mail_goes_and_is_counted()
    {
        var decision = RateRule.Decide([], Now, Gap, 5);
        Assert.True(decision.Allowed);
        Assert.Equal([Now], decision.SentAt);
    }

    [Fact]
    public void a_second_mail_within_the_gap_waits_for_the_rest_of_it()
    {
        var decision = RateRule.Decide([Now.AddSeconds(-20)], Now, Gap, 5);
        Assert.False(decision.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(40), decision.RetryAfter);
    }

    [Fact]
    public void the_daily_cap_waits_until_the_oldest_mail_of_the_day_leaves_the_window()
    {
        var sent = Enumerable.Range(1, 5).Select(h => Now.AddHours(-h)).ToList();
        var decision = RateRule.Decide(sent, Now, Gap, 5);
        Assert.False(decision.Allowed);
        Assert.Equal(TimeSpan.FromHours(19), decision.RetryAfter);
    }

    [Fact]
    public void mails_older_than_a_day_are_forgotten()
    {
        var sent = Enumerable.Range(25, 5).Select(h => Now.AddHours(-h)).ToList();
        var decision = RateRule.Decide(sent, Now, Gap, 5);
        Assert.True(decision.Allowed);
        Assert.Equal([Now], decision.SentAt);
    }
}

public sealed class GuessWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void failures_within_the_window_cap_attempts_until_the_oldest_leaves_it()
    {
        var failures = Enumerable.Range(1, 5).Select(m => Now.AddMinutes(-m)).ToList();
        var decision = RateRule.Decide(failures, Now, TimeSpan.Zero, 5, TimeSpan.FromMinutes(15));
        Assert.False(decision.Allowed);
        Assert.Equal(TimeSpan.FromMinutes(10), decision.RetryAfter);
        Assert.True(RateRule.Decide(failures.Take(4).ToList(), Now, TimeSpan.Zero, 5, TimeSpan.FromMinutes(15)).Allowed);
    }
}
