using FluentValidation;

namespace Retail.Scm.Orders;

public sealed record IdentifierRequest(string? IdType, string? Value);

public sealed record AliasRequest(string? Tag, string? Value);

/// <summary>A line names its variant exactly one way: the guid, a barcode, an identifier, an alias or the variant code.</summary>
public sealed record OrderLineRequest(string? VariantGuid, string? Barcode, IdentifierRequest? Identifier, AliasRequest? Alias, string? VariantCode,
    long? Quantity, string? UomCode);

public sealed record CustomerRequest(string? CustomerGuid, string? Email, string? Name, string? ExternalRef)
{
    /// <summary>The CRM account the customer buys for (its tax-exemption certificates apply).</summary>
    public string? AccountGuid { get; init; }
}

public sealed record AddressRequest(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country,
    string? Phone, string? Email);

public sealed record DeliveryRequest(DeliveryMethod? Method, AddressRequest? Address, string? PickupFacilityCode);

/// <summary>
/// A new order: the channel (body or <c>x-channel-code</c>), 1–100 lines, the customer, the delivery; optionally the
/// facility, a note, a campaign code and the order number (else one is made).
/// </summary>
public sealed record CreateOrderRequest(string? ChannelCode, IReadOnlyList<OrderLineRequest>? Lines, CustomerRequest? Customer, DeliveryRequest? Delivery,
    string? FacilityCode, string? Note, string? CampaignCode, string? OrderNumber);

/// <summary>A change of an order's state (place, the promise steps) at the revision the caller read.</summary>
public sealed record OrderChangeRequest(string? OrderGuid, long? ExpectedRevision);

public sealed record CancelOrderRequest(string? OrderGuid, long? ExpectedRevision, string? Reason);

/// <summary>Cancel a line, or <see cref="Quantity"/> of it (default: all that is open).</summary>
public sealed record CancelLineRequest(string? OrderGuid, long? ExpectedRevision, int? LineNo, long? Quantity, string? Reason);

public sealed record OrderGetRequest(string? OrderGuid, string? OrderNumber);

public sealed record OrderListRequest(OrderStatus? Status, string? ChannelCode, string? CustomerGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed record OrderSearchRequest(OrderStatus? Status, string? ChannelCode, string? CustomerGuid, string? CustomerEmail, DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo, string? OrderNumber, int? Limit, string? NextToken) : IPagedRequest;

public sealed class CreateOrderRequestValidator : AbstractValidator<CreateOrderRequest>
{
    public const int MaxLines = 100;
    public const long MaxQuantity = 1_000_000;

    public CreateOrderRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.CampaignCode).OptionalCode();
        RuleFor(r => r.OrderNumber).Must(n => n is null || OrderRules.IsOrderNumber(n))
            .WithMessage("must be 1–40 letters, digits, '-', '_' or '/'");
        RuleFor(r => r.Note).MultilineText(2000);
        RuleFor(r => r.Lines).NotNull().WithMessage("is required")
            .Must(l => l is null || l.Count is >= 1 and <= MaxLines).WithMessage($"1 to {MaxLines} lines")
            .Must(l => l is null || l.All(x => x is not null)).WithMessage("a line is null");
        RuleForEach(r => r.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l!).Must(l => OrderRules.NamesOf(l) == 1)
                .WithMessage("name the variant exactly one way: variant_guid, barcode, identifier, alias or variant_code").OverridePropertyName("variant_guid");
            line.RuleFor(l => l!.VariantGuid).OptionalGuid();
            line.RuleFor(l => l!.Barcode).Text(64);
            line.RuleFor(l => l!.VariantCode).OptionalCode();
            line.RuleFor(l => l!.Identifier!.IdType).BusinessCode().When(l => l!.Identifier is not null).OverridePropertyName("identifier.id_type");
            line.RuleFor(l => l!.Identifier!.Value).RequiredText(100).When(l => l!.Identifier is not null).OverridePropertyName("identifier.value");
            line.RuleFor(l => l!.Alias!.Tag).BusinessCode().When(l => l!.Alias is not null).OverridePropertyName("alias.tag");
            line.RuleFor(l => l!.Alias!.Value).RequiredText(100).When(l => l!.Alias is not null).OverridePropertyName("alias.value");
            line.RuleFor(l => l!.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, MaxQuantity);
            line.RuleFor(l => l!.UomCode).OptionalCode();
        }).When(r => r.Lines is { Count: <= MaxLines } && r.Lines.All(x => x is not null));
        RuleFor(r => r.Customer!.CustomerGuid).OptionalGuid().When(r => r.Customer is not null).OverridePropertyName("customer.customer_guid");
        RuleFor(r => r.Customer!.AccountGuid).OptionalGuid().When(r => r.Customer is not null).OverridePropertyName("customer.account_guid");
        RuleFor(r => r.Customer!.Email).Must(e => e is null || OrderRules.IsEmail(e)).WithMessage("is not an e-mail address")
            .When(r => r.Customer is not null).OverridePropertyName("customer.email");
        RuleFor(r => r.Customer!.Name).Text().When(r => r.Customer is not null).OverridePropertyName("customer.name");
        RuleFor(r => r.Customer!.ExternalRef).Text(100).When(r => r.Customer is not null).OverridePropertyName("customer.external_ref");
        RuleFor(r => r.Delivery).NotNull().WithMessage("is required");
        RuleFor(r => r.Delivery!.Method).NotNull().WithMessage("is required").When(r => r.Delivery is not null).OverridePropertyName("delivery.method");
        When(r => r.Delivery?.Method == DeliveryMethod.Ship, () =>
        {
            RuleFor(r => r.Delivery!.Address).NotNull().WithMessage("is required to ship").OverridePropertyName("delivery.address");
            RuleFor(r => r.Delivery!.PickupFacilityCode).Null().WithMessage("only goes with pickup").OverridePropertyName("delivery.pickup_facility_code");
        });
        When(r => r.Delivery?.Method == DeliveryMethod.Pickup, () =>
            RuleFor(r => r.Delivery!.PickupFacilityCode).BusinessCode().OverridePropertyName("delivery.pickup_facility_code"));
        When(r => r.Delivery?.Address is not null, () =>
        {
            RuleFor(r => r.Delivery!.Address!.Name).Text().OverridePropertyName("delivery.address.name");
            RuleFor(r => r.Delivery!.Address!.Line1).RequiredText().OverridePropertyName("delivery.address.line1");
            RuleFor(r => r.Delivery!.Address!.Line2).Text().OverridePropertyName("delivery.address.line2");
            RuleFor(r => r.Delivery!.Address!.City).RequiredText(100).OverridePropertyName("delivery.address.city");
            RuleFor(r => r.Delivery!.Address!.Region).Text(100).OverridePropertyName("delivery.address.region");
            RuleFor(r => r.Delivery!.Address!.PostalCode).RequiredText(20).OverridePropertyName("delivery.address.postal_code");
            RuleFor(r => r.Delivery!.Address!.Country).NotEmpty().WithMessage("is required").Country().OverridePropertyName("delivery.address.country");
            RuleFor(r => r.Delivery!.Address!.Phone).Text(40).OverridePropertyName("delivery.address.phone");
            RuleFor(r => r.Delivery!.Address!.Email).Must(e => e is null || OrderRules.IsEmail(e)).WithMessage("is not an e-mail address")
                .OverridePropertyName("delivery.address.email");
        });
    }
}

public sealed class OrderChangeRequestValidator : AbstractValidator<OrderChangeRequest>
{
    public OrderChangeRequestValidator() => RuleFor(r => r.OrderGuid).RequiredGuid();
}

public sealed class CancelOrderRequestValidator : AbstractValidator<CancelOrderRequest>
{
    public CancelOrderRequestValidator()
    {
        RuleFor(r => r.OrderGuid).RequiredGuid();
        RuleFor(r => r.Reason).Text();
    }
}

public sealed class CancelLineRequestValidator : AbstractValidator<CancelLineRequest>
{
    public CancelLineRequestValidator()
    {
        RuleFor(r => r.OrderGuid).RequiredGuid();
        RuleFor(r => r.LineNo).NotNull().WithMessage("is required").GreaterThan(0);
        RuleFor(r => r.Quantity).InclusiveBetween(1, CreateOrderRequestValidator.MaxQuantity);
        RuleFor(r => r.Reason).Text();
    }
}

public sealed class OrderGetRequestValidator : AbstractValidator<OrderGetRequest>
{
    public OrderGetRequestValidator()
    {
        RuleFor(r => r.OrderGuid).OptionalGuid();
        RuleFor(r => r.OrderNumber).Must(n => n is null || OrderRules.IsOrderNumber(n)).WithMessage("is not an order number");
        RuleFor(r => r).Must(r => (r.OrderGuid is null) != (r.OrderNumber is null)).WithMessage("name order_guid or order_number")
            .OverridePropertyName("order_guid");
    }
}

public sealed class OrderListRequestValidator : AbstractValidator<OrderListRequest>
{
    public OrderListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
    }
}

public sealed class OrderSearchRequestValidator : AbstractValidator<OrderSearchRequest>
{
    public OrderSearchRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.CustomerEmail).Must(e => e is null || OrderRules.IsEmail(e)).WithMessage("is not an e-mail address");
        RuleFor(r => r.OrderNumber).Must(n => n is null || OrderRules.IsOrderNumber(n)).WithMessage("is not an order number");
        RuleFor(r => r.CreatedTo).GreaterThan(r => r.CreatedFrom).When(r => r.CreatedFrom is not null && r.CreatedTo is not null)
            .WithMessage("must be after created_from");
    }
}
