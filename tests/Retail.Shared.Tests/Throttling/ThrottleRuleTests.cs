using Retail.Shared.Throttling;

namespace Retail.Shared.Tests.Throttling;

public sealed class ThrottleRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(60);
    private static readonly ThrottleRule Mail = new(5, TimeSpan.FromDays(1), Gap);
    private static readonly ThrottleRule Guesses = new(5, TimeSpan.FromMinutes(15));

    [Fact]
    public void the_first_attempt_may_go()
    {
        Assert.Null(Mail.WaitAfter([], Now));
    }

    [Fact]
    public void a_second_attempt_within_the_gap_waits_for_the_rest_of_it()
    {
        Assert.Equal(TimeSpan.FromSeconds(40), Mail.WaitAfter([Now.AddSeconds(-20)], Now));
    }

    [Fact]
    public void the_cap_waits_until_the_oldest_attempt_of_the_window_leaves_it()
    {
        var sent = Enumerable.Range(1, 5).Select(h => Now.AddHours(-h)).ToList();
        Assert.Equal(TimeSpan.FromHours(19), Mail.WaitAfter(sent, Now));
    }

    [Fact]
    public void attempts_older_than_the_window_are_forgotten()
    {
        var sent = Enumerable.Range(25, 5).Select(h => Now.AddHours(-h)).Append(Now.AddHours(-2)).ToList();
        Assert.Null(Mail.WaitAfter(sent, Now));
        Assert.Single(Mail.Recent(sent, Now));
    }

    [Fact]
    public void failures_within_the_window_cap_attempts_until_the_oldest_leaves_it()
    {
        var failures = Enumerable.Range(1, 5).Select(m => Now.AddMinutes(-m)).ToList();
        Assert.Equal(TimeSpan.FromMinutes(10), Guesses.WaitAfter(failures, Now));
        Assert.Null(Guesses.WaitAfter(failures.Take(4).ToList(), Now));
    }

    [Fact]
    public void after_the_free_attempts_each_further_one_waits_twice_as_long_as_the_last()
    {
        var rule = new ThrottleRule(100, TimeSpan.FromMinutes(15), FreeAttempts: 3, ProgressiveDelay: TimeSpan.FromSeconds(1), MaxDelay: TimeSpan.FromMinutes(1));
        List<DateTimeOffset> three = [Now.AddSeconds(-30), Now.AddSeconds(-20), Now.AddMilliseconds(-200)];

        Assert.Null(rule.WaitAfter(three.Take(2).ToList(), Now));
        Assert.Equal(TimeSpan.FromMilliseconds(800), rule.WaitAfter(three, Now));
        List<DateTimeOffset> five = [.. three.Take(2), Now.AddSeconds(-10), Now.AddSeconds(-5), Now.AddSeconds(-1)];
        Assert.Equal(TimeSpan.FromSeconds(3), rule.WaitAfter(five, Now));
    }

    [Fact]
    public void the_progressive_delay_is_capped()
    {
        var rule = new ThrottleRule(1000, TimeSpan.FromHours(1), FreeAttempts: 1, ProgressiveDelay: TimeSpan.FromSeconds(1), MaxDelay: TimeSpan.FromMinutes(1));
        var many = Enumerable.Range(1, 40).Select(i => Now.AddSeconds(-i * 70)).Append(Now).ToList();
        Assert.Equal(TimeSpan.FromMinutes(1), rule.WaitAfter(many, Now));
    }
}
