using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Retail.Crm.Certificates;

/// <summary><c>pending → active → revoked | expired</c>; a pending certificate may be revoked (withdrawn) too. Revoked and expired are final.</summary>
public enum CertificateStatus
{
    Pending,
    Active,
    Revoked,
    Expired,
}

/// <summary>
/// A tax-exemption certificate: its <see cref="Number"/> (unique in the org per jurisdiction), its holder (a live customer or
/// an account, exactly one), the jurisdiction it is issued for (a country, <c>DE</c>, or a subdivision, <c>US-CA</c>), the
/// tax categories it covers (or all), and its validity dates. SCM keeps a copy from <c>exemption.certificate_changed</c>
/// and zero-rates covered lines of an order naming the holder while the certificate is active and valid on the day.
/// </summary>
public sealed record ExemptionCertificate : Record
{
    public required string CertificateGuid { get; init; }

    /// <summary>As issued, trimmed and upper-cased.</summary>
    public required string Number { get; init; }

    public string? CustomerGuid { get; init; }

    public string? AccountGuid { get; init; }

    /// <summary>ISO 3166-1 alpha-2 (<c>DE</c>) or ISO 3166-2 (<c>US-CA</c>), upper case. A country's certificate covers its subdivisions.</summary>
    public required string Jurisdiction { get; init; }

    /// <summary>Every tax category is covered; <see cref="TaxCategories"/> is then empty.</summary>
    public bool AllCategories { get; init; }

    public IReadOnlyList<string> TaxCategories { get; init; } = [];

    public required DateOnly ValidFrom { get; init; }

    /// <summary>The last day it is valid; null when it does not lapse.</summary>
    public DateOnly? ValidTo { get; init; }

    public CertificateStatus Status { get; init; } = CertificateStatus.Pending;

    public string? StatusReason { get; init; }

    public string? Note { get; init; }

    public required string CreatedBy { get; init; }

    public string? ActivatedBy { get; init; }

    public DateTimeOffset? ActivatedAt { get; init; }

    [JsonIgnore]
    public override string Key => CertificateGuid;

    [JsonIgnore]
    public string HolderGuid => CustomerGuid ?? AccountGuid!;

    public static readonly StateMachine<CertificateStatus> Lifecycle = new(new Dictionary<CertificateStatus, CertificateStatus[]>
    {
        [CertificateStatus.Pending] = [CertificateStatus.Active, CertificateStatus.Revoked],
        [CertificateStatus.Active] = [CertificateStatus.Revoked, CertificateStatus.Expired],
        [CertificateStatus.Revoked] = [],
        [CertificateStatus.Expired] = [],
    });

    public static RecordType<ExemptionCertificate> Type { get; } = new RecordType<ExemptionCertificate>("exemption_certificate",
            c => [new UniqueValue("number", $"{c.Jurisdiction}:{c.Number}")])
        .Computed("holder_guid", c => c.HolderGuid)
        .IndexBy("holder_guid", "status")
        .IndexBy("status", "valid_to")
        .IndexBy("valid_to");
}

/// <summary><c>exemption.certificate_changed</c>: the certificate as it stands after the change (created, status moved, moved by a merge).</summary>
public sealed record ExemptionCertificateChanged(string Orgcode, string CertificateGuid, string Number, string? CustomerGuid, string? AccountGuid,
    string HolderGuid, string Jurisdiction, bool AllCategories, IReadOnlyList<string> TaxCategories, DateOnly ValidFrom, DateOnly? ValidTo,
    CertificateStatus Status, long Revision);

public static partial class CertificateRules
{
    public const string JurisdictionText = "must be an ISO 3166-1 alpha-2 country (DE) or an ISO 3166-2 subdivision (US-CA)";

    public const string CategoryText = "must match ^[a-z][a-z0-9_]{1,31}$";

    public const int MaxCategories = 50;

    public static string NormalizeJurisdiction(string? raw) => (raw ?? "").Trim().ToUpperInvariant();

    public static bool IsJurisdiction(string? raw) => raw is not null && JurisdictionPattern().IsMatch(NormalizeJurisdiction(raw));

    public static bool IsCategory(string? raw) => raw is not null && CategoryPattern().IsMatch(Codes.Normalize(raw));

    public static string NormalizeNumber(string? raw) => (raw ?? "").Trim().ToUpperInvariant();

    public static bool IsNumber(string? raw) => raw is not null && NumberPattern().IsMatch(raw.Trim());

    /// <summary>Whether the certificate is in force on <paramref name="day"/>: active, and the day within its dates.</summary>
    public static bool InForce(ExemptionCertificate c, DateOnly day) =>
        c.Status == CertificateStatus.Active && c.ValidFrom <= day && (c.ValidTo is null || day <= c.ValidTo);

    /// <summary>The certificate after <paramref name="survivor"/> took over from its merged holder.</summary>
    public static ExemptionCertificate MovedTo(ExemptionCertificate c, string survivor) => c with { CustomerGuid = survivor };

    /// <summary>
    /// The date and duty checks of a status move the lifecycle allows: activation by someone other than the recorder and
    /// not past valid_to; expiry only once valid_to has passed. Null when the move may go ahead.
    /// </summary>
    public static ProblemHttpResult? Decide(ExemptionCertificate current, CertificateStatus to, string actor, DateOnly today) => to switch
    {
        CertificateStatus.Active when actor == current.CreatedBy =>
            CrmProblems.SegregationOfDuties("Whoever recorded a certificate cannot activate it; another admin checks it."),
        CertificateStatus.Active when current.ValidTo is { } end && end < today =>
            CrmProblems.CertificateNotValid($"Certificate {current.Number} lapsed on {end:yyyy-MM-dd}; it cannot be activated."),
        CertificateStatus.Expired when current.ValidTo is not { } end || end >= today =>
            CrmProblems.CertificateNotValid(current.ValidTo is { } last
                ? $"Certificate {current.Number} is valid until {last:yyyy-MM-dd}; revoke it to end it early."
                : $"Certificate {current.Number} does not lapse; revoke it to end it."),
        _ => null,
    };

    public static DomainEvent Changed(string orgcode, ExemptionCertificate c) =>
        new(CrmEvents.ExemptionCertificateChanged, new ExemptionCertificateChanged(orgcode, c.CertificateGuid, c.Number, c.CustomerGuid, c.AccountGuid,
            c.HolderGuid, c.Jurisdiction, c.AllCategories, c.TaxCategories, c.ValidFrom, c.ValidTo, c.Status, c.Revision), $"exemption_certificate/{c.CertificateGuid}");

    [GeneratedRegex("^[A-Z]{2}(-[A-Z0-9]{1,3})?$", RegexOptions.CultureInvariant)]
    private static partial Regex JurisdictionPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{1,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex CategoryPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();
}
