using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Scm.Orders;

namespace Retail.Scm.Quotes;

/// <summary>
/// <c>pending_approval → approved → submitted</c>; cancelled before it is submitted. Once submitted the purchase order is
/// with the vendor (an outbound EDI 850): cancelling it is a vendor exchange this API does not make, so it is refused.
/// </summary>
public enum SpecialOrderStatus
{
    PendingApproval,
    Approved,
    Submitted,
    Cancelled,
}

/// <summary>
/// A customer's request for an item the org does not stock (UC-SCM-005): a variant or a free description, the vendor
/// (PVM vendor code) it is bought from, the quantity and the price quoted to the customer. Submitting sends the vendor an
/// EDI 850 (recorded as an outbound EDI document in the same batch).
/// </summary>
public sealed record SpecialOrder : Record
{
    public required string SpecialOrderGuid { get; init; }

    /// <summary>The purchase order number sent to the vendor (<c>SPO-…</c>).</summary>
    public required string PoNumber { get; init; }

    public required string ChannelCode { get; init; }

    public CustomerRef? Customer { get; init; }

    public string? VariantGuid { get; init; }

    public string? Description { get; init; }

    public required string VendorCode { get; init; }

    public required long Quantity { get; init; }

    /// <summary>The unit price quoted to the customer.</summary>
    public required long UnitMinor { get; init; }

    public required string Currency { get; init; }

    public long TotalMinor => UnitMinor * Quantity;

    public SpecialOrderStatus Status { get; init; } = SpecialOrderStatus.PendingApproval;

    public string? Note { get; init; }

    public required string CreatedBy { get; init; }

    public string? ApprovedBy { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    public string? SubmittedBy { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The outbound EDI 850 sent on submission.</summary>
    public string? EdiGuid { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public string? StatusReason { get; init; }

    [JsonIgnore]
    public override string Key => SpecialOrderGuid;

    public static readonly StateMachine<SpecialOrderStatus> Lifecycle = new(new Dictionary<SpecialOrderStatus, SpecialOrderStatus[]>
    {
        [SpecialOrderStatus.PendingApproval] = [SpecialOrderStatus.Approved, SpecialOrderStatus.Cancelled],
        [SpecialOrderStatus.Approved] = [SpecialOrderStatus.Submitted, SpecialOrderStatus.Cancelled],
        [SpecialOrderStatus.Submitted] = [],
        [SpecialOrderStatus.Cancelled] = [],
    });

    public static RecordType<SpecialOrder> Type { get; } = new RecordType<SpecialOrder>("special_order", s => [new UniqueValue("po_number", s.PoNumber)])
        .Computed("created_ms", s => s.CreatedAt.ToUnixTimeMilliseconds())
        .Computed("customer_guid", s => s.Customer?.CustomerGuid)
        .IndexBy("status", "created_ms")
        .IndexBy("channel_code", "created_ms")
        .IndexBy("customer_guid", "created_ms")
        .IndexBy("vendor_code", "created_ms")
        .IndexBy("created_ms");
}

public sealed record CreateSpecialOrderRequest(string? ChannelCode, CustomerRequest? Customer, string? VariantGuid, string? Description, string? VendorCode,
    long? Quantity, long? UnitMinor, string? Currency, string? Note);

public sealed record SpecialOrderChangeRequest(string? SpecialOrderGuid, long? ExpectedRevision);

public sealed record CancelSpecialOrderRequest(string? SpecialOrderGuid, long? ExpectedRevision, string? Reason);

public sealed record SpecialOrderKey(string? SpecialOrderGuid);

public sealed record SpecialOrderListRequest(SpecialOrderStatus? Status, string? ChannelCode, string? CustomerGuid, string? VendorCode, int? Limit,
    string? NextToken) : IPagedRequest;

public sealed class CreateSpecialOrderRequestValidator : AbstractValidator<CreateSpecialOrderRequest>
{
    public CreateSpecialOrderRequestValidator()
    {
        RuleFor(r => r.ChannelCode).BusinessCode();
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r.Description).Text(500);
        RuleFor(r => r).Must(r => r.VariantGuid is not null || r.Description is not null).WithMessage("name a variant_guid or a description")
            .OverridePropertyName("description");
        RuleFor(r => r.VendorCode).BusinessCode();
        RuleFor(r => r.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, CreateOrderRequestValidator.MaxQuantity);
        RuleFor(r => r.UnitMinor).NotNull().WithMessage("is required").InclusiveBetween(0, 1_000_000_000_000);
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
        RuleFor(r => r.Note).MultilineText(2000);
        RuleFor(r => r.Customer!.CustomerGuid).OptionalGuid().When(r => r.Customer is not null).OverridePropertyName("customer.customer_guid");
        RuleFor(r => r.Customer!.Email).Must(e => e is null || OrderRules.IsEmail(e)).WithMessage("is not an e-mail address")
            .When(r => r.Customer is not null).OverridePropertyName("customer.email");
        RuleFor(r => r.Customer!.Name).Text().When(r => r.Customer is not null).OverridePropertyName("customer.name");
        RuleFor(r => r.Customer!.ExternalRef).Text(100).When(r => r.Customer is not null).OverridePropertyName("customer.external_ref");
    }
}

public sealed class SpecialOrderChangeRequestValidator : AbstractValidator<SpecialOrderChangeRequest>
{
    public SpecialOrderChangeRequestValidator() => RuleFor(r => r.SpecialOrderGuid).RequiredGuid();
}

public sealed class CancelSpecialOrderRequestValidator : AbstractValidator<CancelSpecialOrderRequest>
{
    public CancelSpecialOrderRequestValidator()
    {
        RuleFor(r => r.SpecialOrderGuid).RequiredGuid();
        RuleFor(r => r.Reason).Text();
    }
}

public sealed class SpecialOrderKeyValidator : AbstractValidator<SpecialOrderKey>
{
    public SpecialOrderKeyValidator() => RuleFor(r => r.SpecialOrderGuid).RequiredGuid();
}

public sealed class SpecialOrderListRequestValidator : AbstractValidator<SpecialOrderListRequest>
{
    public SpecialOrderListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.VendorCode).OptionalCode();
    }
}
