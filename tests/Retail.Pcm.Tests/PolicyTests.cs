using Retail.Pcm.Policy;

namespace Retail.Pcm.Tests;

public sealed class PolicyTests
{
    [Fact]
    public void A_currency_without_its_own_threshold_uses_the_default()
    {
        var policy = ProcurementPolicy.Default with
        {
            ApprovalThresholdsMinor = new Dictionary<string, long> { ["EUR"] = 500_000 },
            DefaultApprovalThresholdMinor = 100_000,
        };
        Assert.Equal(500_000, policy.ThresholdFor("EUR"));
        Assert.Equal(100_000, policy.ThresholdFor("USD"));
        Assert.Null(ProcurementPolicy.Default.ThresholdFor("EUR"));
    }
}
