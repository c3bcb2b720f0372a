using FluentValidation;

namespace Retail.Pcm.Buying;

public sealed record NpiComplianceRequest(string? CountryOfOrigin, string? HsCode, bool? Hazmat, int? AgeRestriction, IReadOnlyList<string>? Materials,
    IReadOnlyList<string>? Certifications);

/// <param name="ManufacturerCode">The style's primary manufacturer (PVM).</param>
/// <param name="OgmGuid">The option group model, by guid, or by <paramref name="OgmCode"/> and <paramref name="OgmRevision"/>.</param>
public sealed record NpiStyleRequest(string? StyleCode, string? Name, string? Description, string? BrandCode, string? CategoryCode,
    string? ManufacturerCode, string? SeasonCode, string? OgmGuid, string? OgmCode, int? OgmRevision, NpiComplianceRequest? Compliance);

public sealed record NpiOptionRequest(string? OptionGroupCode, string? OptionCode);

public sealed record NpiBarcodeRequest(string? Barcode, string? Symbology, bool? Primary);

public sealed record NpiVariantRequest(string? VariantCode, string? Name, IReadOnlyList<NpiOptionRequest>? Options, IReadOnlyList<NpiBarcodeRequest>? Barcodes);

/// <param name="Currency">Default: the vendor's terms currency.</param>
public sealed record CreateNpiRequest(string? VendorCode, string? VendorGuid, string? Currency, long? UnitCostMinor, long? TargetPriceMinor,
    NpiStyleRequest? Style, IReadOnlyList<NpiVariantRequest>? Variants, string? Note);

public sealed record NpiKey(string? NpiGuid);

public sealed record NpiChange(string? NpiGuid, long? ExpectedRevision, string? Note);

public sealed record NpiListRequest(NpiStatus? Status, string? VendorGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed class CreateNpiRequestValidator : AbstractValidator<CreateNpiRequest>
{
    public const int MaxVariants = 100;

    public CreateNpiRequestValidator()
    {
        RuleFor(r => r.VendorCode).OptionalCode();
        RuleFor(r => r.VendorGuid).OptionalGuid();
        RuleFor(r => r.VendorCode).Must((r, c) => c is not null || r.VendorGuid is not null).WithMessage("name the vendor by vendor_code or vendor_guid");
        RuleFor(r => r.Currency).Currency();
        RuleFor(r => r.UnitCostMinor).NotNull().WithMessage("is required").InclusiveBetween(0, PoRequestRules.MaxUnitCostMinor);
        RuleFor(r => r.TargetPriceMinor).InclusiveBetween(0, PoRequestRules.MaxUnitCostMinor).When(r => r.TargetPriceMinor is not null);
        RuleFor(r => r.Style).NotNull().WithMessage("is required");
        RuleFor(r => r.Style!).ChildRules(s =>
        {
            s.RuleFor(x => x.StyleCode).BusinessCode();
            s.RuleFor(x => x.Name).RequiredText();
            s.RuleFor(x => x.Description).MultilineText(4000);
            s.RuleFor(x => x.BrandCode).BusinessCode();
            s.RuleFor(x => x.CategoryCode).BusinessCode();
            s.RuleFor(x => x.ManufacturerCode).BusinessCode();
            s.RuleFor(x => x.SeasonCode).OptionalCode();
            s.RuleFor(x => x.OgmGuid).OptionalGuid();
            s.RuleFor(x => x.OgmCode).OptionalCode();
            s.RuleFor(x => x.OgmRevision).GreaterThan(0).When(x => x.OgmRevision is not null);
            s.RuleFor(x => x.OgmGuid).Must((x, g) => g is not null || (x.OgmCode is not null && x.OgmRevision is not null))
                .WithMessage("name the model by ogm_guid, or by ogm_code and ogm_revision");
            s.RuleFor(x => x.Compliance).ChildRules(c =>
            {
                c.RuleFor(x => x!.CountryOfOrigin).Country();
                c.RuleFor(x => x!.HsCode).Must(h => h is null || (h.Trim().Length is >= 6 and <= 10 && h.Trim().All(char.IsAsciiDigit)))
                    .WithMessage("must be 6 to 10 digits");
                c.RuleFor(x => x!.AgeRestriction).InclusiveBetween(0, 21).When(x => x!.AgeRestriction is not null);
                c.RuleFor(x => x!.Materials).Must(m => m is null || m.Count <= 20).WithMessage("at most 20 materials");
                c.RuleForEach(x => x!.Materials).RequiredText(100);
                c.RuleFor(x => x!.Certifications).Must(m => m is null || m.Count <= 20).WithMessage("at most 20 certifications");
                c.RuleForEach(x => x!.Certifications).RequiredText(100);
            }).When(x => x.Compliance is not null);
        }).When(r => r.Style is not null).OverridePropertyName("style");
        RuleFor(r => r.Variants).NotEmpty().WithMessage("is required")
            .Must(v => v is null || v.Count <= MaxVariants).WithMessage($"has at most {MaxVariants} variants")
            .Must(v => v is null || v.Where(x => x?.VariantCode is not null).Select(x => Codes.Normalize(x!.VariantCode)).Distinct().Count()
                == v.Count(x => x?.VariantCode is not null)).WithMessage("names each variant code once");
        RuleForEach(r => r.Variants).NotNull().WithMessage("is required").ChildRules(v =>
        {
            v.RuleFor(x => x.VariantCode).BusinessCode();
            v.RuleFor(x => x.Name).Text();
            v.RuleFor(x => x.Options).NotEmpty().WithMessage("is required").Must(o => o is null || o.Count <= 10).WithMessage("at most 10 options");
            v.RuleForEach(x => x.Options).NotNull().WithMessage("is required").ChildRules(o =>
            {
                o.RuleFor(x => x.OptionGroupCode).BusinessCode();
                o.RuleFor(x => x.OptionCode).NotEmpty().WithMessage("is required").Text(50);
            });
            v.RuleFor(x => x.Barcodes).Must(b => b is null || b.Count <= 10).WithMessage("at most 10 barcodes");
            v.RuleForEach(x => x.Barcodes).NotNull().WithMessage("is required").ChildRules(b =>
            {
                b.RuleFor(x => x.Barcode).NotEmpty().WithMessage("is required").Must(x => x is null || (x.Length <= 64 && x.All(char.IsAsciiLetterOrDigit)))
                    .WithMessage("must be at most 64 letters or digits");
                b.RuleFor(x => x.Symbology).OptionalCode();
            });
        });
        RuleFor(r => r.Note).MultilineText(2000);
    }
}

public sealed class NpiKeyValidator : AbstractValidator<NpiKey>
{
    public NpiKeyValidator() => RuleFor(r => r.NpiGuid).RequiredGuid();
}

public sealed class NpiChangeValidator : AbstractValidator<NpiChange>
{
    public NpiChangeValidator()
    {
        RuleFor(r => r.NpiGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Note).Text(500);
    }
}

public sealed class NpiListRequestValidator : AbstractValidator<NpiListRequest>
{
    public NpiListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
        RuleFor(r => r.VendorGuid).OptionalGuid();
    }
}
