using System.Text.Json.Serialization;

namespace Retail.Accounting.Usage;

/// <summary>
/// One metered request (UC-ACC-001), stored append-only under the org it was made for (requests with no org go to the
/// operator's <see cref="UsageRecord.NoOrg"/> bucket). Keyed by the usage event's id (the CloudEvent id), so a redelivered
/// event is stored once. <see cref="Day"/> is the org's local calendar day of <see cref="At"/> (the org's time zone from
/// OFM), the day its rollup counts it in.
/// </summary>
public sealed record UsageRecord : Record
{
    /// <summary>The org code usage without an org is stored under.</summary>
    public const string NoOrg = "_operator";

    public required string EventId { get; init; }

    /// <summary>The app (service) that served the request: <c>pvm</c>, <c>scm</c>, …</summary>
    public required string App { get; init; }

    /// <summary>The endpoint's route pattern (<c>/order/place</c>).</summary>
    public required string Operation { get; init; }

    public string? Cccode { get; init; }

    public required string PrincipalId { get; init; }

    public required string PrincipalKind { get; init; }

    public required int Status { get; init; }

    public long RequestBytes { get; init; }

    /// <summary>The response's declared Content-Length (0 when it declared none).</summary>
    public long ResponseBytes { get; init; }

    public required double DurationMs { get; init; }

    public string? TraceId { get; init; }

    public string? RequestId { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The org's local day of <see cref="At"/>, <c>yyyy-MM-dd</c>.</summary>
    public required string Day { get; init; }

    [JsonIgnore]
    public override string Key => EventId;

    /// <summary>
    /// Lists by day range (with or without an app: one index, read in day, app, id order), by cost centre and day range
    /// (an index of only the records that name one: most requests name none); lineage by trace and by request. Every
    /// metered request writes an entry into each index it is in, so an app's lists have no index of their own: an app's
    /// page reads the day index from its token and passes over the other apps' entries (in the index alone), where an
    /// (app, day) index cost every request one more entry.
    /// </summary>
    public static readonly RecordType<UsageRecord> Type = new RecordType<UsageRecord>("usage")
        .AppendOnly()
        .IndexBy("day", "app")
        .IndexWhenPresent("cccode", "day")
        .IndexBy("trace_id")
        .IndexBy("request_id");
}

/// <summary>
/// Usage of one org on one local day for one app and cost centre (UC-ACC-001): maintained incrementally as usage records
/// are stored (in the same transaction), and recomputable for a day from the records. Key <c>{day}:{app}:{cccode or -}</c>
/// (not <c>|</c>: the record store keeps keys with <c>|</c> out, it separates the parts of its own state keys).
/// </summary>
public sealed record UsageRollup : Record
{
    public required string RollupKey { get; init; }

    public required string Day { get; init; }

    public required string App { get; init; }

    public string? Cccode { get; init; }

    public long Count { get; init; }

    public long Bytes { get; init; }

    public double DurationMs { get; init; }

    /// <summary>Requests answered with a status of 400 or more.</summary>
    public long ErrorCount { get; init; }

    [JsonIgnore]
    public override string Key => RollupKey;

    public static string KeyOf(string day, string app, string? cccode) => $"{day}:{app}:{cccode ?? "-"}";

    public static readonly RecordType<UsageRollup> Type = new RecordType<UsageRollup>("usage_rollup")
        .Derived()
        .IndexBy("day", "app")
        .IndexBy("app", "day")
        .IndexBy("cccode", "day");
}
