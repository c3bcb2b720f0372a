using System.Text.Json.Serialization;

namespace Retail.Crm.Fraud;

/// <summary>
/// One fraud assessment of a customer (UC-CRM-005), immutable: the score, the decision, each rule's contribution and the
/// signal values it was scored on, under which policy version, and the hold it placed or found. Listed by customer and
/// decision, newest first (the guid is UUIDv7).
/// </summary>
public sealed record FraudAssessment : Record
{
    public required string AssessmentGuid { get; init; }

    public required string CustomerGuid { get; init; }

    /// <summary>The order (or cart, or checkout) the assessment was for, as the caller named it.</summary>
    public string? OrderRef { get; init; }

    public required int Score { get; init; }

    public required FraudDecision Decision { get; init; }

    /// <summary>The fraud policy version the score was made under (0: the default policy).</summary>
    public required long PolicyVersion { get; init; }

    public required IReadOnlyList<RuleContribution> Rules { get; init; }

    public required FraudSignals Signals { get; init; }

    /// <summary>The hold this assessment placed (<see cref="HoldPlaced"/>), or the one already in force on the customer.</summary>
    public string? HoldGuid { get; init; }

    public bool HoldPlaced { get; init; }

    public string? Note { get; init; }

    public required string AssessedBy { get; init; }

    /// <summary>The customer the assessment was made for, when a merge moved it to its survivor.</summary>
    public string? MovedFrom { get; init; }

    [JsonIgnore]
    public override string Key => AssessmentGuid;

    public static RecordType<FraudAssessment> Type { get; } = new RecordType<FraudAssessment>("fraud_assessment")
        .IndexBy("customer_guid", "decision", "assessment_guid")
        .IndexBy("customer_guid", "assessment_guid")
        .IndexBy("decision", "assessment_guid");
}

/// <summary>
/// <c>open → released | confirmed</c>, <c>confirmed → released</c>: a confirmed hold (fraud confirmed) stays in force until
/// an admin releases it. <c>superseded</c>: a merge folded it into the survivor's hold in force.
/// </summary>
public enum HoldStatus
{
    Open,
    Confirmed,
    Released,
    Superseded,
}

/// <summary>How an admin resolves a hold.</summary>
public enum HoldResolution
{
    Release,
    Confirm,
}

/// <summary>
/// A fraud hold on a customer: placed by an assessment at or above the hold threshold, in force while open or
/// confirmed. While in force, loyalty and gift-card redemptions (<see cref="ICustomerHolds"/>) and SCM's order placement
/// answer 409 <c>customer_on_hold</c>. At most one hold per customer is in force: the unique value
/// <c>in_force</c> = the customer's guid.
/// </summary>
public sealed record FraudHold : Record
{
    public const string InForceUnique = "in_force";

    public required string HoldGuid { get; init; }

    public required string CustomerGuid { get; init; }

    public HoldStatus Status { get; init; } = HoldStatus.Open;

    /// <summary>The assessment that placed it.</summary>
    public string? AssessmentGuid { get; init; }

    public int Score { get; init; }

    /// <summary>The rules that fired.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    public required DateTimeOffset PlacedAt { get; init; }

    public required string PlacedBy { get; init; }

    public HoldResolution? Resolution { get; init; }

    public string? ResolutionReason { get; init; }

    public string? ResolvedBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The customer the hold was placed on, when a merge moved it to its survivor.</summary>
    public string? MovedFrom { get; init; }

    /// <summary>The survivor's hold a merge folded this one into (status <c>superseded</c>).</summary>
    public string? SupersededBy { get; init; }

    [JsonIgnore]
    public override string Key => HoldGuid;

    [JsonIgnore]
    public bool InForce => Status is HoldStatus.Open or HoldStatus.Confirmed;

    public static readonly StateMachine<HoldStatus> Lifecycle = new(new Dictionary<HoldStatus, HoldStatus[]>
    {
        [HoldStatus.Open] = [HoldStatus.Released, HoldStatus.Confirmed, HoldStatus.Superseded],
        [HoldStatus.Confirmed] = [HoldStatus.Released, HoldStatus.Superseded],
        [HoldStatus.Released] = [],
        [HoldStatus.Superseded] = [],
    });

    public static RecordType<FraudHold> Type { get; } = new RecordType<FraudHold>("fraud_hold",
            h => h.InForce ? [new UniqueValue(InForceUnique, h.CustomerGuid)] : [])
        .Computed("placed_ms", h => h.PlacedAt.ToUnixTimeMilliseconds())
        .IndexBy("customer_guid", "status", "hold_guid")
        .IndexBy("customer_guid", "placed_ms")
        .IndexBy("customer_guid", "hold_guid")
        .IndexBy("status", "hold_guid");
}

/// <summary>The data of <c>fraud.assessed</c>.</summary>
public sealed record FraudAssessed(string Orgcode, string AssessmentGuid, string CustomerGuid, string? OrderRef, int Score, FraudDecision Decision,
    long PolicyVersion, string? HoldGuid, bool HoldPlaced);

/// <summary>
/// The data of <c>fraud.hold_placed|hold_resolved|hold_moved</c>: the hold as it now stands. <see cref="InForce"/> says
/// whether it blocks the customer; <see cref="MovedFrom"/> names the merged customer it no longer blocks (moves only).
/// Consumers keep the newest <see cref="Revision"/> per hold.
/// </summary>
public sealed record FraudHoldChanged(string Orgcode, string HoldGuid, string CustomerGuid, HoldStatus Status, bool InForce, long Revision,
    string? AssessmentGuid, int Score, IReadOnlyList<string> Reasons, HoldResolution? Resolution, string? Reason, string? MovedFrom);

internal static class FraudEvents
{
    public static DomainEvent Assessed(string orgcode, FraudAssessment a) =>
        new(CrmEvents.FraudAssessed, new FraudAssessed(orgcode, a.AssessmentGuid, a.CustomerGuid, a.OrderRef, a.Score, a.Decision, a.PolicyVersion,
            a.HoldGuid, a.HoldPlaced), $"fraud_assessment/{a.AssessmentGuid}");

    /// <param name="revision">The hold's revision after this change.</param>
    public static DomainEvent Hold(string type, string orgcode, FraudHold h, long revision) =>
        new(type, new FraudHoldChanged(orgcode, h.HoldGuid, h.CustomerGuid, h.Status, h.InForce, revision, h.AssessmentGuid, h.Score, h.Reasons,
            h.Resolution, h.ResolutionReason, h.MovedFrom), $"fraud_hold/{h.HoldGuid}");
}
