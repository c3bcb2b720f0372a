using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;

namespace Retail.Ics.Holds;

/// <summary>ICS's settings of holds (configuration section <c>Ics</c>).</summary>
public sealed class HoldOptions
{
    public const string Section = "Ics";

    /// <summary>How often the sweeper looks for holds whose time ran out.</summary>
    public TimeSpan ReservationSweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class HoldOptionsValidator : IValidateOptions<HoldOptions>
{
    public ValidateOptionsResult Validate(string? name, HoldOptions options) =>
        options.ReservationSweepInterval > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{HoldOptions.Section}:{nameof(options.ReservationSweepInterval)} must be positive");
}

/// <summary>
/// Expires holds whose time ran out, across orgs, from the <c>expires_due</c> index: the due time is data, so a restart
/// loses nothing and the next pass picks up what was due meanwhile. Each expiry is one ledger change (stock back to
/// <c>available</c>, the hold expired, <c>reservation.expired</c>); a hold released, expired or changed by someone else
/// in between is skipped, its ETag saying so.
/// </summary>
public sealed class ReservationSweeper(IServiceProvider services, TimeProvider clock, IOptions<HoldOptions> options, ILogger<ReservationSweeper> logger)
    : PeriodicSweep(clock, logger)
{
    public const int PageSize = 200;

    protected override TimeSpan Interval => options.Value.ReservationSweepInterval;

    protected override string Name => "Reservation sweep";

    protected override Task PassAsync(CancellationToken ct) => SweepOnceAsync(ct);

    /// <summary>One pass over the holds due now, a page of <see cref="PageSize"/> at a time. Answers how many it expired.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var holds = scope.ServiceProvider.GetRequiredService<RecordStore<Hold>>();
        var changes = scope.ServiceProvider.GetRequiredService<HoldChanges>();
        var now = Clock.GetUtcNow();
        var expired = 0;
        string? token = null;
        do
        {
            var page = await holds.ListAcrossOrgsAsync([StateFilter.Lt("expires_due", now.ToUnixTimeMilliseconds())], PageSize, token, ct: ct);
            foreach (var (orgcode, due) in page.Items)
            {
                // Read again for its ETag: the index row may be older than the hold.
                if (await holds.GetAsync(orgcode, due.HoldGuid, ct: ct) is not { Record: { Status: HoldStatus.Active, ExpiresAt: { } at } } current || at >= now)
                {
                    continue;
                }
                var (ended, problem) = await changes.EndAsync(orgcode, current, HoldStatus.Expired, "ttl", ct);
                if (ended is not null)
                {
                    expired++;
                }
                else
                {
                    logger.LogDebug("Hold {HoldGuid} of {Orgcode} was not expired ({Status}); someone else changed it first", due.HoldGuid, orgcode,
                        problem?.ProblemDetails.Status);
                }
            }
            token = page.NextToken;
        }
        while (token is not null);
        return expired;
    }
}
