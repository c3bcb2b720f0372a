using FluentValidation;

namespace Retail.Ics.Transfers;

public sealed record CreateTransferRequest(string? FromFacilityCode, string? ToFacilityCode, IReadOnlyList<VariantQuantity>? Lines, string? Reason,
    DateOnly? NeededBy);

public sealed record TransferKey(string? TransferGuid);

public sealed record TransferChange(string? TransferGuid, long? ExpectedRevision, string? Note);

public sealed record ApproveTransferRequest(string? TransferGuid, long? ExpectedRevision, bool? Approve, string? Note);

public sealed record TransferListRequest(TransferStatus? Status, string? FromFacilityCode, string? ToFacilityCode, int? Limit, string? NextToken)
    : IPagedRequest;

public sealed record TransferReportRequest(TransferStatus? Status, string? FromFacilityCode, string? ToFacilityCode, DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>One transfer in the report: its stored totals (no movement is read).</summary>
public sealed record TransferReportLine(string TransferGuid, string FromFacilityCode, string ToFacilityCode, TransferStatus Status, long Requested,
    long Shipped, long Received, long Discrepancy, DateTimeOffset CreatedAt);

/// <param name="ExpectedRevision">The transfer's revision: a shipment changes it.</param>
public sealed record RecordShipmentRequest(string? TransferGuid, IReadOnlyList<VariantQuantity>? Lines, string? Carrier, string? Tracking,
    long? ExpectedRevision);

/// <param name="ExpectedRevision">The shipment's revision.</param>
public sealed record ReceiveShipmentRequest(string? ShipmentGuid, IReadOnlyList<ReceivedQuantity>? Lines, long? ExpectedRevision);

public sealed record ShipmentKey(string? ShipmentGuid);

public sealed record ShipmentListRequest(string? TransferGuid, ShipmentStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

internal static class TransferRequestRules
{
    public const int MaxTransferLines = 500;

    /// <summary>A shipment is one ledger change of two moves per line (out at the source, in transit at the destination).</summary>
    public const int MaxShipmentLines = Stock.StockLedger.MaxMovesPerChange / 2;

    public static void AddLineRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<VariantQuantity>?> lines, int max)
    {
        validator.RuleFor(r => lines(r)).NotEmpty().WithMessage("is required")
            .Must(l => l is null || l.Count <= max).WithMessage($"has at most {max} lines")
            .Must(l => l is null || DistinctVariants(l.Select(x => x.VariantGuid))).WithMessage("names each variant once")
            .OverridePropertyName("lines");
        validator.RuleForEach(r => lines(r)).ChildRules(line =>
        {
            line.RuleFor(l => l.VariantGuid).RequiredGuid();
            line.RuleFor(l => l.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, 1_000_000_000);
        }).OverridePropertyName("lines");
    }

    public static bool DistinctVariants(IEnumerable<string?> guids)
    {
        var seen = new HashSet<Guid>();
        foreach (var guid in guids)
        {
            if (Guid.TryParse(guid, out var parsed) && !seen.Add(parsed))
            {
                return false;
            }
        }
        return true;
    }
}

public sealed class CreateTransferRequestValidator : AbstractValidator<CreateTransferRequest>
{
    public CreateTransferRequestValidator()
    {
        RuleFor(r => r.FromFacilityCode).BusinessCode();
        RuleFor(r => r.ToFacilityCode).BusinessCode()
            .Must((r, to) => Codes.Normalize(to) != Codes.Normalize(r.FromFacilityCode)).WithMessage("must differ from from_facility_code");
        this.AddLineRules(r => r.Lines, TransferRequestRules.MaxTransferLines);
        RuleFor(r => r.Reason).Text(500);
    }
}

public sealed class TransferKeyValidator : AbstractValidator<TransferKey>
{
    public TransferKeyValidator() => RuleFor(r => r.TransferGuid).RequiredGuid();
}

public sealed class TransferChangeValidator : AbstractValidator<TransferChange>
{
    public TransferChangeValidator()
    {
        RuleFor(r => r.TransferGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class ApproveTransferRequestValidator : AbstractValidator<ApproveTransferRequest>
{
    public ApproveTransferRequestValidator()
    {
        RuleFor(r => r.TransferGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Approve).NotNull().WithMessage("is required");
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class TransferListRequestValidator : AbstractValidator<TransferListRequest>
{
    public TransferListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.FromFacilityCode).OptionalCode();
        RuleFor(r => r.ToFacilityCode).OptionalCode();
    }
}

public sealed class TransferReportRequestValidator : AbstractValidator<TransferReportRequest>
{
    public TransferReportRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.FromFacilityCode).OptionalCode();
        RuleFor(r => r.ToFacilityCode).OptionalCode();
        RuleFor(r => r.CreatedTo).GreaterThan(r => r.CreatedFrom).When(r => r.CreatedFrom is not null && r.CreatedTo is not null)
            .WithMessage("must be after created_from");
    }
}

public sealed class RecordShipmentRequestValidator : AbstractValidator<RecordShipmentRequest>
{
    public RecordShipmentRequestValidator()
    {
        RuleFor(r => r.TransferGuid).RequiredGuid();
        this.AddLineRules(r => r.Lines, TransferRequestRules.MaxShipmentLines);
        RuleFor(r => r.Carrier).Text(100);
        RuleFor(r => r.Tracking).Text(100);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class ReceiveShipmentRequestValidator : AbstractValidator<ReceiveShipmentRequest>
{
    public ReceiveShipmentRequestValidator()
    {
        RuleFor(r => r.ShipmentGuid).RequiredGuid();
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required")
            .Must(l => l is null || l.Count <= TransferRequestRules.MaxShipmentLines).WithMessage($"has at most {TransferRequestRules.MaxShipmentLines} lines")
            .Must(l => l is null || TransferRequestRules.DistinctVariants(l.Select(x => x.VariantGuid))).WithMessage("names each variant once");
        RuleForEach(r => r.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l.VariantGuid).RequiredGuid();
            line.RuleFor(l => l.Received).NotNull().WithMessage("is required").InclusiveBetween(0, 1_000_000_000);
        });
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class ShipmentKeyValidator : AbstractValidator<ShipmentKey>
{
    public ShipmentKeyValidator() => RuleFor(r => r.ShipmentGuid).RequiredGuid();
}

public sealed class ShipmentListRequestValidator : AbstractValidator<ShipmentListRequest>
{
    public ShipmentListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.TransferGuid).OptionalGuid();
    }
}
