using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Retail.Shared.Invocation;

namespace Retail.Accounting.Usage;

/// <summary>The time zone whose calendar day an org's usage counts in.</summary>
public interface IOrgTimeZones
{
    ValueTask<TimeZoneInfo> OfAsync(string orgcode, CancellationToken ct);

    /// <summary>Forgets what is known of the org's zone (OFM's <c>org.updated</c>), so the next event asks again.</summary>
    void Forget(string orgcode) { }
}

/// <summary>
/// An org's time zone from OFM's org (<c>time_zone</c>), asked once per org and kept for <see cref="TimeToLive"/> or until
/// OFM's <c>org.updated</c> says it changed, so ingest never calls OFM per event. An org OFM does not know, one without a time zone, or an unknown zone id counts in UTC; when
/// OFM cannot be reached the answer is UTC for a short while only, and asked again after.
/// </summary>
public sealed class OfmOrgTimeZones(IServiceProvider services, TimeProvider clock, ILogger<OfmOrgTimeZones> logger) : IOrgTimeZones
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (TimeZoneInfo Zone, DateTimeOffset Until)> _zones = new(StringComparer.Ordinal);

    public async ValueTask<TimeZoneInfo> OfAsync(string orgcode, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (orgcode == UsageRecord.NoOrg)
        {
            return TimeZoneInfo.Utc;
        }
        if (_zones.TryGetValue(orgcode, out var known) && known.Until > now)
        {
            return known.Zone;
        }
        var (zone, ttl) = await AskAsync(orgcode, ct);
        if (_zones.Count > 100_000)
        {
            _zones.Clear();
        }
        _zones[orgcode] = (zone, now + ttl);
        return zone;
    }

    public void Forget(string orgcode) => _zones.TryRemove(orgcode, out _);

    private async Task<(TimeZoneInfo, TimeSpan)> AskAsync(string orgcode, CancellationToken ct)
    {
        try
        {
            var invoker = services.GetRequiredService<IServiceInvoker>();
            var org = await invoker.GetOrNullAsync<OfmOrgZone>("ofm", "/org/get", new { }, new InvocationOptions(orgcode), ct);
            return (ZoneOf(org?.TimeZone), TimeToLive);
        }
        catch (Exception ex) when (ex is ServiceRefusedException or DependencyUnavailableException or JsonException)
        {
            logger.LogWarning(ex, "The time zone of {Orgcode} could not be read from OFM; its usage counts in UTC for now", orgcode);
            return (TimeZoneInfo.Utc, AfterFailure);
        }
    }

    /// <summary>The zone an org names; UTC when it names none or one this machine does not know.</summary>
    public static TimeZoneInfo ZoneOf(string? id) =>
        id is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>What ingest reads of OFM's org (services/Retail.Ofm/Orgs/Org.cs): its time zone.</summary>
    private sealed record OfmOrgZone(string? TimeZone);
}
