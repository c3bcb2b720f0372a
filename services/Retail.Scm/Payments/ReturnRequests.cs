using FluentValidation;

namespace Retail.Scm.Payments;

public sealed record ReturnLineRequest(int? LineNo, long? Quantity);

public sealed record RequestReturnRequest(string? OrderGuid, IReadOnlyList<ReturnLineRequest>? Lines, string? Reason, string? Note);

/// <param name="Quantity">What came back of the line (default: the quantity on the return).</param>
public sealed record ReceiveReturnLine(int? LineNo, long? Quantity, ReturnCondition? Condition, string? Note);

/// <param name="Refund">Who refunds the return: the saga at once (<c>auto</c>, the default) or an admin (<c>manual</c>, <c>/refund/issue</c>).</param>
public sealed record ReceiveReturnRequest(string? ReturnGuid, long? ExpectedRevision, IReadOnlyList<ReceiveReturnLine>? Lines, string? InspectionNotes,
    ReturnRefundMode? Refund = null);

public sealed record ReturnKey(string? ReturnGuid);

public sealed record ReturnListRequest(string? OrderGuid, ReturnStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <param name="AmountMinor">Default: the received lines' net plus tax.</param>
public sealed record IssueRefundRequest(string? ReturnGuid, long? ExpectedRevision, long? AmountMinor, string? Note);

/// <summary>A refund as committed: the resolved return and the order's payment sums after it.</summary>
public sealed record RefundView(string RefundGuid, long AmountMinor, string Currency, IReadOnlyList<RefundPart> Parts, OrderReturn Return,
    long OrderCapturedMinor, long OrderRefundedMinor, Retail.Scm.Orders.PaymentStatus OrderPaymentStatus);

internal static class ReturnRequestRules
{
    public const int MaxLines = 200;

    public static bool DistinctLines(IEnumerable<int?> lineNos)
    {
        var seen = new HashSet<int>();
        return lineNos.All(n => n is null || seen.Add(n.Value));
    }
}

public sealed class RequestReturnRequestValidator : AbstractValidator<RequestReturnRequest>
{
    public RequestReturnRequestValidator()
    {
        RuleFor(r => r.OrderGuid).RequiredGuid();
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required")
            .Must(l => l is null || l.Count <= ReturnRequestRules.MaxLines).WithMessage($"has at most {ReturnRequestRules.MaxLines} lines")
            .Must(l => l is null || ReturnRequestRules.DistinctLines(l.Select(x => x?.LineNo))).WithMessage("names each line once");
        RuleForEach(r => r.Lines).NotNull().ChildRules(line =>
        {
            line.RuleFor(l => l.LineNo).NotNull().WithMessage("is required").GreaterThan(0);
            line.RuleFor(l => l.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, 1_000_000_000);
        });
        RuleFor(r => r.Reason).RequiredText(200);
        RuleFor(r => r.Note).MultilineText(2000);
    }
}

public sealed class ReceiveReturnRequestValidator : AbstractValidator<ReceiveReturnRequest>
{
    public ReceiveReturnRequestValidator()
    {
        RuleFor(r => r.ReturnGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required")
            .Must(l => l is null || l.Count <= ReturnRequestRules.MaxLines).WithMessage($"has at most {ReturnRequestRules.MaxLines} lines")
            .Must(l => l is null || ReturnRequestRules.DistinctLines(l.Select(x => x?.LineNo))).WithMessage("names each line once");
        RuleForEach(r => r.Lines).NotNull().ChildRules(line =>
        {
            line.RuleFor(l => l.LineNo).NotNull().WithMessage("is required").GreaterThan(0);
            line.RuleFor(l => l.Quantity).InclusiveBetween(0, 1_000_000_000).When(l => l.Quantity is not null);
            line.RuleFor(l => l.Condition).NotNull().WithMessage("is required");
            line.RuleFor(l => l.Note).Text(500);
        });
        RuleFor(r => r.InspectionNotes).MultilineText(2000);
        RuleFor(r => r.Refund).IsInEnum().When(r => r.Refund is not null);
    }
}

public sealed class ReturnKeyValidator : AbstractValidator<ReturnKey>
{
    public ReturnKeyValidator() => RuleFor(r => r.ReturnGuid).RequiredGuid();
}

public sealed class ReturnListRequestValidator : AbstractValidator<ReturnListRequest>
{
    public ReturnListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.OrderGuid).OptionalGuid();
    }
}

public sealed class IssueRefundRequestValidator : AbstractValidator<IssueRefundRequest>
{
    public IssueRefundRequestValidator()
    {
        RuleFor(r => r.ReturnGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.AmountMinor).InclusiveBetween(0, 1_000_000_000_000).When(r => r.AmountMinor is not null);
        RuleFor(r => r.Note).Text(500);
    }
}
