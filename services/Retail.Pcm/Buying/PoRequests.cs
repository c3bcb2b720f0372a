using FluentValidation;

namespace Retail.Pcm.Buying;

public sealed record PoLineRequest(string? VariantGuid, long? Quantity, long? UnitCostMinor);

public sealed record PoTermsRequest(string? PaymentTerms, int? LeadTimeDays, DateOnly? ExpectedAt, string? Incoterm);

/// <param name="Currency">ISO 4217; default: the vendor's terms currency.</param>
/// <param name="Terms">Default: the vendor's PVM terms (payment terms, lead time → expected_at).</param>
/// <param name="PoNumber">Unique in the org; generated (<c>PO-yyyyMMdd-xxxxxx</c>) when absent.</param>
public sealed record CreatePoRequest(string? VendorCode, string? VendorGuid, string? ShipToFacilityCode, string? Currency,
    IReadOnlyList<PoLineRequest>? Lines, PoTermsRequest? Terms, string? PoNumber, string? Note);

public sealed record PoKey(string? PoGuid);

/// <param name="ExpectedRevision">The PO's revision the caller read.</param>
public sealed record PoChange(string? PoGuid, long? ExpectedRevision, string? Note);

public sealed record PoListRequest(PoStatus? Status, string? VendorGuid, string? VendorCode, string? ShipToFacilityCode, int? Limit, string? NextToken)
    : IPagedRequest;

internal static class PoRequestRules
{
    public const int MaxLines = 500;
    public const long MaxQuantity = 1_000_000;

    /// <summary>With <see cref="MaxQuantity"/> and <see cref="MaxLines"/>, a PO's total fits a long.</summary>
    public const long MaxUnitCostMinor = 10_000_000_000;

    public static void AddPoLineRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<PoLineRequest>?> lines)
    {
        validator.RuleFor(r => lines(r)).NotEmpty().WithMessage("is required")
            .Must(l => l is null || l.Count <= MaxLines).WithMessage($"has at most {MaxLines} lines")
            .Must(l => l is null || DistinctGuids(l.Select(x => x?.VariantGuid))).WithMessage("names each variant once")
            .OverridePropertyName("lines");
        validator.RuleForEach(r => lines(r)).NotNull().WithMessage("is required").ChildRules(line =>
        {
            line.RuleFor(l => l.VariantGuid).RequiredGuid();
            line.RuleFor(l => l.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, MaxQuantity);
            line.RuleFor(l => l.UnitCostMinor).NotNull().WithMessage("is required").InclusiveBetween(0, MaxUnitCostMinor);
        }).OverridePropertyName("lines");
    }

    public static bool DistinctGuids(IEnumerable<string?> guids)
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

    public static bool IsPoNumber(string? number) =>
        number is null || (number.Trim() is { Length: >= 1 and <= 40 } n && n.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or '.'));
}

public sealed class CreatePoRequestValidator : AbstractValidator<CreatePoRequest>
{
    public CreatePoRequestValidator()
    {
        RuleFor(r => r.VendorCode).OptionalCode();
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.VendorCode).Must((r, c) => c is not null || r.VendorGuid is not null).WithMessage("name the vendor by vendor_code or vendor_guid");
        RuleFor(r => r.ShipToFacilityCode).BusinessCode();
        RuleFor(r => r.Currency).Currency();
        this.AddPoLineRules(r => r.Lines);
        RuleFor(r => r.Terms).ChildRules(t =>
        {
            t.RuleFor(x => x!.PaymentTerms).Text(100);
            t.RuleFor(x => x!.LeadTimeDays).InclusiveBetween(0, 3650).When(x => x!.LeadTimeDays is not null);
            t.RuleFor(x => x!.Incoterm).Must(i => i is null || (i.Trim() is { Length: 3 } c && c.All(char.IsAsciiLetter)))
                .WithMessage("must be a three-letter Incoterm such as FOB or DDP");
        }).When(r => r.Terms is not null);
        RuleFor(r => r.PoNumber).Must(PoRequestRules.IsPoNumber).WithMessage("must be 1–40 letters, digits or - _ / .");
        RuleFor(r => r.Note).MultilineText(2000);
    }
}

public sealed class PoKeyValidator : AbstractValidator<PoKey>
{
    public PoKeyValidator() => RuleFor(r => r.PoGuid).RequiredGuid();
}

public sealed class PoChangeValidator : AbstractValidator<PoChange>
{
    public PoChangeValidator()
    {
        RuleFor(r => r.PoGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class PoListRequestValidator : AbstractValidator<PoListRequest>
{
    public PoListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.VendorCode).OptionalCode();
        RuleFor(r => r.ShipToFacilityCode).OptionalCode();
    }
}
