using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Scm.Orders;

namespace Retail.Scm.Quotes;

/// <summary><c>pending_approval → approved → fulfilled</c>; pending or approved backorders may be <c>cancelled</c>.</summary>
public enum BackorderStatus
{
    PendingApproval,
    Approved,
    Fulfilled,
    Cancelled,
}

/// <summary>
/// A line that could not be filled (UC-SCM-005), kept at the price it was given (an order line's, or one PPM resolve),
/// until stock arrives: fulfilling reserves it in ICS and makes a new placed order of it (<c>source = backorder</c>) at
/// that price. Allowed only in channels whose policy allows backorders.
/// </summary>
public sealed record Backorder : Record
{
    public required string BackorderGuid { get; init; }

    public required string ChannelCode { get; init; }

    public string? FacilityCode { get; init; }

    public CustomerRef? Customer { get; init; }

    public required Delivery Delivery { get; init; }

    public required string Currency { get; init; }

    public bool TaxInclusive { get; init; }

    /// <summary>The line, priced and taxed (line_no 1).</summary>
    public required OrderLine Line { get; init; }

    /// <summary>The order and line it came from, if any.</summary>
    public string? SourceOrderGuid { get; init; }

    public int? SourceLineNo { get; init; }

    public BackorderStatus Status { get; init; } = BackorderStatus.PendingApproval;

    public string? Note { get; init; }

    public required string CreatedBy { get; init; }

    public string? ApprovedBy { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    /// <summary>The order that fulfilled it.</summary>
    public string? OrderGuid { get; init; }

    public DateTimeOffset? FulfilledAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => BackorderGuid;

    public static readonly StateMachine<BackorderStatus> Lifecycle = new(new Dictionary<BackorderStatus, BackorderStatus[]>
    {
        [BackorderStatus.PendingApproval] = [BackorderStatus.Approved, BackorderStatus.Cancelled],
        [BackorderStatus.Approved] = [BackorderStatus.Fulfilled, BackorderStatus.Cancelled],
        [BackorderStatus.Fulfilled] = [],
        [BackorderStatus.Cancelled] = [],
    });

    public static RecordType<Backorder> Type { get; } = new RecordType<Backorder>("backorder")
        .Computed("created_ms", b => b.CreatedAt.ToUnixTimeMilliseconds())
        .Computed("customer_guid", b => b.Customer?.CustomerGuid)
        .Computed("variant_guid", b => b.Line.VariantGuid)
        .Computed("source_order_guid", b => b.SourceOrderGuid)
        .IndexBy("status", "created_ms")
        .IndexBy("channel_code", "created_ms")
        .IndexBy("customer_guid", "created_ms")
        .IndexBy("variant_guid", "created_ms")
        .IndexBy("source_order_guid", "created_ms")
        .IndexBy("created_ms");
}

/// <summary>
/// A backorder of an order's line (<see cref="OrderGuid"/> + <see cref="LineNo"/>, <see cref="Quantity"/> default: its open
/// quantity; the channel, customer, delivery and price are the order's), or of a variant (<see cref="ChannelCode"/>,
/// <see cref="VariantGuid"/>, <see cref="Quantity"/>, <see cref="Customer"/>, <see cref="Delivery"/>; priced as an order
/// would be).
/// </summary>
public sealed record CreateBackorderRequest(string? OrderGuid, int? LineNo, string? ChannelCode, string? VariantGuid, long? Quantity, CustomerRequest? Customer,
    DeliveryRequest? Delivery, string? Note);

public sealed record BackorderChangeRequest(string? BackorderGuid, long? ExpectedRevision);

public sealed record CancelBackorderRequest(string? BackorderGuid, long? ExpectedRevision, string? Reason);

public sealed record BackorderKey(string? BackorderGuid);

public sealed record BackorderListRequest(BackorderStatus? Status, string? ChannelCode, string? CustomerGuid, string? VariantGuid, string? OrderGuid, int? Limit,
    string? NextToken) : IPagedRequest;

/// <summary>What fulfilling answers: the fulfilled backorder and the placed order holding its stock.</summary>
public sealed record BackorderFulfilment(Backorder Backorder, Order Order);

public sealed class CreateBackorderRequestValidator : AbstractValidator<CreateBackorderRequest>
{
    public CreateBackorderRequestValidator()
    {
        RuleFor(r => r.OrderGuid).OptionalGuid();
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.Quantity).InclusiveBetween(1, CreateOrderRequestValidator.MaxQuantity);
        RuleFor(r => r.Note).MultilineText(2000);
        RuleFor(r => r).Must(r => (r.OrderGuid is null) != (r.VariantGuid is null))
            .WithMessage("name an order line (order_guid, line_no) or a variant (variant_guid, quantity, channel_code, delivery)").OverridePropertyName("order_guid");
        When(r => r.OrderGuid is not null, () =>
        {
            RuleFor(r => r.LineNo).NotNull().WithMessage("is required with order_guid").GreaterThan(0);
            RuleFor(r => r.Delivery).Null().WithMessage("is the order's");
            RuleFor(r => r.ChannelCode).Null().WithMessage("is the order's");
        });
        When(r => r.VariantGuid is not null, () =>
        {
            RuleFor(r => r.Quantity).NotNull().WithMessage("is required with variant_guid");
            RuleFor(r => r.LineNo).Null().WithMessage("only goes with order_guid");
            RuleFor(r => new CreateOrderRequest(r.ChannelCode ?? "x", new[] { new OrderLineRequest(r.VariantGuid, null, null, null, null, r.Quantity ?? 1, null) },
                    r.Customer, r.Delivery, null, null, null, null))
                .SetValidator(new CreateOrderRequestValidator()).OverridePropertyName("backorder");
        });
    }
}

public sealed class BackorderChangeRequestValidator : AbstractValidator<BackorderChangeRequest>
{
    public BackorderChangeRequestValidator() => RuleFor(r => r.BackorderGuid).RequiredGuid();
}

public sealed class CancelBackorderRequestValidator : AbstractValidator<CancelBackorderRequest>
{
    public CancelBackorderRequestValidator()
    {
        RuleFor(r => r.BackorderGuid).RequiredGuid();
        RuleFor(r => r.Reason).Text();
    }
}

public sealed class BackorderKeyValidator : AbstractValidator<BackorderKey>
{
    public BackorderKeyValidator() => RuleFor(r => r.BackorderGuid).RequiredGuid();
}

public sealed class BackorderListRequestValidator : AbstractValidator<BackorderListRequest>
{
    public BackorderListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r.OrderGuid).OptionalGuid();
    }
}
