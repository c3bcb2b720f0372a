using System.Globalization;
using System.Text.Json.Serialization;
using Retail.Scm.Orders;

namespace Retail.Scm.Payments;

/// <summary><c>captured → voided</c> (before settlement) or <c>captured → settled</c> (the day's batch).</summary>
public enum TenderStatus
{
    Captured,
    Voided,
    Settled,
}

/// <summary>
/// One payment taken for an order through the payment provider: a tokenised payment method (never card data), the amount
/// captured in the order's currency, what was refunded of it, and where it stands (captured, voided, settled in a
/// day's batch). Changes with its order's <c>captured_minor</c> in one transaction.
/// </summary>
public sealed record Tender : Record
{
    public required string TenderGuid { get; init; }

    public required string OrderGuid { get; init; }

    public required string OrderNumber { get; init; }

    public required string ChannelCode { get; init; }

    /// <summary>The tender kind the channel accepts (<c>card</c>, <c>gift_card</c>, …).</summary>
    public required string Kind { get; init; }

    /// <summary>The provider's token of the payment method (UAS keeps the same reference), never a card number.</summary>
    public required string PaymentMethodToken { get; init; }

    /// <summary>The UAS payment method it came from, when the client named it.</summary>
    public string? PaymentMethodGuid { get; init; }

    public required string Provider { get; init; }

    /// <summary>The provider's reference of the capture.</summary>
    public required string ProviderRef { get; init; }

    /// <summary>The key the capture was sent to the provider with (the request's Idempotency-Key, else the tender guid).</summary>
    public required string ProviderKey { get; init; }

    public required long AmountMinor { get; init; }

    public required string Currency { get; init; }

    public long RefundedMinor { get; init; }

    public TenderStatus Status { get; init; } = TenderStatus.Captured;

    public required DateTimeOffset CapturedAt { get; init; }

    /// <summary>The business day (UTC, <c>YYYY-MM-DD</c>) whose settlement batch takes it.</summary>
    public required string BusinessDay { get; init; }

    public required string CapturedBy { get; init; }

    public DateTimeOffset? VoidedAt { get; init; }

    public string? VoidedBy { get; init; }

    public string? VoidRef { get; init; }

    public string? SettlementBatchGuid { get; init; }

    public DateTimeOffset? SettledAt { get; init; }

    [JsonIgnore]
    public long Refundable => Status == TenderStatus.Voided ? 0 : AmountMinor - RefundedMinor;

    [JsonIgnore]
    public override string Key => TenderGuid;

    public static string DayOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static readonly StateMachine<TenderStatus> Lifecycle = new(new Dictionary<TenderStatus, TenderStatus[]>
    {
        [TenderStatus.Captured] = [TenderStatus.Voided, TenderStatus.Settled],
        [TenderStatus.Voided] = [],
        [TenderStatus.Settled] = [],
    });

    public static RecordType<Tender> Type { get; } = new RecordType<Tender>("tender")
        .Computed("captured_ms", t => t.CapturedAt.ToUnixTimeMilliseconds())
        .IndexBy("order_guid", "captured_ms")
        .IndexBy("status", "business_day")
        .IndexBy("business_day", "captured_ms")
        .IndexBy("settlement_batch_guid");
}

/// <summary>A business day's settlement: one per day (unique), the tenders it closed and their sum.</summary>
public sealed record SettlementBatch : Record
{
    public required string BatchGuid { get; init; }

    public required string BusinessDay { get; init; }

    public required string Provider { get; init; }

    public int TenderCount { get; init; }

    /// <summary>Sums per currency (minor units).</summary>
    public IReadOnlyDictionary<string, long> AmountByCurrency { get; init; } = new Dictionary<string, long>();

    /// <summary>The provider's references of each settle call (one per page of tenders).</summary>
    public IReadOnlyList<string> ProviderRefs { get; init; } = [];

    public required string SettledBy { get; init; }

    [JsonIgnore]
    public override string Key => BatchGuid;

    public static RecordType<SettlementBatch> Type { get; } = new RecordType<SettlementBatch>("settlement_batch",
            b => [new UniqueValue("business_day", b.BusinessDay)])
        .IndexBy("business_day");
}

/// <summary>How an order's payment sums and status follow its tenders and refunds.</summary>
public static class OrderPayment
{
    public static Order Captured(Order order, long amount) => Settle(order with { CapturedMinor = order.CapturedMinor + amount });

    public static Order Voided(Order order, long amount) =>
        Settle(order with { CapturedMinor = Math.Max(0, order.CapturedMinor - amount) }, voided: true);

    public static Order Refunded(Order order, long amount) => Settle(order with { RefundedMinor = order.RefundedMinor + amount });

    /// <summary>What the order still owes: its total less what is captured.</summary>
    public static long Due(Order order) => Math.Max(0, order.Totals.TotalMinor - order.CapturedMinor);

    /// <summary>What can still be refunded: captured less refunded.</summary>
    public static long Refundable(Order order) => Math.Max(0, order.CapturedMinor - order.RefundedMinor);

    private static Order Settle(Order order, bool voided = false) => order with
    {
        PaymentStatus = order.CapturedMinor == 0 ? (voided ? PaymentStatus.Voided : PaymentStatus.None)
            : order.RefundedMinor >= order.CapturedMinor ? PaymentStatus.Refunded
            : order.RefundedMinor > 0 ? PaymentStatus.PartiallyRefunded
            : PaymentStatus.Captured,
    };
}
