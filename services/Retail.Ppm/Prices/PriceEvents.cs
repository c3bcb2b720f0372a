namespace Retail.Ppm.Prices;

/// <summary>
/// <c>ppm.price.changed</c>: a window became active (set under the thresholds, or approved) for one key.
/// <see cref="PreviousAmountMinor"/> is the amount of the window it replaced, when it changed one.
/// </summary>
/// <param name="Revision">The entry's revision after the change: a consumer keeps the newest.</param>
public sealed record PriceChanged(string Orgcode, string PriceKey, string VariantGuid, string PriceListCode, string PriceZoneCode, string UomCode,
    string WindowId, DateTimeOffset EffectiveFrom, DateTimeOffset? EffectiveTo, long AmountMinor, string Currency, long? PreviousAmountMinor,
    string? ApprovalGuid, long Revision);

/// <summary><c>ppm.price.approval_submitted|approved|rejected</c>: the approval as it now stands.</summary>
public sealed record PriceApprovalChanged(string Orgcode, string ApprovalGuid, string PriceKey, string VariantGuid, string PriceListCode,
    string PriceZoneCode, string UomCode, string WindowId, long? FromAmountMinor, long ToAmountMinor, string Currency, DateTimeOffset EffectiveFrom,
    DateTimeOffset? EffectiveTo, IReadOnlyList<string> Reasons, ApprovalStatus Status, string SubmittedBy, string? DecidedBy, string? DecisionReason);

public static class PriceEvents
{
    public static DomainEvent Changed(string orgcode, PriceEntry entry, PriceWindow window, long? previousAmount, long revision) =>
        new(PpmEvents.PriceChanged, new PriceChanged(orgcode, entry.Key, entry.VariantGuid, entry.PriceListCode, entry.PriceZoneCode, entry.UomCode,
            window.WindowId, window.EffectiveFrom, window.EffectiveTo, window.AmountMinor, entry.Currency, previousAmount, window.ApprovalGuid, revision),
            $"price/{entry.Key}");

    public static DomainEvent Approval(string type, string orgcode, PriceApproval approval) =>
        new(type, new PriceApprovalChanged(orgcode, approval.ApprovalGuid, approval.PriceKey, approval.VariantGuid, approval.PriceListCode,
            approval.PriceZoneCode, approval.UomCode, approval.WindowId, approval.FromAmountMinor, approval.ToAmountMinor, approval.Currency,
            approval.EffectiveFrom, approval.EffectiveTo, approval.Reasons, approval.Status, approval.SubmittedBy, approval.DecidedBy,
            approval.DecisionReason), $"price_approval/{approval.ApprovalGuid}");
}
