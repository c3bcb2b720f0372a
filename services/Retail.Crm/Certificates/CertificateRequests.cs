using FluentValidation;

namespace Retail.Crm.Certificates;

/// <summary>
/// A certificate received (created <c>pending</c>): its number, its holder (<see cref="CustomerGuid"/> or
/// <see cref="AccountGuid"/>, exactly one), jurisdiction, the tax categories it covers or <see cref="AllCategories"/>, and
/// its validity dates (<see cref="ValidTo"/> absent when it does not lapse).
/// </summary>
public sealed record CreateCertificateRequest(string? Number, string? CustomerGuid, string? AccountGuid, string? Jurisdiction,
    IReadOnlyList<string>? TaxCategories, bool? AllCategories, DateOnly? ValidFrom, DateOnly? ValidTo, string? Note);

public sealed record CertificateKey(string? CertificateGuid);

/// <summary>Move a certificate: <c>active</c> (by an admin other than its recorder, within its dates), <c>revoked</c>, <c>expired</c> (past its valid_to).</summary>
public sealed record CertificateStatusRequest(string? CertificateGuid, CertificateStatus? Status, string? Reason, long? ExpectedRevision);

/// <summary>
/// Certificates of a holder (a customer or an account), or of the org, by status; <see cref="ExpiringBefore"/> keeps those
/// whose valid_to is before that day (soonest first).
/// </summary>
public sealed record CertificateListRequest(string? CustomerGuid, string? AccountGuid, CertificateStatus? Status, DateOnly? ExpiringBefore, int? Limit,
    string? NextToken) : IPagedRequest;

public sealed class CreateCertificateRequestValidator : AbstractValidator<CreateCertificateRequest>
{
    public CreateCertificateRequestValidator()
    {
        RuleFor(r => r.Number).NotEmpty().WithMessage("is required").Must(CertificateRules.IsNumber)
            .WithMessage("must be 1–64 letters, digits, spaces, '.', '/', '_' or '-'");
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.AccountGuid).OptionalGuid();
        RuleFor(r => r.CustomerGuid).Must((r, c) => (c is null) != (r.AccountGuid is null))
            .WithMessage("name the holder: a customer_guid or an account_guid (one of them)");
        RuleFor(r => r.Jurisdiction).NotEmpty().WithMessage("is required").Must(CertificateRules.IsJurisdiction).WithMessage(CertificateRules.JurisdictionText);
        RuleFor(r => r.TaxCategories).Must((r, c) => (r.AllCategories == true) != (c is { Count: > 0 }))
            .WithMessage("list the tax categories covered, or send all_categories: true (one of them)")
            .Must(c => c is null || c.Count <= CertificateRules.MaxCategories).WithMessage($"at most {CertificateRules.MaxCategories} categories")
            .Must(c => c is null || c.Select(Codes.Normalize).Distinct().Count() == c.Count).WithMessage("lists each category once");
        RuleForEach(r => r.TaxCategories).Must(CertificateRules.IsCategory).WithMessage(CertificateRules.CategoryText);
        RuleFor(r => r.ValidFrom).NotNull().WithMessage("is required");
        RuleFor(r => r.ValidTo).Must((r, to) => to is null || r.ValidFrom is null || to >= r.ValidFrom).WithMessage("must not be before valid_from");
        RuleFor(r => r.Note).MultilineText(1000);
    }
}

public sealed class CertificateKeyValidator : AbstractValidator<CertificateKey>
{
    public CertificateKeyValidator() => RuleFor(r => r.CertificateGuid).RequiredGuid();
}

public sealed class CertificateStatusRequestValidator : AbstractValidator<CertificateStatusRequest>
{
    public CertificateStatusRequestValidator()
    {
        RuleFor(r => r.CertificateGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}

public sealed class CertificateListRequestValidator : AbstractValidator<CertificateListRequest>
{
    public CertificateListRequestValidator()
    {
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.AccountGuid).OptionalGuid();
        RuleFor(r => r.CustomerGuid).Null().When(r => r.AccountGuid is not null).WithMessage("name one holder: a customer_guid or an account_guid");
        this.AddPagingRules();
    }
}
