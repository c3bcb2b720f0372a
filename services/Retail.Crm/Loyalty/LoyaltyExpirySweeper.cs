using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;

namespace Retail.Crm.Loyalty;

/// <summary>Loyalty's settings (configuration section <c>Crm:Loyalty</c>).</summary>
public sealed class LoyaltyOptions
{
    public const string Section = "Crm:Loyalty";

    /// <summary>How often the sweep looks for points past their expiry.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class LoyaltyOptionsValidator : IValidateOptions<LoyaltyOptions>
{
    public ValidateOptionsResult Validate(string? name, LoyaltyOptions options) =>
        options.ExpirySweepInterval > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{LoyaltyOptions.Section}:{nameof(options.ExpirySweepInterval)} must be positive");
}

/// <summary>
/// Expires points past their expiry across orgs, from the buckets' <c>expires_due</c> index: the due time is data, so a
/// restart loses nothing and the next pass takes what fell due meanwhile. Each customer's expiry is one ledger change
/// (buckets emptied, balance down, an <c>expire</c> entry, <c>loyalty.expired</c>), ETag-checked like any other.
/// </summary>
public sealed class LoyaltyExpirySweeper(IServiceProvider services, TimeProvider clock, IOptions<LoyaltyOptions> options,
    ILogger<LoyaltyExpirySweeper> logger) : PeriodicSweep(clock, logger)
{
    public const int PageSize = 200;

    protected override TimeSpan Interval => options.Value.ExpirySweepInterval;

    protected override string Name => "Loyalty expiry sweep";

    protected override Task PassAsync(CancellationToken ct) => SweepOnceAsync(ct);

    /// <summary>One pass over the points due now. Answers how many points it expired.</summary>
    public async Task<long> SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LoyaltyLedger>();
        long expired = 0;
        string? token = null;
        do
        {
            var page = await ledger.DueAcrossOrgsAsync(PageSize, token, ct);
            foreach (var (orgcode, customer) in page.Items)
            {
                var result = await ledger.ExpireAsync(orgcode, customer, "system:loyalty-expiry", ct);
                expired += -(result.Entry?.Points ?? 0);
            }
            token = page.NextToken;
        }
        while (token is not null);
        return expired;
    }
}
