namespace Retail.Scm.Tests;

public sealed class EventTests
{
    [Fact]
    public void The_webhook_set_is_the_seeds_twenty_distinct_types()
    {
        Assert.Equal(20, ScmEvents.Webhook.Count);
        Assert.Equal(20, ScmEvents.Webhook.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ScmEvents.Webhook, t => Assert.Matches("^[a-z]+\\.[a-z_]+$", t));
    }
}
