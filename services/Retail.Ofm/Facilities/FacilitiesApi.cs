using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Ofm.MasterData;

namespace Retail.Ofm.Facilities;

public sealed record FacilityKey(string? FacilityGuid, string? FacilityCode) : IKeyOrCode
{
    [JsonIgnore]
    public string? Guid => FacilityGuid;

    [JsonIgnore]
    public string? Code => FacilityCode;
}

public sealed record FacilityStatusRequest(string? FacilityGuid, string? FacilityCode, MasterStatus? Status, string? Reason, long? ExpectedRevision)
    : IStatusChange
{
    [JsonIgnore]
    public string? Guid => FacilityGuid;

    [JsonIgnore]
    public string? Code => FacilityCode;
}

public sealed record FacilityListRequest(MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

public sealed record LogicalListRequest(MasterStatus? Status, LogicalKind? Kind, string? PhysicalFacilityCode, string? LegalFacilityCode,
    bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

public sealed record CreatePhysicalRequest(string? FacilityCode, string? Name, string? Site, PostalAddress? Address, string? TimeZone);

public sealed record UpdatePhysicalRequest(string? FacilityGuid, string? FacilityCode, string? Name, string? Site, PostalAddress? Address,
    string? TimeZone, long? ExpectedRevision) : IUpdateOf<PhysicalFacility>
{
    [JsonIgnore]
    public string? Guid => FacilityGuid;

    [JsonIgnore]
    public string? Code => FacilityCode;

    public PhysicalFacility Apply(PhysicalFacility current) => current with
    {
        Name = OfmRules.Trimmed(Name) ?? current.Name,
        Site = OfmRules.Trimmed(Site) ?? current.Site,
        Address = Address ?? current.Address,
        TimeZone = TimeZone?.Trim() ?? current.TimeZone,
    };
}

public sealed record CreateLegalRequest(string? FacilityCode, string? LegalName, string? RegistrationId, string? TaxId, string? Country,
    PostalAddress? Address);

public sealed record UpdateLegalRequest(string? FacilityGuid, string? FacilityCode, string? LegalName, string? RegistrationId, string? TaxId,
    string? Country, PostalAddress? Address, long? ExpectedRevision) : IUpdateOf<LegalFacility>
{
    [JsonIgnore]
    public string? Guid => FacilityGuid;

    [JsonIgnore]
    public string? Code => FacilityCode;

    public LegalFacility Apply(LegalFacility current) => current with
    {
        LegalName = OfmRules.Trimmed(LegalName) ?? current.LegalName,
        RegistrationId = OfmRules.Trimmed(RegistrationId) ?? current.RegistrationId,
        TaxId = OfmRules.Trimmed(TaxId) ?? current.TaxId,
        Country = Country?.Trim().ToUpperInvariant() ?? current.Country,
        Address = Address ?? current.Address,
    };
}

public sealed record CreateLogicalRequest(string? FacilityCode, string? Name, LogicalKind? Kind, string? PhysicalFacilityCode,
    string? LegalFacilityCode);

public sealed record UpdateLogicalRequest(string? FacilityGuid, string? FacilityCode, string? Name, LogicalKind? Kind, long? ExpectedRevision)
    : IUpdateOf<LogicalFacility>
{
    [JsonIgnore]
    public string? Guid => FacilityGuid;

    [JsonIgnore]
    public string? Code => FacilityCode;

    public LogicalFacility Apply(LogicalFacility current) => current with
    {
        Name = OfmRules.Trimmed(Name) ?? current.Name,
        Kind = Kind ?? current.Kind,
    };
}

public sealed record ZoneKey(string? ZoneGuid, string? FacilityCode, string? ZoneCode) : IKeyOrCode
{
    [JsonIgnore]
    public string? Guid => ZoneGuid;

    [JsonIgnore]
    public string? Code => FacilityCode is null || ZoneCode is null ? null : $"{Codes.Normalize(FacilityCode)}/{Codes.Normalize(ZoneCode)}";
}

public sealed record ZoneStatusRequest(string? ZoneGuid, string? FacilityCode, string? ZoneCode, MasterStatus? Status, string? Reason,
    long? ExpectedRevision) : IStatusChange
{
    [JsonIgnore]
    public string? Guid => ZoneGuid;

    [JsonIgnore]
    public string? Code => FacilityCode is null || ZoneCode is null ? null : $"{Codes.Normalize(FacilityCode)}/{Codes.Normalize(ZoneCode)}";
}

public sealed record CreateZoneRequest(string? FacilityCode, string? ZoneCode, string? Name, string? Kind);

public sealed record ZoneListRequest(string? FacilityCode, MasterStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IMasterList;

internal static class FacilityRules
{
    /// <summary>An IANA id the system knows ("Europe/Berlin", "UTC"); Windows ids are refused even where they convert.</summary>
    public static bool IsIanaTimeZone(string? id) =>
        id is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) && zone.HasIanaId;

    public static bool IsCountry(string? country) => country is null || (country.Trim().Length == 2 && country.Trim().All(char.IsAsciiLetter));

    public static void AddressRules<T>(this AbstractValidator<T> validator, Func<T, PostalAddress?> address)
    {
        validator.RuleFor(r => address(r)!.Line1).Text().When(r => address(r) is not null).OverridePropertyName("address.line1");
        validator.RuleFor(r => address(r)!.Line2).Text().When(r => address(r) is not null).OverridePropertyName("address.line2");
        validator.RuleFor(r => address(r)!.City).Text(100).When(r => address(r) is not null).OverridePropertyName("address.city");
        validator.RuleFor(r => address(r)!.Region).Text(100).When(r => address(r) is not null).OverridePropertyName("address.region");
        validator.RuleFor(r => address(r)!.PostalCode).Text(20).When(r => address(r) is not null).OverridePropertyName("address.postal_code");
        validator.RuleFor(r => address(r)!.Country).Must(IsCountry).When(r => address(r) is not null)
            .OverridePropertyName("address.country").WithMessage("must be an ISO 3166-1 alpha-2 code");
    }
}

public sealed class FacilityKeyValidator : AbstractValidator<FacilityKey>
{
    public FacilityKeyValidator() => this.AddKeyRules();
}

public sealed class FacilityStatusRequestValidator : AbstractValidator<FacilityStatusRequest>
{
    public FacilityStatusRequestValidator() => this.AddStatusRules();
}

public sealed class FacilityListRequestValidator : AbstractValidator<FacilityListRequest>
{
    public FacilityListRequestValidator() => this.AddListRules();
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

public sealed class CreatePhysicalRequestValidator : AbstractValidator<CreatePhysicalRequest>
{
    public CreatePhysicalRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Site).Text();
        RuleFor(r => r.TimeZone).NotEmpty().WithMessage("is required").Must(FacilityRules.IsIanaTimeZone)
            .WithMessage("must be an IANA time zone id such as Europe/Berlin");
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
        RuleFor(r => r.TimeZone).Must(FacilityRules.IsIanaTimeZone).When(r => r.TimeZone is not null)
            .WithMessage("must be an IANA time zone id such as Europe/Berlin");
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
        RuleFor(r => r.Country).Must(FacilityRules.IsCountry).WithMessage("must be an ISO 3166-1 alpha-2 code");
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
        RuleFor(r => r.Country).Must(FacilityRules.IsCountry).WithMessage("must be an ISO 3166-1 alpha-2 code");
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

public sealed class ZoneKeyValidator : AbstractValidator<ZoneKey>
{
    public ZoneKeyValidator()
    {
        this.AddKeyRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.ZoneCode).OptionalCode();
    }
}

public sealed class ZoneStatusRequestValidator : AbstractValidator<ZoneStatusRequest>
{
    public ZoneStatusRequestValidator()
    {
        this.AddStatusRules();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.ZoneCode).OptionalCode();
    }
}

public sealed class CreateZoneRequestValidator : AbstractValidator<CreateZoneRequest>
{
    public CreateZoneRequestValidator()
    {
        RuleFor(r => r.FacilityCode).BusinessCode();
        RuleFor(r => r.ZoneCode).BusinessCode();
        RuleFor(r => r.Name).RequiredText();
        RuleFor(r => r.Kind).Text(32);
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

/// <summary>The facility spine: physical sites, legal entities, logical facilities (linked to one of each) and their zones.</summary>
public static class FacilitiesApi
{
    public static RouteGroupBuilder MapFacilities(this IEndpointRouteBuilder routes)
    {
        var facilities = routes.MapGroup("/facility").WithTags("Facilities");

        var physical = facilities.MapGroup("/physical");
        physical.MapPost("/create", CreatePhysical).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a physical site.");
        physical.MapPost("/get", MasterDataApi.Get<PhysicalFacility, FacilityKey>).RequireRole(Role.Viewer)
            .WithSummary("Read a physical site by facility_code.");
        physical.MapPost("/list", MasterDataApi.List<PhysicalFacility, FacilityListRequest>).RequireRole(Role.Viewer)
            .WithSummary("List the org's physical sites.");
        physical.MapPost("/update", MasterDataApi.Update<PhysicalFacility, UpdatePhysicalRequest>).RequireRole(Role.Member).AsWrite()
            .WithSummary("Change a physical site's details.");
        physical.MapPost("/status", MasterDataApi.SetStatus<PhysicalFacility, FacilityStatusRequest>).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a physical site through its lifecycle (active, inactive, retired).");

        var legal = facilities.MapGroup("/legal");
        legal.MapPost("/create", CreateLegal).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a legal entity.");
        legal.MapPost("/get", MasterDataApi.Get<LegalFacility, FacilityKey>).RequireRole(Role.Viewer)
            .WithSummary("Read a legal entity by facility_code.");
        legal.MapPost("/list", MasterDataApi.List<LegalFacility, FacilityListRequest>).RequireRole(Role.Viewer)
            .WithSummary("List the org's legal entities.");
        legal.MapPost("/update", MasterDataApi.Update<LegalFacility, UpdateLegalRequest>).RequireRole(Role.Member).AsWrite()
            .WithSummary("Change a legal entity's details.");
        legal.MapPost("/status", MasterDataApi.SetStatus<LegalFacility, FacilityStatusRequest>).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a legal entity through its lifecycle (active, inactive, retired).");

        var logical = facilities.MapGroup("/logical");
        logical.MapPost("/create", CreateLogical).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a logical facility (store, warehouse, showroom).");
        logical.MapPost("/get", MasterDataApi.Get<LogicalFacility, FacilityKey>).RequireRole(Role.Viewer)
            .WithSummary("Read a logical facility by facility_code.");
        logical.MapPost("/list", ListLogical).RequireRole(Role.Viewer)
            .WithSummary("List the org's logical facilitys.");
        logical.MapPost("/update", MasterDataApi.Update<LogicalFacility, UpdateLogicalRequest>).RequireRole(Role.Member).AsWrite()
            .WithSummary("Change a logical facility's details.");
        logical.MapPost("/status", MasterDataApi.SetStatus<LogicalFacility, FacilityStatusRequest>).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a logical facility through its lifecycle (active, inactive, retired).");

        var zones = routes.MapGroup("/zone").WithTags("Zones");
        zones.MapPost("/create", CreateZone).RequireRole(Role.Member).AsWrite()
            .WithSummary("Create a zone inside a logical facility.");
        zones.MapPost("/get", MasterDataApi.Get<Zone, ZoneKey>).RequireRole(Role.Viewer)
            .WithSummary("Read a zone by facility_code and zone_code.");
        zones.MapPost("/list", ListZones).RequireRole(Role.Viewer)
            .WithSummary("List a facility's zones.");
        zones.MapPost("/status", MasterDataApi.SetStatus<Zone, ZoneStatusRequest>).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Move a zone through its lifecycle (active, inactive, retired).");
        return facilities;
    }

    public static async Task<Results<Created<PhysicalFacility>, ProblemHttpResult>> CreatePhysical(CreatePhysicalRequest request,
        RecordStore<PhysicalFacility> store, RequestContext context, CancellationToken ct)
    {
        var facility = new PhysicalFacility
        {
            FacilityGuid = Guid.CreateVersion7().ToString(),
            FacilityCode = Codes.Normalize(request.FacilityCode),
            Name = request.Name!.Trim(),
            Site = OfmRules.Trimmed(request.Site),
            Address = request.Address,
            TimeZone = request.TimeZone!.Trim(),
        };
        return MasterDataApi.AnswerCreated(await store.CreateAsync(context.RequireOrgcode(), facility, ct: ct), store.Entity);
    }

    public static async Task<Results<Created<LegalFacility>, ProblemHttpResult>> CreateLegal(CreateLegalRequest request,
        RecordStore<LegalFacility> store, RequestContext context, CancellationToken ct)
    {
        var facility = new LegalFacility
        {
            FacilityGuid = Guid.CreateVersion7().ToString(),
            FacilityCode = Codes.Normalize(request.FacilityCode),
            LegalName = request.LegalName!.Trim(),
            RegistrationId = OfmRules.Trimmed(request.RegistrationId),
            TaxId = OfmRules.Trimmed(request.TaxId),
            Country = request.Country?.Trim().ToUpperInvariant(),
            Address = request.Address,
        };
        return MasterDataApi.AnswerCreated(await store.CreateAsync(context.RequireOrgcode(), facility, ct: ct), store.Entity);
    }

    public static async Task<Results<Created<LogicalFacility>, ProblemHttpResult>> CreateLogical(CreateLogicalRequest request,
        RecordStore<LogicalFacility> store, RecordStore<PhysicalFacility> physicals, RecordStore<LegalFacility> legals, RequestContext context,
        CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var physicalCode = Codes.Normalize(request.PhysicalFacilityCode);
        var legalCode = Codes.Normalize(request.LegalFacilityCode);
        var physical = await physicals.FindAsync(orgcode, PhysicalFacility.CodeName, physicalCode, ct);
        if (physical is null || physical.Record.Status != MasterStatus.Active)
        {
            return OfmProblems.UnknownReference("physical_facility_code", $"No active physical facility '{physicalCode}' in this org.");
        }
        var legal = await legals.FindAsync(orgcode, LegalFacility.CodeName, legalCode, ct);
        if (legal is null || legal.Record.Status != MasterStatus.Active)
        {
            return OfmProblems.UnknownReference("legal_facility_code", $"No active legal facility '{legalCode}' in this org.");
        }
        var facility = new LogicalFacility
        {
            FacilityGuid = Guid.CreateVersion7().ToString(),
            FacilityCode = Codes.Normalize(request.FacilityCode),
            Name = request.Name!.Trim(),
            Kind = request.Kind!.Value,
            PhysicalFacilityCode = physicalCode,
            LegalFacilityCode = legalCode,
        };
        return MasterDataApi.AnswerCreated(await store.CreateAsync(orgcode, facility, ct: ct), store.Entity);
    }

    public static async Task<Ok<Page<LogicalFacility>>> ListLogical(LogicalListRequest request, RecordStore<LogicalFacility> store,
        RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.Kind is { } kind)
        {
            filters.Add(StateFilter.Eq("kind", System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString())));
        }
        if (request.PhysicalFacilityCode is { } physical)
        {
            filters.Add(StateFilter.Eq("physical_facility_code", Codes.Normalize(physical)));
        }
        if (request.LegalFacilityCode is { } legal)
        {
            filters.Add(StateFilter.Eq("legal_facility_code", Codes.Normalize(legal)));
        }
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }

    public static async Task<Results<Created<Zone>, ProblemHttpResult>> CreateZone(CreateZoneRequest request, RecordStore<Zone> store,
        RecordStore<LogicalFacility> logicals, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        var logical = await logicals.FindAsync(orgcode, LogicalFacility.CodeName, facilityCode, ct);
        if (logical is null || logical.Record.Status != MasterStatus.Active)
        {
            return OfmProblems.UnknownReference("facility_code", $"No active logical facility '{facilityCode}' in this org.");
        }
        var zone = new Zone
        {
            ZoneGuid = Guid.CreateVersion7().ToString(),
            ZoneCode = Codes.Normalize(request.ZoneCode),
            FacilityCode = facilityCode,
            Name = request.Name!.Trim(),
            Kind = OfmRules.Trimmed(request.Kind),
        };
        return MasterDataApi.AnswerCreated(await store.CreateAsync(orgcode, zone, ct: ct), store.Entity);
    }

    public static async Task<Ok<Page<Zone>>> ListZones(ZoneListRequest request, RecordStore<Zone> store, RequestContext context, CancellationToken ct)
    {
        IEnumerable<StateFilter> filters = request.FacilityCode is { } code ? [StateFilter.Eq("facility_code", Codes.Normalize(code))] : [];
        return TypedResults.Ok(await MasterDataApi.ListAsync(store, context.RequireOrgcode(), request, filters, ct));
    }
}
