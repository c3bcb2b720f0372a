using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;

namespace Retail.Influencer.Payouts;

/// <summary>Payouts' settings (configuration section <c>Influencer:Payouts</c>).</summary>
public sealed class PayoutOptions
{
    public const string Section = "Influencer:Payouts";

    /// <summary>How often the sweep re-drives payouts the provider has not answered.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a payout stays submitted before the sweep drives it (its own submit is usually still on it).</summary>
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class PayoutOptionsValidator : IValidateOptions<PayoutOptions>
{
    public ValidateOptionsResult Validate(string? name, PayoutOptions options) =>
        options.SweepInterval > TimeSpan.Zero && options.SweepGrace >= TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PayoutOptions.Section}: SweepInterval must be positive and SweepGrace not negative");
}

/// <summary>
/// Re-drives <c>submitted</c> payouts across orgs (from the payouts' <c>status</c> index): the provider did not answer their
/// submit, or the host stopped between claim and settle. The provider is idempotent by payout guid, so driving a payout
/// its submit is still driving pays it once; the settle is ETag-checked on the payout.
/// </summary>
public sealed class PayoutSweeper(IServiceProvider services, TimeProvider clock, IOptions<PayoutOptions> options, ILogger<PayoutSweeper> logger)
    : PeriodicSweep(clock, logger)
{
    public const int PageSize = 200;

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string Name => "Payout sweep";

    protected override Task PassAsync(CancellationToken ct) => SweepOnceAsync(ct);

    /// <summary>One pass over the submitted payouts older than the grace. Answers how many it settled (paid or failed).</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var payouts = scope.ServiceProvider.GetRequiredService<RecordStore<Payout>>();
        var submissions = scope.ServiceProvider.GetRequiredService<PayoutSubmissions>();
        var due = Clock.GetUtcNow() - options.Value.SweepGrace;
        var settled = 0;
        string? token = null;
        do
        {
            var page = await payouts.ListAcrossOrgsAsync([StateFilter.Eq("status", "submitted")], PageSize, token, ct: ct);
            foreach (var (orgcode, payout) in page.Items.Where(p => p.Record.SubmittedAt <= due))
            {
                var result = await submissions.DriveAsync(orgcode, payout.PayoutGuid, ct);
                if (result.Payout is { Status: not PayoutStatus.Submitted })
                {
                    settled++;
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        return settled;
    }
}
