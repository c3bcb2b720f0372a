using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Ics.Stock;

namespace Retail.Ics.Consignment;

/// <summary>
/// What a vendor's consigned stock of one variant at one facility came to (UC-ICS-005): received into
/// <c>consignment</c>, consumed (sold out of it), and settled with the vendor (of what was consumed; PCM pays it).
/// Keyed "{facility_code}:{variant_guid}:{vendor_code}".
/// </summary>
public sealed record ConsignmentLedger : Record
{
    public required string FacilityCode { get; init; }

    public required string VariantGuid { get; init; }

    public required string VendorCode { get; init; }

    public long Received { get; init; }

    public long Consumed { get; init; }

    public long Settled { get; init; }

    /// <summary>The settlement (a PCM reference) of the last settle.</summary>
    public StockReference? LastSettlement { get; init; }

    [JsonIgnore]
    public override string Key => KeyOf(FacilityCode, VariantGuid, VendorCode);

    /// <summary>Still on hand for the vendor.</summary>
    [JsonIgnore]
    public long OnHand => Received - Consumed;

    /// <summary>Consumed but not yet settled.</summary>
    [JsonIgnore]
    public long Unsettled => Consumed - Settled;

    public static string KeyOf(string facilityCode, string variantGuid, string vendorCode) => $"{facilityCode}:{variantGuid}:{vendorCode}";

    public static RecordType<ConsignmentLedger> Type { get; } = new RecordType<ConsignmentLedger>("consignment_ledger")
        .IndexBy("facility_code", "vendor_code")
        .IndexBy("vendor_code")
        .IndexBy("variant_guid");
}

public sealed record ConsignmentLineRequest(string? VariantGuid, long? Quantity);

public sealed record ConsignmentReceiveRequest(string? FacilityCode, string? VendorCode, IReadOnlyList<ConsignmentLineRequest>? Lines, StockReference? Reference);

public sealed record ConsignmentConsumeRequest(string? FacilityCode, string? VendorCode, string? VariantGuid, long? Quantity, StockReference? Reference);

public sealed record ConsignmentSettleRequest(string? FacilityCode, string? VendorCode, string? VariantGuid, long? Quantity, StockReference? Reference);

public sealed record ConsignmentLedgerListRequest(string? FacilityCode, string? VendorCode, int? Limit, string? NextToken) : IPagedRequest;

public sealed class ConsignmentLedgerListRequestValidator : AbstractValidator<ConsignmentLedgerListRequest>
{
    public ConsignmentLedgerListRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VendorCode).BusinessCode();
        this.AddPagingRules();
    }
}

/// <summary>What a consignment receipt committed: its movements' change and each vendor ledger after it.</summary>
public sealed record ConsignmentReceipt(string ChangeGuid, IReadOnlyList<ConsignmentLedger> Ledgers);

public sealed class ConsignmentLineRequestValidator : AbstractValidator<ConsignmentLineRequest>
{
    public ConsignmentLineRequestValidator()
    {
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Quantity).Quantity();
    }
}

public sealed class ConsignmentReceiveRequestValidator : AbstractValidator<ConsignmentReceiveRequest>
{
    public ConsignmentReceiveRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VendorCode).BusinessCode();
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required").Must(l => l is null || l.Count <= 200).WithMessage("at most 200 lines")
            .Must(l => l is null || l.Where(x => Guid.TryParse(x?.VariantGuid, out _)).GroupBy(x => Guid.Parse(x!.VariantGuid!)).All(g => g.Count() == 1))
            .WithMessage("names each variant once");
        RuleForEach(r => r.Lines).NotNull().SetValidator(new ConsignmentLineRequestValidator());
        this.AddReferenceRules(r => r.Reference, "reference", required: true);
    }
}

public sealed class ConsignmentConsumeRequestValidator : AbstractValidator<ConsignmentConsumeRequest>
{
    public ConsignmentConsumeRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VendorCode).BusinessCode();
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Quantity).Quantity();
        this.AddReferenceRules(r => r.Reference, "reference", required: true);
    }
}

public sealed class ConsignmentSettleRequestValidator : AbstractValidator<ConsignmentSettleRequest>
{
    public ConsignmentSettleRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VendorCode).BusinessCode();
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Quantity).Quantity();
        this.AddReferenceRules(r => r.Reference, "reference", required: true);
    }
}
