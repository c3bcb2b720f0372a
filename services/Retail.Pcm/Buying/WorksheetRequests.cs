using FluentValidation;

namespace Retail.Pcm.Buying;

/// <param name="VendorCode">Default: the primary vendor of the variant's style (PVM).</param>
public sealed record WorksheetLineRequest(string? VariantGuid, string? FacilityCode, long? Quantity, long? UnitCostMinor, string? VendorCode);

/// <param name="Currency">Of every line's unit cost; default: each PO in its vendor's terms currency.</param>
public sealed record CreateWorksheetRequest(string? Name, string? Currency, IReadOnlyList<WorksheetLineRequest>? Lines);

public sealed record WorksheetKey(string? WorksheetGuid);

public sealed record WorksheetChange(string? WorksheetGuid, long? ExpectedRevision);

public sealed record WorksheetListRequest(WorksheetStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed class CreateWorksheetRequestValidator : AbstractValidator<CreateWorksheetRequest>
{
    public CreateWorksheetRequestValidator()
    {
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Currency).Currency();
        RuleFor(r => r.Lines).NotEmpty().WithMessage("is required")
            .Must(l => l is null || l.Count <= PoRequestRules.MaxLines).WithMessage($"has at most {PoRequestRules.MaxLines} lines")
            .Must(l => l is null || Distinct(l)).WithMessage("names each variant once per facility and vendor");
        RuleForEach(r => r.Lines).NotNull().WithMessage("is required").ChildRules(line =>
        {
            line.RuleFor(l => l.VariantGuid).RequiredGuid();
            line.RuleFor(l => l.FacilityCode).BusinessCode();
            line.RuleFor(l => l.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, PoRequestRules.MaxQuantity);
            line.RuleFor(l => l.UnitCostMinor).NotNull().WithMessage("is required").InclusiveBetween(0, PoRequestRules.MaxUnitCostMinor);
            line.RuleFor(l => l.VendorCode).OptionalCode();
        });
    }

    private static bool Distinct(IReadOnlyList<WorksheetLineRequest?> lines)
    {
        var seen = new HashSet<(Guid, string, string)>();
        foreach (var l in lines)
        {
            if (l is not null && Guid.TryParse(l.VariantGuid, out var g) && !seen.Add((g, Codes.Normalize(l.FacilityCode), Codes.Normalize(l.VendorCode))))
            {
                return false;
            }
        }
        return true;
    }
}

public sealed class WorksheetKeyValidator : AbstractValidator<WorksheetKey>
{
    public WorksheetKeyValidator() => RuleFor(r => r.WorksheetGuid).RequiredGuid();
}

public sealed class WorksheetChangeValidator : AbstractValidator<WorksheetChange>
{
    public WorksheetChangeValidator()
    {
        RuleFor(r => r.WorksheetGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class WorksheetListRequestValidator : AbstractValidator<WorksheetListRequest>
{
    public WorksheetListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.Status).IsInEnum().When(r => r.Status is not null);
    }
}
