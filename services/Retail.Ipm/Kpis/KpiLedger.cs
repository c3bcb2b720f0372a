using System.Globalization;
using Retail.Shared;
using Retail.Shared.Json;
using Retail.Shared.Collaboration;

namespace Retail.Ipm.Kpis;

/// <summary>The outcome of recording a value: the value, or the problem (its rollups kept changing under it).</summary>
public sealed record KpiRecorded(KpiValue? Value, ProblemHttpResult? Problem);

/// <summary>
/// KPI values and their rollups: a value is written with its minute and hour rollups in one transaction (rollups
/// ETag-checked; a lost race reads and decides again), then the KPI's alerts are evaluated. Queries read rollups through
/// their (org, name, grain, bucket) index, page by page, never the raw values.
/// </summary>
public sealed class KpiLedger(RecordStore<KpiValue> values, RecordStore<KpiRollup> rollups, RecordStore<KpiAlert> alerts, IServiceProvider services,
    TimeProvider clock)
{
    public const int Attempts = 6;
    public const int PageSize = 500;
    public const int MaxAlertsPerKpi = 100;

    /// <summary>Most rollups one query or evaluation reads (buckets × dimension sets); more is 422 <c>kpi_query_too_large</c>.</summary>
    public const int MaxRollupsRead = 50_000;

    private static readonly KpiGrain[] Grains = [KpiGrain.Minute, KpiGrain.Hour];

    public async Task<KpiRecorded> RecordAsync(string orgcode, string name, double value, IReadOnlyDictionary<string, string> dimensions,
        DateTimeOffset observedAt, CancellationToken ct)
    {
        var recorded = new KpiValue { KpiValueGuid = Ids.New(), Name = name, Value = value, Dimensions = dimensions, ObservedAt = observedAt };
        var keys = Grains.ToDictionary(g => g, g => KpiRollup.KeyOf(name, g, KpiRules.Floor(observedAt, g), dimensions));
        for (var attempt = 1; ; attempt++)
        {
            var batch = new RecordBatch();
            var written = values.Create(batch, orgcode, recorded);
            var current = await rollups.LoadManyAsync(orgcode, keys.Values.ToList(), ct);
            foreach (var (grain, key) in keys)
            {
                if (current.TryGetValue(key, out var loaded))
                {
                    rollups.Update(batch, orgcode, loaded, KpiRules.Add(loaded.Record, value));
                }
                else
                {
                    rollups.Create(batch, orgcode, KpiRules.Add(new KpiRollup
                    {
                        RollupKey = key, Name = name, Grain = grain, BucketStart = KpiRules.Floor(observedAt, grain), Dimensions = dimensions,
                    }, value));
                }
            }
            var outcome = await batch.CommitAsync(ct);
            if (outcome.Succeeded)
            {
                await EvaluateAlertsAsync(orgcode, name, dimensions, ct);
                return new KpiRecorded(written, null);
            }
            if (attempt >= Attempts)
            {
                return new KpiRecorded(null, IpmProblems.KpiContended(name));
            }
        }
    }

    /// <summary>The series of a query, or 422 when its window holds more rollups than one query reads.</summary>
    public async Task<(IReadOnlyList<KpiSeries>? Series, ProblemHttpResult? Problem)> QueryAsync(string orgcode, string name, DateTimeOffset from,
        DateTimeOffset to, IReadOnlyDictionary<string, string>? filter, string? groupBy, KpiInterval interval, KpiAggregate aggregate, CancellationToken ct)
    {
        var groups = new SortedDictionary<string, SortedDictionary<DateTimeOffset, KpiStats>>(StringComparer.Ordinal);
        const string NoGroup = "\0";
        var read = await ReadRollupsAsync(orgcode, name, KpiRules.GrainFor(interval, from, to), from, to, rollup =>
        {
            if (!KpiRules.Matches(rollup.Dimensions, filter))
            {
                return;
            }
            var group = groupBy is null ? NoGroup : rollup.Dimensions.GetValueOrDefault(groupBy) ?? NoGroup;
            if (!groups.TryGetValue(group, out var buckets))
            {
                groups[group] = buckets = [];
            }
            var start = KpiRules.Floor(rollup.BucketStart, interval);
            buckets[start] = buckets.GetValueOrDefault(start, KpiStats.Empty).Add(rollup.Count, rollup.Sum, rollup.Min, rollup.Max);
        }, ct);
        if (!read)
        {
            return (null, IpmProblems.KpiQueryTooLarge(MaxRollupsRead));
        }
        return (groups.Select(g => new KpiSeries(g.Key == NoGroup ? null : g.Key,
            g.Value.Select(b => new KpiBucket(b.Key, b.Value.Of(aggregate), b.Value.Count)).ToList())).ToList(), null);
    }

    /// <summary>
    /// Evaluates the KPI's alerts whose dimensions the value matches; a crossing moves the alert (ETag-checked, with its
    /// event), so among concurrent evaluations one moves it and the others, reading it again, find it already moved.
    /// </summary>
    public async Task EvaluateAlertsAsync(string orgcode, string name, IReadOnlyDictionary<string, string> dimensions, CancellationToken ct)
    {
        var page = await alerts.ListAsync(orgcode, [StateFilter.Eq("kpi", name)], MaxAlertsPerKpi, ct: ct);
        foreach (var alert in page.Items.Where(a => KpiRules.Matches(dimensions, a.Dimensions)))
        {
            await EvaluateAsync(orgcode, alert.AlertGuid, ct);
        }
    }

    /// <summary>Evaluates one alert now: the aggregate of the last window_minutes (by whole minutes, the current one included).</summary>
    public async Task<KpiAlert?> EvaluateAsync(string orgcode, string alertGuid, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            if (await alerts.GetAsync(orgcode, alertGuid, ct: ct) is not { } loaded)
            {
                return null;
            }
            var alert = loaded.Record;
            var now = clock.GetUtcNow();
            var to = KpiRules.Floor(now, KpiInterval.Minute).AddMinutes(1);
            var stats = KpiStats.Empty;
            var read = await ReadRollupsAsync(orgcode, alert.Kpi, KpiGrain.Minute, to.AddMinutes(-alert.WindowMinutes), to, rollup =>
            {
                if (KpiRules.Matches(rollup.Dimensions, alert.Dimensions))
                {
                    stats = stats.Add(rollup.Count, rollup.Sum, rollup.Min, rollup.Max);
                }
            }, ct);
            if (!read)
            {
                throw new InvalidOperationException($"Alert {alertGuid} reads more than {MaxRollupsRead} rollups.");
            }
            var value = stats.Of(alert.Aggregate);
            if (KpiRules.Crossing(alert, value) is not { } next)
            {
                return alert;
            }
            var moved = alert with { State = next, LastValue = value, StateChangedAt = now, EvaluatedAt = now };
            var type = next == AlertState.Firing ? IpmEvents.KpiAlertFired : IpmEvents.KpiAlertResolved;
            // Firing tells the owner through an inbox item, in the transaction that moves the alert.
            var item = next == AlertState.Firing && alert.Owner is { } owner
                ? IpmInbox.Item($"KPI alert {alert.Kpi}/{alert.Code} fired",
                    string.Create(CultureInfo.InvariantCulture,
                        $"The {SnakeCase.Name(alert.Aggregate)} of {alert.Kpi} over the last {alert.WindowMinutes} minutes is {value}, {SnakeCase.Name(alert.Condition)} the threshold {alert.Threshold}."),
                    KpiAlert.Type.Entity, alert.AlertGuid, owner)
                : null;
            var batch = new RecordBatch();
            var updated = alerts.Update(batch, orgcode, loaded, moved, next == AlertState.Firing ? "fired" : "resolved",
                [new DomainEvent(type, KpiAlertEvent.Of(orgcode, moved, value, item?.InboxItemGuid), $"kpi_alert/{alertGuid}")]);
            if (item is not null)
            {
                services.GetRequiredKeyedService<CollaborationKit>(IpmModule.Id).Inbox.Create(batch, orgcode, item);
            }
            var write = await batch.CommitAsync(ct);
            if (write.Succeeded)
            {
                return updated;
            }
        }
        throw new InvalidOperationException($"Alert {alertGuid} kept changing while it was evaluated.");
    }

    /// <summary>Reads the rollups of one grain in [from, to) page by page; false when there are more than one read may take.</summary>
    private async Task<bool> ReadRollupsAsync(string orgcode, string name, KpiGrain grain, DateTimeOffset from, DateTimeOffset to, Action<KpiRollup> each,
        CancellationToken ct)
    {
        IReadOnlyList<StateFilter> filters =
        [
            StateFilter.Eq("name", name),
            StateFilter.Eq("grain", SnakeCase.Name(grain)),
            StateFilter.Above("bucket_ms", from.ToUnixTimeMilliseconds(), inclusive: true),
            StateFilter.Below("bucket_ms", to.ToUnixTimeMilliseconds()),
        ];
        var count = 0;
        string? token = null;
        do
        {
            var page = await rollups.ListAsync(orgcode, filters, PageSize, token, sort: [new StateSort("bucket_ms"), new StateSort("rollup_key")], ct: ct);
            count += page.Items.Count;
            if (count > MaxRollupsRead)
            {
                return false;
            }
            foreach (var rollup in page.Items)
            {
                each(rollup);
            }
            token = page.NextToken;
        }
        while (token is not null);
        return true;
    }
}

/// <summary>The data of <c>kpi.alert_fired</c> and <c>kpi.alert_resolved</c>.</summary>
public sealed record KpiAlertEvent(string Orgcode, string AlertGuid, string Kpi, string Code, string State, string Condition, double Threshold,
    string Aggregate, int WindowMinutes, IReadOnlyDictionary<string, string> Dimensions, double? Value, DateTimeOffset At, string? InboxItemGuid = null)
{
    public static KpiAlertEvent Of(string orgcode, KpiAlert a, double? value, string? inboxItemGuid = null) =>
        new(orgcode, a.AlertGuid, a.Kpi, a.Code, SnakeCase.Name(a.State), SnakeCase.Name(a.Condition), a.Threshold, SnakeCase.Name(a.Aggregate),
            a.WindowMinutes, a.Dimensions, value, a.StateChangedAt ?? a.UpdatedAt, inboxItemGuid);
}
