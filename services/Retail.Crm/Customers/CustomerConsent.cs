using System.Text.Json.Serialization;
using Retail.Shared;

namespace Retail.Crm.Customers;

/// <summary>What a customer may be contacted or processed for (UC-CRM-001).</summary>
public enum ConsentPurpose
{
    MarketingEmail,
    MarketingSms,
    DataSharing,
    Profiling,
}

public enum ConsentStatus
{
    Granted,
    Withdrawn,
}

/// <summary>
/// Where a purpose stands: <paramref name="Source"/> is where it was captured (<c>web_signup</c>, <c>pos</c>, <c>merge</c>),
/// <paramref name="TextVersion"/> the consent text the customer saw, <paramref name="CapturedAt"/> when the customer gave or
/// withdrew it, <paramref name="RecordedAt"/> and <paramref name="RecordedBy"/> when and by whom it was recorded here.
/// </summary>
public sealed record ConsentEntry(ConsentPurpose Purpose, ConsentStatus Status, string Source, string TextVersion, DateTimeOffset CapturedAt,
    DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>
/// A customer's consents as they stand, one entry per purpose recorded (at most four), keyed by the customer. Apart from
/// the customer record so that capturing consent never races a profile edit. Granted purposes are indexed, so "every
/// customer who granted data_sharing" is an index read (consent gates exports). A merged customer's record keeps its
/// entries for history and leaves the index; the survivor's holds the combination.
/// </summary>
public sealed record CustomerConsent : Record
{
    public required string CustomerGuid { get; init; }

    public IReadOnlyList<ConsentEntry> Purposes { get; init; } = [];

    public string? MergedInto { get; init; }

    [JsonIgnore]
    public override string Key => CustomerGuid;

    public ConsentEntry? Of(ConsentPurpose purpose) => Purposes.FirstOrDefault(p => p.Purpose == purpose);

    public bool Grants(ConsentPurpose purpose) => Of(purpose)?.Status == ConsentStatus.Granted;

    /// <summary>The purposes with <paramref name="entry"/> in place of its purpose's entry, in purpose order.</summary>
    public IReadOnlyList<ConsentEntry> With(ConsentEntry entry) =>
        Purposes.Where(p => p.Purpose != entry.Purpose).Append(entry).OrderBy(p => p.Purpose).ToList();

    public static readonly RecordType<CustomerConsent> Type = new RecordType<CustomerConsent>("customer_consent")
        .IndexValues("granted", c => c.MergedInto is null
            ? c.Purposes.Where(p => p.Status == ConsentStatus.Granted).Select(p => Retail.Shared.Json.SnakeCase.Name(p.Purpose))
            : []);
}

/// <summary>One change of one purpose, kept forever (the consent history): immutable, listed per customer newest first.</summary>
public sealed record ConsentChange : Record
{
    public required string ChangeGuid { get; init; }

    public required string CustomerGuid { get; init; }

    public required ConsentPurpose Purpose { get; init; }

    public required ConsentStatus Status { get; init; }

    /// <summary>The status before this change; null when the purpose was never recorded.</summary>
    public ConsentStatus? Previous { get; init; }

    public required string Source { get; init; }

    public required string TextVersion { get; init; }

    public required DateTimeOffset CapturedAt { get; init; }

    public required string RecordedBy { get; init; }

    /// <summary>For a change a merge made: the customer merged into this one.</summary>
    public string? MergedFrom { get; init; }

    [JsonIgnore]
    public override string Key => ChangeGuid;

    public static readonly RecordType<ConsentChange> Type = new RecordType<ConsentChange>("customer_consent_change")
        .IndexBy("customer_guid", "change_guid");

    public static ConsentChange Of(string customerGuid, ConsentEntry entry, ConsentStatus? previous, string? mergedFrom = null) => new()
    {
        ChangeGuid = Ids.New(),
        CustomerGuid = customerGuid,
        Purpose = entry.Purpose,
        Status = entry.Status,
        Previous = previous,
        Source = entry.Source,
        TextVersion = entry.TextVersion,
        CapturedAt = entry.CapturedAt,
        RecordedBy = entry.RecordedBy,
        MergedFrom = mergedFrom,
    };
}

/// <summary>The data of <c>consent.changed</c>: the purpose that changed and every purpose the customer now grants.</summary>
public sealed record ConsentChanged(string Orgcode, string CustomerGuid, ConsentPurpose Purpose, ConsentStatus Status, ConsentStatus? Previous,
    string Source, string TextVersion, DateTimeOffset CapturedAt, long Revision, IReadOnlyList<ConsentPurpose> Granted, string? MergedFrom)
{
    public static DomainEvent Of(string orgcode, CustomerConsent consent, ConsentChange change) =>
        new(CrmEvents.ConsentChanged, new ConsentChanged(orgcode, consent.CustomerGuid, change.Purpose, change.Status, change.Previous, change.Source,
            change.TextVersion, change.CapturedAt, consent.Revision, consent.Purposes.Where(p => p.Status == ConsentStatus.Granted).Select(p => p.Purpose).ToList(),
            change.MergedFrom), $"customer/{consent.CustomerGuid}");
}

/// <summary>
/// Consent rules. Combining two customers' consents (a merge) takes the most restrictive per purpose: a withdrawal on
/// either side wins; between two grants (or two withdrawals) the later capture stands; a purpose only one side recorded
/// is taken as that side recorded it.
/// </summary>
public static class ConsentRules
{
    public static ConsentEntry Combine(ConsentEntry? survivor, ConsentEntry merged)
    {
        if (survivor is null)
        {
            return merged;
        }
        if (survivor.Status != merged.Status)
        {
            return survivor.Status == ConsentStatus.Withdrawn ? survivor : merged;
        }
        return merged.CapturedAt > survivor.CapturedAt ? merged : survivor;
    }
}

/// <summary>
/// Whether a customer granted a purpose: what an export of customer data asks before it includes the customer (IPM bulk
/// export, UTL export — "consent gates exports"). One record read; a merged customer answers as its survivor does.
/// </summary>
public interface ICustomerConsents
{
    Task<bool> AllowsAsync(string orgcode, string customerGuid, ConsentPurpose purpose, CancellationToken ct = default);
}

internal sealed class CustomerConsents(RecordStore<CustomerConsent> consents) : ICustomerConsents
{
    public async Task<bool> AllowsAsync(string orgcode, string customerGuid, ConsentPurpose purpose, CancellationToken ct = default)
    {
        var consent = (await consents.GetAsync(orgcode, customerGuid, ct: ct))?.Record;
        if (consent?.MergedInto is { } survivor)
        {
            consent = (await consents.GetAsync(orgcode, survivor, ct: ct))?.Record;
        }
        return consent?.Grants(purpose) == true;
    }
}
