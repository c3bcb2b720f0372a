using System.Text.Json.Serialization;
using FluentValidation;

namespace Retail.Pcm.Receiving.Consignment;

/// <summary><c>payable</c> (owed to the vendor) <c>→ paid</c> (by payables).</summary>
public enum SettlementStatus
{
    Payable,
    Paid,
}

/// <summary>Where a line's unit cost came from: given in the request, or the vendor's latest PO line of the variant.</summary>
public enum CostSource
{
    Given,
    PurchaseOrder,
}

public sealed record SettlementLine(string VariantGuid, long Quantity, long UnitCostMinor, long AmountMinor, CostSource CostSource);

/// <summary>
/// Consumed consignment stock of one vendor at one facility, settled in ICS and owed to the vendor: each line's quantity is
/// what ICS counted consumed and not yet settled, times its unit cost.
/// </summary>
public sealed record ConsignmentSettlement : Record
{
    public required string SettlementGuid { get; init; }

    public required string VendorGuid { get; init; }

    public required string VendorCode { get; init; }

    public required string FacilityCode { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<SettlementLine> Lines { get; init; }

    public required long TotalMinor { get; init; }

    public SettlementStatus Status { get; init; } = SettlementStatus.Payable;

    public string? Note { get; init; }

    public required string SettledBy { get; init; }

    [JsonIgnore]
    public override string Key => SettlementGuid;

    public static RecordType<ConsignmentSettlement> Type { get; } = new RecordType<ConsignmentSettlement>("consignment_settlement")
        .Computed("created_ms", s => s.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("vendor_guid", "status")
        .IndexBy("status")
        .IndexBy("created_ms");
}

public sealed record SettlementCostRequest(string? VariantGuid, long? UnitCostMinor);

/// <param name="VariantGuids">Only these variants (all the vendor's consumed variants at the facility when absent).</param>
/// <param name="UnitCosts">Unit costs per variant; a variant left out takes the vendor's latest PO line cost of it.</param>
/// <param name="Currency">The currency of the costs (the vendor's terms currency when absent).</param>
public sealed record SettleConsignmentRequest(string? VendorGuid, string? VendorCode, string? FacilityCode, IReadOnlyList<string>? VariantGuids,
    IReadOnlyList<SettlementCostRequest>? UnitCosts, string? Currency, string? Note);

public sealed record SettlementKeyRequest(string? SettlementGuid);

public sealed record ListSettlementsRequest(string? VendorGuid, SettlementStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>consignment.settled: the settlement as recorded.</summary>
public sealed record ConsignmentSettled(string Orgcode, string SettlementGuid, string VendorGuid, string VendorCode, string FacilityCode, string Currency,
    long TotalMinor, IReadOnlyList<SettlementLine> Lines);

public sealed class SettlementCostRequestValidator : AbstractValidator<SettlementCostRequest>
{
    public SettlementCostRequestValidator()
    {
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.UnitCostMinor).NotNull().WithMessage("is required").InclusiveBetween(0, 1_000_000_000_000);
    }
}

public sealed class SettleConsignmentRequestValidator : AbstractValidator<SettleConsignmentRequest>
{
    public SettleConsignmentRequestValidator()
    {
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.VendorCode).OptionalCode();
        RuleFor(r => r).Must(r => r.VendorGuid is not null ^ r.VendorCode is not null).OverridePropertyName("vendor_guid")
            .WithMessage("give vendor_guid or vendor_code (one of them)");
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VariantGuids).Must(v => v is null || (v.Count is >= 1 and <= 200 && v.Distinct().Count() == v.Count)).WithMessage("1–200 distinct variants");
        RuleForEach(r => r.VariantGuids).RequiredGuid();
        RuleFor(r => r.UnitCosts).Must(c => c is null || c.Count <= 200).WithMessage("at most 200")
            .Must(c => c is null || c.Where(x => x?.VariantGuid is not null).GroupBy(x => x!.VariantGuid!.Trim().ToLowerInvariant()).All(g => g.Count() == 1))
            .WithMessage("names each variant once");
        RuleForEach(r => r.UnitCosts).NotNull().SetValidator(new SettlementCostRequestValidator());
        RuleFor(r => r.Currency).Currency().When(r => r.Currency is not null);
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class SettlementKeyRequestValidator : AbstractValidator<SettlementKeyRequest>
{
    public SettlementKeyRequestValidator() => RuleFor(r => r.SettlementGuid).RequiredGuid();
}

public sealed class ListSettlementsRequestValidator : AbstractValidator<ListSettlementsRequest>
{
    public ListSettlementsRequestValidator()
    {
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        this.AddPagingRules();
    }
}
