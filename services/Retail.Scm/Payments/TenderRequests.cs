using FluentValidation;

namespace Retail.Scm.Payments;

/// <param name="AmountMinor">Default: the order's total less what is captured.</param>
/// <param name="TenderKind">Default <c>card</c>; the channel policy's accepted tenders decide.</param>
/// <param name="PaymentMethodToken">The provider's token of the payment method (as UAS keeps it), never a card number.</param>
public sealed record CaptureTenderRequest(string? OrderGuid, long? AmountMinor, string? TenderKind, string? PaymentMethodToken, string? PaymentMethodGuid);

public sealed record TenderKey(string? TenderGuid);

public sealed record VoidTenderRequest(string? TenderGuid, long? ExpectedRevision);

/// <param name="BusinessDay">The UTC day whose captured tenders settle; default today (UTC).</param>
public sealed record SettleTendersRequest(DateOnly? BusinessDay);

public sealed record SettlementBatchView(SettlementBatch Batch, int SettledNow);

public sealed record TenderListRequest(string? OrderGuid, TenderStatus? Status, DateOnly? BusinessDay, int? Limit, string? NextToken) : IPagedRequest;

public sealed class CaptureTenderRequestValidator : AbstractValidator<CaptureTenderRequest>
{
    public CaptureTenderRequestValidator()
    {
        RuleFor(r => r.OrderGuid).RequiredGuid();
        RuleFor(r => r.AmountMinor).InclusiveBetween(1, 1_000_000_000_000).When(r => r.AmountMinor is not null);
        RuleFor(r => r.TenderKind).OptionalCode();
        RuleFor(r => r.PaymentMethodToken).RequiredText(255);
        RuleFor(r => r.PaymentMethodGuid).Text(64);
    }
}

public sealed class TenderKeyValidator : AbstractValidator<TenderKey>
{
    public TenderKeyValidator() => RuleFor(r => r.TenderGuid).RequiredGuid();
}

public sealed class VoidTenderRequestValidator : AbstractValidator<VoidTenderRequest>
{
    public VoidTenderRequestValidator()
    {
        RuleFor(r => r.TenderGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class SettleTendersRequestValidator : AbstractValidator<SettleTendersRequest>
{
    public SettleTendersRequestValidator()
    {
    }
}

public sealed class TenderListRequestValidator : AbstractValidator<TenderListRequest>
{
    public TenderListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.OrderGuid).OptionalGuid();
    }
}
