using System.Text.Json.Serialization;
using Retail.Influencer.Earnings;

namespace Retail.Influencer.Payouts;

/// <summary><c>submitted → paid</c> or <c>submitted → failed</c> (declined: its earnings are available again).</summary>
public enum PayoutStatus
{
    Submitted,
    Paid,
    Failed,
}

/// <summary>
/// One transfer to an influencer (UC-INF-003): the available earnings it took (commissions and clawbacks netted), their sum,
/// and how the provider answered. Created <c>submitted</c> in the batch that marks its earnings <c>paid</c> and moves the
/// balance from available to paid; the provider is called with <see cref="PayoutGuid"/> as idempotency key.
/// </summary>
public sealed record Payout : Record
{
    /// <summary>The most earnings one payout takes; what is left stays available for the next one.</summary>
    public const int MaxEarnings = 200;

    public required string PayoutGuid { get; init; }

    public required string ProfileGuid { get; init; }

    public required IReadOnlyList<string> EarningGuids { get; init; }

    public required long AmountMinor { get; init; }

    public required string Currency { get; init; }

    public required string MethodRef { get; init; }

    public PayoutStatus Status { get; init; } = PayoutStatus.Submitted;

    public required string SubmittedBy { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    public string? ProviderRef { get; init; }

    public DateTimeOffset? PaidAt { get; init; }

    public string? FailureReason { get; init; }

    public DateTimeOffset? FailedAt { get; init; }

    [JsonIgnore]
    public override string Key => PayoutGuid;

    public static readonly StateMachine<PayoutStatus> Lifecycle = new(new Dictionary<PayoutStatus, PayoutStatus[]>
    {
        [PayoutStatus.Submitted] = [PayoutStatus.Paid, PayoutStatus.Failed],
    });

    public static readonly RecordType<Payout> Type = new RecordType<Payout>("payout")
        .Computed("paid_ms", p => p.PaidAt?.ToUnixTimeMilliseconds())
        .IndexBy("profile_guid", "status")
        .IndexBy("profile_guid", "paid_ms")
        .IndexAcrossOrgs("status");
}

/// <summary>Earnings by profile and creation time (declared on <see cref="Earning.Type"/>), which statements read a period through.</summary>
public static class EarningsByCreation
{
    public const string CreatedMs = "created_ms";
}

public sealed record PayoutChanged(string Orgcode, string PayoutGuid, string ProfileGuid, PayoutStatus Status, long AmountMinor, string Currency,
    int Earnings, string? ProviderRef, string? FailureReason, long Revision)
{
    public static DomainEvent Of(string type, string orgcode, Payout p, long revision) =>
        new(type, new PayoutChanged(orgcode, p.PayoutGuid, p.ProfileGuid, p.Status, p.AmountMinor, p.Currency, p.EarningGuids.Count, p.ProviderRef,
            p.FailureReason, revision), $"influencer_profile/{p.ProfileGuid}");
}
