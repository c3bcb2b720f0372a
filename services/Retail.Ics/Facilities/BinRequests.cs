using FluentValidation;

namespace Retail.Ics.Facilities;

/// <summary>A zone is named by its guid, or by its facility and its own code.</summary>
public sealed record ZoneKey(string? ZoneGuid, string? FacilityCode, string? ZoneCode) : IRecordRef
{
    public string? GuidRef() => ZoneGuid;

    public string? CodeRef() => FacilityCodes.OfRequest(FacilityCode, ZoneCode);
}

public sealed record ZoneStatusRequest(string? ZoneGuid, string? FacilityCode, string? ZoneCode, MasterStatus? Status, string? Reason,
    long? ExpectedRevision) : IStatusRequest
{
    public string? GuidRef() => ZoneGuid;

    public string? CodeRef() => FacilityCodes.OfRequest(FacilityCode, ZoneCode);
}

public sealed record CreateZoneRequest(string? FacilityCode, string? ZoneCode, string? Name);

public sealed record ZoneListRequest(string? FacilityCode, MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

/// <summary>A bin is named by its guid, or by its facility and its own code.</summary>
public sealed record BinKey(string? BinGuid, string? FacilityCode, string? BinCode) : IRecordRef
{
    public string? GuidRef() => BinGuid;

    public string? CodeRef() => FacilityCodes.OfRequest(FacilityCode, BinCode);
}

public sealed record BinStatusRequest(string? BinGuid, string? FacilityCode, string? BinCode, MasterStatus? Status, string? Reason,
    long? ExpectedRevision) : IStatusRequest
{
    public string? GuidRef() => BinGuid;

    public string? CodeRef() => FacilityCodes.OfRequest(FacilityCode, BinCode);
}

public sealed record CreateBinRequest(string? FacilityCode, string? BinCode, string? ZoneCode, BinKind? Kind, string? Name);

/// <summary>Bins of a facility, optionally of one zone.</summary>
public sealed record BinListRequest(string? FacilityCode, string? ZoneCode, MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken)
    : IMasterList;

internal static class FacilityRefRules
{
    /// <summary>A record inside a facility: its guid, or the facility's code and its own.</summary>
    public static void AddFacilityRefRules<T>(this AbstractValidator<T> validator, string name, Func<T, string?> guid, Func<T, string?> facility,
        Func<T, string?> code)
    {
        validator.RuleFor(r => guid(r)).OptionalGuid().OverridePropertyName($"{name}_guid");
        validator.RuleFor(r => facility(r)).OptionalCode().OverridePropertyName("facility_code");
        validator.RuleFor(r => code(r)).OptionalCode().OverridePropertyName($"{name}_code");
        validator.RuleFor(r => r).Must(r => !string.IsNullOrWhiteSpace(guid(r)) || (facility(r) is not null && code(r) is not null))
            .OverridePropertyName($"{name}_guid").WithMessage($"name the {name} by {name}_guid, or by facility_code and {name}_code");
    }
}

public sealed class ZoneKeyValidator : AbstractValidator<ZoneKey>
{
    public ZoneKeyValidator() => this.AddFacilityRefRules("zone", r => r.ZoneGuid, r => r.FacilityCode, r => r.ZoneCode);
}

public sealed class ZoneStatusRequestValidator : AbstractValidator<ZoneStatusRequest>
{
    public ZoneStatusRequestValidator()
    {
        this.AddFacilityRefRules("zone", r => r.ZoneGuid, r => r.FacilityCode, r => r.ZoneCode);
        this.AddStatusRules();
    }
}

public sealed class CreateZoneRequestValidator : AbstractValidator<CreateZoneRequest>
{
    public CreateZoneRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.ZoneCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
    }
}

public sealed class ZoneListRequestValidator : AbstractValidator<ZoneListRequest>
{
    public ZoneListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
    }
}

public sealed class BinKeyValidator : AbstractValidator<BinKey>
{
    public BinKeyValidator() => this.AddFacilityRefRules("bin", r => r.BinGuid, r => r.FacilityCode, r => r.BinCode);
}

public sealed class BinStatusRequestValidator : AbstractValidator<BinStatusRequest>
{
    public BinStatusRequestValidator()
    {
        this.AddFacilityRefRules("bin", r => r.BinGuid, r => r.FacilityCode, r => r.BinCode);
        this.AddStatusRules();
    }
}

public sealed class CreateBinRequestValidator : AbstractValidator<CreateBinRequest>
{
    public CreateBinRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.BinCode).BusinessCode();
        RuleFor(r => r.ZoneCode).OptionalCode();
        RuleFor(r => r.Kind).NotNull().WithMessage("is required");
        RuleFor(r => r.Name).Text();
    }
}

public sealed class BinListRequestValidator : AbstractValidator<BinListRequest>
{
    public BinListRequestValidator()
    {
        this.AddListRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.ZoneCode).OptionalCode();
        RuleFor(r => r.FacilityCode).NotNull().When(r => r.ZoneCode is not null).WithMessage("is required with zone_code");
    }
}
