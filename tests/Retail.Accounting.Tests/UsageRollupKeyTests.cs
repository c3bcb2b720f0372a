using Retail.Accounting.Usage;

namespace Retail.Accounting.Tests;

public sealed class UsageRollupKeyTests
{
    [Fact]
    public void A_rollup_is_keyed_by_day_app_and_cost_centre_with_a_dash_for_none()
    {
        Assert.Equal("2026-12-01:scm:cc-web", UsageRollup.KeyOf("2026-12-01", "scm", "cc-web"));
        Assert.Equal("2026-12-01:scm:-", UsageRollup.KeyOf("2026-12-01", "scm", null));
    }
}
