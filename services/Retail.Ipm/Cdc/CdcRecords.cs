using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Retail.Ipm.Cdc;

/// <summary>
/// One change of one record of any service, as IPM's log holds it for the org. Keyed by the change's identity (source app,
/// entity, record key, revision: exactly what one CDC message describes), so a redelivered message finds its entry and is
/// not appended again. <see cref="Sequence"/> is the org's log position, given in commit order by the one writer.
/// </summary>
public sealed record CdcEntry : Record
{
    public required string ChangeId { get; init; }

    public required long Sequence { get; init; }

    /// <summary><c>{app}.{entity}</c>: what the feed filters by.</summary>
    public required string EntityType { get; init; }

    public required string App { get; init; }

    public required string Entity { get; init; }

    public required string RecordKey { get; init; }

    /// <summary>The changed record's revision (this entry's own <see cref="Record.Revision"/> is always 1).</summary>
    public required long RecordRevision { get; init; }

    public required string Op { get; init; }

    /// <summary>The CDC message that brought the change (its CloudEvent id), when the delivery named it.</summary>
    public string? MessageId { get; init; }

    /// <summary>When the source service committed the change (the snapshot's <c>updated_at</c>).</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>When IPM appended it (retention counts from here).</summary>
    public required DateTimeOffset LoggedAt { get; init; }

    /// <summary>
    /// True when a newer revision of the same record was logged before this one arrived (a late redelivery): the entry is
    /// kept (at least once) but it is not the record's current state.
    /// </summary>
    public bool Superseded { get; init; }

    public required JsonElement Data { get; init; }

    [JsonIgnore]
    public override string Key => ChangeId;

    /// <summary>The feed pages by sequence, or by type and sequence; retention finds old entries of every org by time.</summary>
    public static readonly RecordType<CdcEntry> Type = new RecordType<CdcEntry>("cdc_entry")
        .Derived()
        .IndexBy("sequence")
        .IndexBy("entity_type", "sequence")
        .Computed("logged_ms", e => e.LoggedAt.ToUnixTimeMilliseconds())
        .IndexAcrossOrgs("logged_ms");

    /// <summary>
    /// The change's identity as a key: <c>{app}.{entity}:{record}:{revision}</c>, the revision in 12 digits. Readable, and
    /// in the order the source made its records: record keys are mostly time-ordered ids, so a burst of creations appends
    /// its entries to the end of the key range instead of writing each at a random page of the file's primary key.
    /// </summary>
    public static string ChangeIdOf(string app, string entity, string recordKey, long revision) =>
        $"{RecordRefOf(app, entity, recordKey)}:{revision.ToString("D12", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The key of the record a change is about (its head): <c>{app}.{entity}:{record}</c>. A record key that would make a
    /// change's key longer than the record store takes (<see cref="MaxKeyLength"/>), holds the store's separator <c>|</c>
    /// or begins with <c>#</c> is given as <c>#</c> and its SHA-256 instead, so any key becomes a key the store takes and
    /// no two records share one.
    /// </summary>
    public static string RecordRefOf(string app, string entity, string recordKey) =>
        $"{app}.{entity}:{(app.Length + entity.Length + recordKey.Length + 2 + RevisionSuffix <= MaxKeyLength
            && !recordKey.StartsWith('#') && !recordKey.Contains('|', StringComparison.Ordinal)
            ? recordKey
            : "#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recordKey))))}";

    /// <summary>The longest key the record store takes (a longer one is never found).</summary>
    public const int MaxKeyLength = 128;

    /// <summary>What a change's key adds to its record's: <c>:</c> and the revision in 12 digits.</summary>
    private const int RevisionSuffix = 13;
}

/// <summary>
/// The org's log counter: the last sequence given, and the first one retention kept. Every append updates it in the
/// batch's transaction (ETag-checked), so two writers can never give the same sequence, and a commit makes its
/// entries and the new counter visible together.
/// </summary>
public sealed record CdcLog : Record
{
    public const string TheKey = "log";

    public string LogKey { get; init; } = TheKey;

    public long LastSequence { get; init; }

    /// <summary>The smallest sequence still kept; entries below were swept by retention.</summary>
    public long RetainedFrom { get; init; } = 1;

    [JsonIgnore]
    public override string Key => LogKey;

    public static readonly RecordType<CdcLog> Type = new RecordType<CdcLog>("cdc_log").Derived();
}

/// <summary>
/// The newest revision logged of one source record: tells a late, older change from the current one. Kept only for
/// records changed after their creation: a change is superseded only by a newer revision, so a record whose newest logged
/// revision is its first needs no head (and most changes are creations: a movement, a hold, an order line, an import's
/// rows). A redelivered first revision is still told by its change id.
/// </summary>
public sealed record CdcHead : Record
{
    public required string RecordRef { get; init; }

    public required long LatestRevision { get; init; }

    [JsonIgnore]
    public override string Key => RecordRef;

    public static readonly RecordType<CdcHead> Type = new RecordType<CdcHead>("cdc_head").Derived();
}
