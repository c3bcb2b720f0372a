using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Scm.Orders;

namespace Retail.Scm.Quotes;

/// <summary><c>pending_approval → approved → converted</c>; pending or approved quotes may be <c>cancelled</c> (not through the API yet).</summary>
public enum QuoteStatus
{
    PendingApproval,
    Approved,
    Converted,
    Cancelled,
}

/// <summary>
/// A priced offer to a customer (UC-SCM-004): the lines as <c>/order/create</c> would price and tax them, held until
/// <see cref="ValidUntil"/>. Converting makes an order at exactly these prices (<c>source = quote</c>).
/// </summary>
public sealed record Quote : Record
{
    public required string QuoteGuid { get; init; }

    public required string ChannelCode { get; init; }

    public string? FacilityCode { get; init; }

    public CustomerRef? Customer { get; init; }

    public required Delivery Delivery { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<OrderLine> Lines { get; init; }

    public required OrderTotals Totals { get; init; }

    public bool TaxInclusive { get; init; }

    public required DateTimeOffset ValidUntil { get; init; }

    public QuoteStatus Status { get; init; } = QuoteStatus.PendingApproval;

    public string? Note { get; init; }

    public required string CreatedBy { get; init; }

    public string? ApprovedBy { get; init; }

    public DateTimeOffset? ApprovedAt { get; init; }

    /// <summary>The order the quote became.</summary>
    public string? OrderGuid { get; init; }

    public string? OrderNumber { get; init; }

    public string? ConvertedBy { get; init; }

    public DateTimeOffset? ConvertedAt { get; init; }

    [JsonIgnore]
    public override string Key => QuoteGuid;

    public static readonly StateMachine<QuoteStatus> Lifecycle = new(new Dictionary<QuoteStatus, QuoteStatus[]>
    {
        [QuoteStatus.PendingApproval] = [QuoteStatus.Approved, QuoteStatus.Cancelled],
        [QuoteStatus.Approved] = [QuoteStatus.Converted, QuoteStatus.Cancelled],
        [QuoteStatus.Converted] = [],
        [QuoteStatus.Cancelled] = [],
    });

    public static RecordType<Quote> Type { get; } = new RecordType<Quote>("quote")
        .Computed("created_ms", q => q.CreatedAt.ToUnixTimeMilliseconds())
        .Computed("customer_guid", q => q.Customer?.CustomerGuid)
        .IndexBy("status", "created_ms")
        .IndexBy("channel_code", "created_ms")
        .IndexBy("customer_guid", "created_ms")
        .IndexBy("created_ms");
}

/// <summary>
/// A new quote: what <c>/order/create</c> takes (channel in the body or <c>x-channel-code</c>, lines, customer, delivery,
/// facility, note) and <see cref="ValidUntil"/> (default <see cref="QuoteRules.DefaultValidity"/> from now, at most
/// <see cref="QuoteRules.MaxValidity"/>).
/// </summary>
public sealed record CreateQuoteRequest(string? ChannelCode, IReadOnlyList<OrderLineRequest>? Lines, CustomerRequest? Customer, DeliveryRequest? Delivery,
    string? FacilityCode, string? Note, DateTimeOffset? ValidUntil)
{
    public CreateOrderRequest AsOrder() => new(ChannelCode, Lines, Customer, Delivery, FacilityCode, Note, null, null);
}

public sealed record QuoteChangeRequest(string? QuoteGuid, long? ExpectedRevision);

/// <summary>Convert an approved, still valid quote into an order; <see cref="Place"/> places it at once (its lines reserved in ICS).</summary>
public sealed record ConvertQuoteRequest(string? QuoteGuid, long? ExpectedRevision, bool? Place, string? OrderNumber);

public sealed record QuoteKey(string? QuoteGuid);

public sealed record QuoteListRequest(QuoteStatus? Status, string? ChannelCode, string? CustomerGuid, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>What converting answers: the converted quote and the order (placed, when asked and possible).</summary>
/// <param name="PlaceProblem">Why placing failed (the problem's code, e.g. <c>insufficient_stock</c>); the order then stays <c>created</c>.</param>
public sealed record QuoteConversion(Quote Quote, Order Order, string? PlaceProblem);

public static class QuoteRules
{
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(14);
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(90);

    public static string GuidKey(string guid) => guid.Trim().ToLowerInvariant();
}

public sealed class CreateQuoteRequestValidator : AbstractValidator<CreateQuoteRequest>
{
    public CreateQuoteRequestValidator() =>
        RuleFor(r => r.AsOrder()).SetValidator(new CreateOrderRequestValidator()).OverridePropertyName("quote");
}

public sealed class QuoteChangeRequestValidator : AbstractValidator<QuoteChangeRequest>
{
    public QuoteChangeRequestValidator() => RuleFor(r => r.QuoteGuid).RequiredGuid();
}

public sealed class ConvertQuoteRequestValidator : AbstractValidator<ConvertQuoteRequest>
{
    public ConvertQuoteRequestValidator()
    {
        RuleFor(r => r.QuoteGuid).RequiredGuid();
        RuleFor(r => r.OrderNumber).Must(n => n is null || OrderRules.IsOrderNumber(n)).WithMessage("must be 1–40 letters, digits, '-', '_' or '/'");
    }
}

public sealed class QuoteKeyValidator : AbstractValidator<QuoteKey>
{
    public QuoteKeyValidator() => RuleFor(r => r.QuoteGuid).RequiredGuid();
}

public sealed class QuoteListRequestValidator : AbstractValidator<QuoteListRequest>
{
    public QuoteListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
    }
}

/// <summary><c>quote.created|approved|converted</c>: the quote after the change.</summary>
public sealed record QuoteChanged(string Orgcode, string QuoteGuid, QuoteStatus Status, long Revision, string ChannelCode, string Currency, long TotalMinor,
    DateTimeOffset ValidUntil, string? OrderGuid);

/// <summary><c>backorder.*</c>: the backorder after the change.</summary>
public sealed record BackorderChanged(string Orgcode, string BackorderGuid, BackorderStatus Status, long Revision, string ChannelCode, string VariantGuid,
    long Quantity, string? OrderGuid);

/// <summary><c>special_order.*</c>: the special order after the change.</summary>
public sealed record SpecialOrderChanged(string Orgcode, string SpecialOrderGuid, SpecialOrderStatus Status, long Revision, string VendorCode,
    string? VariantGuid, long Quantity, string PoNumber, string? EdiGuid);

internal static class QuoteEvents
{
    public static DomainEvent Of(string type, string orgcode, Quote q) =>
        new(type, new QuoteChanged(orgcode, q.QuoteGuid, q.Status, q.Revision, q.ChannelCode, q.Currency, q.Totals.TotalMinor, q.ValidUntil, q.OrderGuid),
            $"quote/{q.QuoteGuid}");

    public static DomainEvent Of(string type, string orgcode, Backorder b) =>
        new(type, new BackorderChanged(orgcode, b.BackorderGuid, b.Status, b.Revision, b.ChannelCode, b.Line.VariantGuid, b.Line.Quantity, b.OrderGuid),
            $"backorder/{b.BackorderGuid}");

    public static DomainEvent Of(string type, string orgcode, SpecialOrder s) =>
        new(type, new SpecialOrderChanged(orgcode, s.SpecialOrderGuid, s.Status, s.Revision, s.VendorCode, s.VariantGuid, s.Quantity, s.PoNumber, s.EdiGuid),
            $"special_order/{s.SpecialOrderGuid}");
}
