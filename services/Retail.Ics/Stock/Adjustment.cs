using System.Text.Json.Serialization;
using FluentValidation;

namespace Retail.Ics.Stock;

/// <summary>Why stock was adjusted: damage (available → damaged), shrink (lost), found, or a correction either way.</summary>
public enum AdjustmentReason
{
    Damage,
    Shrink,
    Found,
    Correction,
}

/// <summary>
/// A booked adjustment of stock (signed: + came into the books, − left available), committed with its movements;
/// <see cref="ChangeGuid"/> names them on the stock card.
/// </summary>
public sealed record Adjustment : Record
{
    public required string AdjustmentGuid { get; init; }

    public required string ChangeGuid { get; init; }

    public required string FacilityCode { get; init; }

    public required string VariantGuid { get; init; }

    public required long Quantity { get; init; }

    public required AdjustmentReason Reason { get; init; }

    public string? BinCode { get; init; }

    public string? Note { get; init; }

    [JsonIgnore]
    public override string Key => AdjustmentGuid;

    /// <summary>The ledger moves an adjustment makes: − damage to damaged, − shrink/correction out, + found/correction in.</summary>
    public StockMove Move() => (Reason, Quantity) switch
    {
        (AdjustmentReason.Damage, _) => new StockMove(FacilityCode, VariantGuid, StockState.Available, StockState.Damaged, -Quantity, BinCode, BinCode),
        (_, < 0) => new StockMove(FacilityCode, VariantGuid, StockState.Available, null, -Quantity, FromBin: BinCode),
        _ => new StockMove(FacilityCode, VariantGuid, null, StockState.Available, Quantity, ToBin: BinCode),
    };

    public static RecordType<Adjustment> Type { get; } = new RecordType<Adjustment>("adjustment")
        .IndexBy("facility_code", "variant_guid");
}

public sealed record AdjustmentCreated(string Orgcode, string AdjustmentGuid, string ChangeGuid, string FacilityCode, string VariantGuid, long Quantity,
    AdjustmentReason Reason, string? BinCode);

/// <param name="Quantity">Signed: negative for damage, shrink and a correction down; positive for found and a correction up.</param>
public sealed record CreateAdjustmentRequest(string? FacilityCode, string? VariantGuid, long? Quantity, AdjustmentReason? Reason, string? BinCode,
    string? Note);

public sealed class CreateAdjustmentRequestValidator : AbstractValidator<CreateAdjustmentRequest>
{
    public CreateAdjustmentRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.VariantGuid).RequiredGuid();
        RuleFor(r => r.Reason).NotNull().WithMessage("is required");
        RuleFor(r => r.Quantity).NotNull().WithMessage("is required")
            .Must(q => q is null || (q != 0 && Math.Abs(q.Value) <= StockRules.MaxQuantity)).WithMessage($"must be non-zero, at most {StockRules.MaxQuantity} either way")
            .Must(q => q < 0).When(r => r.Reason is AdjustmentReason.Damage or AdjustmentReason.Shrink, ApplyConditionTo.CurrentValidator)
            .WithMessage("must be negative for damage and shrink")
            .Must(q => q > 0).When(r => r.Reason is AdjustmentReason.Found, ApplyConditionTo.CurrentValidator).WithMessage("must be positive for found");
        RuleFor(r => r.BinCode).OptionalCode();
        RuleFor(r => r.Note).MultilineText(1000);
    }
}
