using System.Text.Json.Serialization;

namespace Retail.Ofm.Orgs;

public enum OwnerState
{
    Active,
    Suspended,
}

/// <summary>A secondary owner; the primary owner is <see cref="Org.PrimaryOwnerGuid"/>.</summary>
public sealed record OrgOwner(string UserGuid, OwnerState State, DateTimeOffset AddedAt);

/// <summary>
/// An org: its code, legal name, lifecycle and ownership. Stored outside any org scope (orgcode is its unique
/// value), so the operator can list every org and the directory can find one by code.
/// </summary>
public sealed record Org : Record
{
    public required string OrgGuid { get; init; }

    public required string Orgcode { get; init; }

    public required string LegalName { get; init; }

    public string? DisplayName { get; init; }

    /// <summary>The IANA time zone the org keeps its calendar days in (usage rollups, daily exports); null means UTC.</summary>
    public string? TimeZone { get; init; }

    public OrgStatus Status { get; init; } = OrgStatus.Pending;

    public string? StatusReason { get; init; }

    public required string PrimaryOwnerGuid { get; init; }

    public IReadOnlyList<OrgOwner> SecondaryOwners { get; init; } = [];

    public string? CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => OrgGuid;

    /// <summary>Orgs by status (the operator's queue) and by owner (the orgs a user owns), each an index, not a scan.</summary>
    public static readonly RecordType<Org> Type = new RecordType<Org>("org", o => [new UniqueValue("orgcode", o.Orgcode)])
        .IndexBy("status")
        .IndexValues("owner", o => [o.PrimaryOwnerGuid, .. o.SecondaryOwners.Select(s => s.UserGuid)]);

    /// <summary>Pending → active is verification (operator); active ⇄ suspended; active → frozen (offboarding), then frozen → active (cancelled) or closed (purged, UTL).</summary>
    public static readonly StateMachine<OrgStatus> Lifecycle = new(new Dictionary<OrgStatus, OrgStatus[]>
    {
        [OrgStatus.Pending] = [OrgStatus.Active],
        [OrgStatus.Active] = [OrgStatus.Suspended, OrgStatus.Frozen],
        [OrgStatus.Suspended] = [OrgStatus.Active],
        [OrgStatus.Frozen] = [OrgStatus.Active, OrgStatus.Closed],
        [OrgStatus.Closed] = [],
    });

    public bool IsOwner(string userGuid) =>
        PrimaryOwnerGuid == userGuid || SecondaryOwners.Any(o => o.UserGuid == userGuid && o.State == OwnerState.Active);
}
