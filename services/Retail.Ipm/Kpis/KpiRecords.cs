using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Retail.Shared.Collaboration;

namespace Retail.Ipm.Kpis;

/// <summary>One recorded KPI value (UC-IPM-004): a code-format name, a finite number, its dimensions and when it was observed.</summary>
public sealed record KpiValue : Record
{
    public required string KpiValueGuid { get; init; }

    public required string Name { get; init; }

    public required double Value { get; init; }

    public required IReadOnlyDictionary<string, string> Dimensions { get; init; }

    public required DateTimeOffset ObservedAt { get; init; }

    [JsonIgnore]
    public override string Key => KpiValueGuid;

    public static readonly RecordType<KpiValue> Type = new RecordType<KpiValue>("kpi_value")
        .Computed("observed_ms", v => v.ObservedAt.ToUnixTimeMilliseconds())
        .IndexBy("name", "observed_ms");
}

public enum KpiGrain
{
    Minute,
    Hour,
}

/// <summary>
/// The count, sum, min and max of one KPI's values of one dimension set in one UTC minute or hour, kept up to date in the
/// transaction of every value recorded, so that a query reads rollups (bounded by the window's buckets and the dimension
/// sets seen in it), never the raw values. Key: a hash of name, grain, bucket and dimensions.
/// </summary>
public sealed record KpiRollup : Record
{
    public required string RollupKey { get; init; }

    public required string Name { get; init; }

    public required KpiGrain Grain { get; init; }

    public required DateTimeOffset BucketStart { get; init; }

    public required IReadOnlyDictionary<string, string> Dimensions { get; init; }

    public long Count { get; init; }

    public double Sum { get; init; }

    public double Min { get; init; }

    public double Max { get; init; }

    [JsonIgnore]
    public override string Key => RollupKey;

    public static readonly RecordType<KpiRollup> Type = new RecordType<KpiRollup>("kpi_rollup")
        .Derived()
        .Computed("bucket_ms", r => r.BucketStart.ToUnixTimeMilliseconds())
        .IndexBy("name", "grain", "bucket_ms");

    public static string KeyOf(string name, KpiGrain grain, DateTimeOffset bucketStart, IReadOnlyDictionary<string, string> dimensions)
    {
        var text = new StringBuilder().Append(name).Append('\n').Append(grain).Append('\n').Append(bucketStart.ToUnixTimeMilliseconds());
        foreach (var (k, v) in dimensions.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(k).Append('=').Append(v);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

public enum KpiAggregate
{
    Sum,
    Avg,
    Min,
    Max,
    Count,
}

public enum AlertCondition
{
    Above,
    Below,
}

public enum AlertState
{
    Ok,
    Firing,
}

/// <summary>
/// An alert rule on a KPI (UC-IPM-004): when the <see cref="Aggregate"/> of the KPI's values (matching <see cref="Dimensions"/>)
/// over the last <see cref="WindowMinutes"/> crosses <see cref="Threshold"/>, the alert moves <c>ok → firing</c> once
/// (<c>kpi.alert_fired</c>) and back (<c>kpi.alert_resolved</c>) when it crosses back. Code unique per KPI.
/// </summary>
public sealed record KpiAlert : Record
{
    public required string AlertGuid { get; init; }

    public required string Kpi { get; init; }

    public required string Code { get; init; }

    public required AlertCondition Condition { get; init; }

    public required double Threshold { get; init; }

    public required int WindowMinutes { get; init; }

    public required KpiAggregate Aggregate { get; init; }

    public IReadOnlyDictionary<string, string> Dimensions { get; init; } = new Dictionary<string, string>();

    public AlertState State { get; init; }

    /// <summary>The aggregate when the state last changed (or was last evaluated while firing).</summary>
    public double? LastValue { get; init; }

    public DateTimeOffset? StateChangedAt { get; init; }

    public DateTimeOffset? EvaluatedAt { get; init; }

    /// <summary>The member or team whose IPM inbox gets an item each time the alert fires (none on alerts made before owners).</summary>
    public Assignee? Owner { get; init; }

    [JsonIgnore]
    public override string Key => AlertGuid;

    public static readonly RecordType<KpiAlert> Type = new RecordType<KpiAlert>("kpi_alert", a => [new("kpi_code", $"{a.Kpi}:{a.Code}")])
        .IndexBy("kpi");
}
