using System.Text.Json.Serialization;

namespace Retail.Utl.Offboarding;

/// <summary>
/// <c>requested → exporting → verifying_export → frozen → cooling_off → (on_hold ⇄) → purging → verifying_purge → purged</c>;
/// <c>cancelled</c> from any stage before <c>purging</c>; <c>failed</c> when a step cannot finish.
/// </summary>
public enum OffboardingStage
{
    Requested,
    Exporting,
    VerifyingExport,
    Frozen,
    CoolingOff,
    OnHold,
    Purging,
    VerifyingPurge,
    Purged,
    Cancelled,
    Failed,
}

/// <summary>One service's purge: deleted so far, whether it reported done, and what verify found left.</summary>
public sealed record PurgeProgress(string App, long Deleted, bool Done, long? Remaining);

/// <summary>What is kept of a purged org: who asked, who started, when, counts per service and the export manifest's hash.</summary>
public sealed record PurgeCertificate(string Orgcode, string OffboardingGuid, string? RequestedBy, string? Reason, string? StartedBy,
    DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset PurgedAt, string? ExportGuid, string? ManifestSha256,
    long ExportedRecords, IReadOnlyList<PurgeProgress> Services);

/// <summary>
/// An org's offboarding request (UC-UTL-001), kept with no org scope (orgcode null) so the purge never deletes it nor its
/// certificate. One live request per org (unique <c>live_org</c> while not purged, cancelled or failed).
/// </summary>
public sealed record OffboardingRequest : Record
{
    public required string OffboardingGuid { get; init; }

    public required string Orgcode { get; init; }

    public required string Reason { get; init; }

    public OffboardingStage Stage { get; init; } = OffboardingStage.Requested;

    public string? RequestedBy { get; init; }

    public DateTimeOffset RequestedAt { get; init; }

    public string? StartedBy { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public string? ExportGuid { get; init; }

    public DateTimeOffset? FrozenAt { get; init; }

    /// <summary>When the cooling-off period ends (set when it begins).</summary>
    public DateTimeOffset? CoolingOffUntil { get; init; }

    public IReadOnlyList<PurgeProgress> Purge { get; init; } = [];

    public string? CancelledBy { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public string? Failure { get; init; }

    public PurgeCertificate? Certificate { get; init; }

    [JsonIgnore]
    public override string Key => OffboardingGuid;

    [JsonIgnore]
    public bool IsLive => Stage is not (OffboardingStage.Purged or OffboardingStage.Cancelled or OffboardingStage.Failed);

    /// <summary>Whether cancel is still possible: before the purge begins.</summary>
    [JsonIgnore]
    public bool Cancellable => Stage is OffboardingStage.Requested or OffboardingStage.Exporting or OffboardingStage.VerifyingExport
        or OffboardingStage.Frozen or OffboardingStage.CoolingOff or OffboardingStage.OnHold;

    public static string InstanceIdOf(string offboardingGuid) => $"utl-offboarding-{offboardingGuid}";

    public static readonly RecordType<OffboardingRequest> Type = new RecordType<OffboardingRequest>("offboarding",
            r => r.IsLive ? [new UniqueValue("live_org", r.Orgcode)] : [])
        .IndexBy("orgcode");
}

/// <summary>A legal hold on an org (operator): while held, no purge runs. Kept with no org scope, keyed by the orgcode.</summary>
public sealed record LegalHold : Record
{
    public required string Orgcode { get; init; }

    public bool Held { get; init; }

    public string? Reason { get; init; }

    public string? SetBy { get; init; }

    [JsonIgnore]
    public override string Key => Orgcode;

    public static readonly RecordType<LegalHold> Type = new("legal_hold");
}

/// <summary>The data of every offboarding.* event.</summary>
public sealed record OffboardingChanged(string Orgcode, string OffboardingGuid, OffboardingStage Stage, string? Reason, string? By, long Revision);
