using FluentValidation;

namespace Retail.Ofm.Facilities;

public sealed record CreatePhysicalRequest(string? FacilityCode, string? Name, string? Site, PostalAddress? Address, string? TimeZone);

public sealed record UpdatePhysicalRequest(string? Guid, string? Code, string? Name, string? Site, PostalAddress? Address, string? TimeZone,
    long? ExpectedRevision) : IUpdateOf<PhysicalFacility>
{
    public PhysicalFacility Apply(PhysicalFacility current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        Site = RequestRules.Trimmed(Site) ?? current.Site,
        Address = Address ?? current.Address,
        TimeZone = TimeZone?.Trim() ?? current.TimeZone,
    };
}

public sealed record CreateLegalRequest(string? FacilityCode, string? LegalName, string? RegistrationId, string? TaxId, string? Country,
    PostalAddress? Address);

public sealed record UpdateLegalRequest(string? Guid, string? Code, string? LegalName, string? RegistrationId, string? TaxId, string? Country,
    PostalAddress? Address, long? ExpectedRevision) : IUpdateOf<LegalFacility>
{
    public LegalFacility Apply(LegalFacility current) => current with
    {
        LegalName = RequestRules.Trimmed(LegalName) ?? current.LegalName,
        RegistrationId = RequestRules.Trimmed(RegistrationId) ?? current.RegistrationId,
        TaxId = RequestRules.Trimmed(TaxId) ?? current.TaxId,
        Country = Country?.Trim().ToUpperInvariant() ?? current.Country,
        Address = Address ?? current.Address,
    };
}

public sealed record CreateLogicalRequest(string? FacilityCode, string? Name, LogicalKind? Kind, string? PhysicalFacilityCode,
    string? LegalFacilityCode);

public sealed record UpdateLogicalRequest(string? Guid, string? Code, string? Name, LogicalKind? Kind, long? ExpectedRevision)
    : IUpdateOf<LogicalFacility>
{
    public LogicalFacility Apply(LogicalFacility current) => current with
    {
        Name = RequestRules.Trimmed(Name) ?? current.Name,
        Kind = Kind ?? current.Kind,
    };
}

public sealed record LogicalListRequest(MasterStatus? Status, LogicalKind? Kind, string? PhysicalFacilityCode, string? LegalFacilityCode,
    bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

internal static class FacilityRules
{
    /// <summary>An IANA id the system knows ("Europe/Berlin", "UTC"); Windows ids are refused even where they convert.</summary>
    public static bool IsIanaTimeZone(string? id) =>
        id is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) && zone.HasIanaId;

    public static void AddressRules<T>(this AbstractValidator<T> validator, Func<T, PostalAddress?> address)
    {
        validator.RuleFor(r => address(r)!.Line1).Text().When(r => address(r) is not null).OverridePropertyName("address.line1");
        validator.RuleFor(r => address(r)!.Line2).Text().When(r => address(r) is not null).OverridePropertyName("address.line2");
        validator.RuleFor(r => address(r)!.City).Text(100).When(r => address(r) is not null).OverridePropertyName("address.city");
        validator.RuleFor(r => address(r)!.Region).Text(100).When(r => address(r) is not null).OverridePropertyName("address.region");
        validator.RuleFor(r => address(r)!.PostalCode).Text(20).When(r => address(r) is not null).OverridePropertyName("address.postal_code");
        validator.RuleFor(r => address(r)!.Country).Country().When(r => address(r) is not null).OverridePropertyName("address.country");
    }

    public static IRuleBuilderOptions<T, string?> TimeZoneId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(FacilityRules.IsIanaTimeZone).WithMessage("must be an IANA time zone id such as Europe/Berlin");
}

public sealed class CreatePhysicalRequestValidator : AbstractValidator<CreatePhysicalRequest>
{
    public CreatePhysicalRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Site).Text();
        RuleFor(r => r.TimeZone).NotEmpty().WithMessage("is required").TimeZoneId();
        this.AddressRules(r => r.Address);
    }
}

public sealed class UpdatePhysicalRequestValidator : AbstractValidator<UpdatePhysicalRequest>
{
    public UpdatePhysicalRequestValidator()
    {
        this.AddUpdateRules<UpdatePhysicalRequest, PhysicalFacility>();
        RuleFor(r => r.Name).Text();
        RuleFor(r => r.Site).Text();
        RuleFor(r => r.TimeZone).TimeZoneId().When(r => r.TimeZone is not null);
        this.AddressRules(r => r.Address);
    }
}

public sealed class CreateLegalRequestValidator : AbstractValidator<CreateLegalRequest>
{
    public CreateLegalRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.LegalName).RequiredText();
        RuleFor(r => r.RegistrationId).Text(64);
        RuleFor(r => r.TaxId).Text(64);
        RuleFor(r => r.Country).Country();
        this.AddressRules(r => r.Address);
    }
}

public sealed class UpdateLegalRequestValidator : AbstractValidator<UpdateLegalRequest>
{
    public UpdateLegalRequestValidator()
    {
        this.AddUpdateRules<UpdateLegalRequest, LegalFacility>();
        RuleFor(r => r.LegalName).Text();
        RuleFor(r => r.RegistrationId).Text(64);
        RuleFor(r => r.TaxId).Text(64);
        RuleFor(r => r.Country).Country();
        this.AddressRules(r => r.Address);
    }
}

public sealed class CreateLogicalRequestValidator : AbstractValidator<CreateLogicalRequest>
{
    public CreateLogicalRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Kind).NotNull().WithMessage("is required");
        RuleFor(r => r.PhysicalFacilityCode).BusinessCode();
        RuleFor(r => r.LegalFacilityCode).BusinessCode();
    }
}

public sealed class UpdateLogicalRequestValidator : AbstractValidator<UpdateLogicalRequest>
{
    public UpdateLogicalRequestValidator()
    {
        this.AddUpdateRules<UpdateLogicalRequest, LogicalFacility>();
        RuleFor(r => r.Name).Text();
    }
}

public sealed class LogicalListRequestValidator : AbstractValidator<LogicalListRequest>
{
    public LogicalListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.PhysicalFacilityCode).OptionalCode();
        RuleFor(r => r.LegalFacilityCode).OptionalCode();
    }
}
