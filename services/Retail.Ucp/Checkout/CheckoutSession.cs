using System.Text.Json.Serialization;

namespace Retail.Ucp.Checkout;

/// <summary>The specification's checkout status enum (schemas/shopping/checkout.json), and a cart's own (open, canceled).</summary>
public enum CheckoutStatus
{
    Incomplete,
    RequiresEscalation,
    ReadyForComplete,
    CompleteInProgress,
    Completed,
    Canceled,
}

public sealed record CheckoutLine(string Id, string VariantGuid, int Quantity, string? Title, long? UnitMinor);

public sealed record CheckoutBuyer(string? FirstName, string? LastName, string? Email, string? PhoneNumber);

/// <summary>Where the order goes (a postal address, the fulfilment the seed names); the spec's fulfilment extension is not modelled yet.</summary>
public sealed record CheckoutAddress(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);

/// <summary>A message with the specification's codes (types/message_error.json, message_warning.json, message_info.json).</summary>
public sealed record CheckoutMessage(string Type, string Code, string Content, string? Severity = null, string? Path = null);

/// <summary>
/// A UCP checkout session or cart (UC-UCP-003/004), org-scoped and revisioned. Prices are PPM's at the last change, in
/// minor units; <see cref="OrderGuid"/> is the SCM order its completion created. The SCM calls of a completion carry
/// idempotency keys derived from <see cref="SessionGuid"/>, so a retried or raced completion creates and captures once.
/// </summary>
public sealed record CheckoutSession : Record
{
    public required string SessionGuid { get; init; }

    /// <summary><c>checkout</c> or <c>cart</c>.</summary>
    public required string Kind { get; init; }

    public required string PlatformGuid { get; init; }

    public required string ChannelCode { get; init; }

    public string? Currency { get; init; }

    public IReadOnlyList<CheckoutLine> Lines { get; init; } = [];

    public CheckoutBuyer? Buyer { get; init; }

    public string? CustomerGuid { get; init; }

    public CheckoutAddress? ShipTo { get; init; }

    /// <summary>The selected payment instrument's credential token (sent to SCM's tender capture).</summary>
    public string? PaymentToken { get; init; }

    public string? PaymentInstrumentId { get; init; }

    public string? PaymentHandlerId { get; init; }

    public CheckoutStatus Status { get; init; } = CheckoutStatus.Incomplete;

    public IReadOnlyList<CheckoutMessage> Messages { get; init; } = [];

    public required DateTimeOffset ExpiresAt { get; init; }

    public string? OrderGuid { get; init; }

    public string? OrderNumber { get; init; }

    public string? TenderGuid { get; init; }

    /// <summary>Where the buyer continues when the session requires escalation (the spec requires it with that status).</summary>
    public string? ContinueUrl { get; init; }

    public DateTimeOffset? CanceledAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    [JsonIgnore]
    public override string Key => SessionGuid;

    [JsonIgnore]
    public long SubtotalMinor => Lines.Sum(l => (l.UnitMinor ?? 0) * l.Quantity);

    public bool IsTerminal => Status is CheckoutStatus.Completed or CheckoutStatus.Canceled;

    public static readonly RecordType<CheckoutSession> Type = new RecordType<CheckoutSession>("checkout_session").IndexBy("status");
}
