using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;

namespace Retail.Influencer.Earnings;

/// <summary>Earnings settings (configuration section <c>Influencer:Earnings</c>).</summary>
public sealed class EarningsOptions
{
    public const string Section = "Influencer:Earnings";

    /// <summary>How often the sweep looks for pending earnings whose return window has passed.</summary>
    public TimeSpan AvailabilitySweepInterval { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class EarningsOptionsValidator : IValidateOptions<EarningsOptions>
{
    public ValidateOptionsResult Validate(string? name, EarningsOptions options) =>
        // A periodic timer takes at most 2^32 − 2 ms (about 49 days).
        options.AvailabilitySweepInterval > TimeSpan.Zero && options.AvailabilitySweepInterval <= TimeSpan.FromMilliseconds(uint.MaxValue - 1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{EarningsOptions.Section}:{nameof(options.AvailabilitySweepInterval)} must be positive and at most 49 days");
}

/// <summary>
/// Moves pending earnings to available once their return window has passed, across orgs, from the earnings'
/// <c>available_due</c> index: the due time is data, so a restart loses nothing. Each earning is one ledger change (status,
/// balance pending → available, <c>earning.available</c>) in bounded pages; an earning that leaves the index is not read again.
/// </summary>
public sealed class EarningsSweeper(IServiceProvider services, TimeProvider clock, IOptions<EarningsOptions> options, ILogger<EarningsSweeper> logger)
    : PeriodicSweep(clock, logger)
{
    public const int PageSize = 200;

    /// <summary>At most this many pages a pass; the rest waits for the next pass.</summary>
    public const int MaxPages = 50;

    protected override TimeSpan Interval => options.Value.AvailabilitySweepInterval;

    protected override string Name => "Earnings availability sweep";

    protected override Task PassAsync(CancellationToken ct) => SweepOnceAsync(ct);

    /// <summary>One pass over the earnings due now. Answers how many became available.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<EarningsLedger>();
        var moved = 0;
        for (var page = 0; page < MaxPages; page++)
        {
            var due = await ledger.DueAcrossOrgsAsync(PageSize, ct);
            var progress = false;
            foreach (var (orgcode, earning) in due)
            {
                var result = await ledger.MakeAvailableAsync(orgcode, earning, "system:availability", ct);
                if (result.Earning is not null)
                {
                    moved++;
                    progress = true;
                }
            }
            if (due.Count < PageSize || !progress)
            {
                break;
            }
        }
        return moved;
    }
}
