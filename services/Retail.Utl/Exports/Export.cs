using System.Text.Json.Serialization;

namespace Retail.Utl.Exports;

public enum ExportStatus
{
    Running,
    Completed,
    Failed,
}

/// <summary>One gzip NDJSON file of an export in MRS: its name, MRS record, item count and the SHA-256 of the stored (gzip) bytes.</summary>
public sealed record ExportFile(string Name, string RecordGuid, long Records, string Sha256, long Bytes);

/// <summary>One service's share of an export: <c>pending</c>, <c>done</c>, with its files and count.</summary>
public sealed record ExportService(string App, string Status, long Records, IReadOnlyList<ExportFile> Files);

/// <summary>
/// A full export of an org's data (UC-UTL-002). Kept with no org scope (orgcode null, the org in <see cref="Orgcode"/>),
/// so an offboarding's purge never deletes it; its files live in the org's MRS until the purge.
/// </summary>
public sealed record Export : Record
{
    public required string ExportGuid { get; init; }

    public required string Orgcode { get; init; }

    public ExportStatus Status { get; init; } = ExportStatus.Running;

    public required IReadOnlyList<ExportService> Services { get; init; }

    public string? RequestedBy { get; init; }

    /// <summary>The offboarding this export was made for, if any.</summary>
    public string? OffboardingGuid { get; init; }

    public string? ManifestRecordGuid { get; init; }

    /// <summary>The SHA-256 of the manifest's stored bytes.</summary>
    public string? ManifestSha256 { get; init; }

    public long TotalRecords { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? Failure { get; init; }

    [JsonIgnore]
    public override string Key => ExportGuid;

    public static string InstanceIdOf(string exportGuid) => $"utl-export-{exportGuid}";

    public static readonly RecordType<Export> Type = new RecordType<Export>("export").IndexBy("orgcode");
}

/// <summary>The manifest written to MRS: every file with its record count and SHA-256.</summary>
public sealed record ExportManifest(string ExportGuid, string Orgcode, DateTimeOffset CreatedAt, long TotalRecords, IReadOnlyList<ExportService> Services);

/// <summary>The data of export.completed.</summary>
public sealed record ExportCompleted(string Orgcode, string ExportGuid, long TotalRecords, int Files, string? ManifestSha256, string? OffboardingGuid);
