using FluentValidation;
using Retail.Ics.Stock;

namespace Retail.Ics.Holds;

/// <summary>What a hold answers to: an order, a cart, a transfer.</summary>
public sealed record HoldReferenceRequest(string? Kind, string? Id)
{
    public StockReference ToReference() => new(Codes.Normalize(Kind), Id!.Trim());
}

public sealed record ReservationCreateRequest(string? FacilityCode, string? VariantGuid, long? Quantity, HoldReferenceRequest? Reference, int? TtlSeconds);

/// <summary>
/// An allocation or commitment: either continues an active earlier hold (<see cref="HoldGuid"/> with its
/// <see cref="ExpectedRevision"/>) or takes stock straight from <c>available</c> (facility, variant, quantity, reference).
/// </summary>
public sealed record HoldContinueOrPlaceRequest(string? HoldGuid, long? ExpectedRevision, string? FacilityCode, string? VariantGuid, long? Quantity,
    HoldReferenceRequest? Reference, int? TtlSeconds);

/// <summary>A commitment: as an allocation, without a time to live (committed stock waits for its shipment or a release).</summary>
public sealed record CommitCreateRequest(string? HoldGuid, long? ExpectedRevision, string? FacilityCode, string? VariantGuid, long? Quantity,
    HoldReferenceRequest? Reference)
{
    public HoldContinueOrPlaceRequest ToContinueOrPlace() => new(HoldGuid, ExpectedRevision, FacilityCode, VariantGuid, Quantity, Reference, null);
}

public sealed record HoldReleaseRequest(string? HoldGuid, long? ExpectedRevision, string? Reason);

public sealed record HoldExpireRequest(string? HoldGuid, long? ExpectedRevision);

public sealed record HoldGetRequest(string? HoldGuid);

/// <summary>An org's holds for a reference, or at a facility for a variant; optionally of one status.</summary>
public sealed record HoldListRequest(HoldReferenceRequest? Reference, string? FacilityCode, string? VariantGuid, HoldStatus? Status, int? Limit,
    string? NextToken) : IPagedRequest;

internal static class HoldRequestRules
{
    public static void AddPlaceRules<T>(this AbstractValidator<T> validator, Func<T, string?> facility, Func<T, string?> variant, Func<T, long?> quantity,
        Func<T, HoldReferenceRequest?> reference, Func<T, int?> ttl)
    {
        validator.RuleFor(r => facility(r)).BusinessCode().OverridePropertyName("facility_code");
        validator.RuleFor(r => variant(r)).RequiredGuid().OverridePropertyName("variant_guid");
        validator.RuleFor(r => quantity(r)).NotNull().WithMessage("is required").InclusiveBetween(1, HoldRules.MaxQuantity)
            .OverridePropertyName("quantity");
        validator.RuleFor(r => reference(r)).NotNull().WithMessage("is required").OverridePropertyName("reference");
        validator.AddReferenceRules(reference);
        validator.AddTtlRules(ttl);
    }

    /// <summary>Either hold_guid with expected_revision (continue that hold) or the fields of a new hold, never both.</summary>
    public static void AddContinueOrPlaceRules<T>(this AbstractValidator<T> validator, Func<T, string?> holdGuid, Func<T, long?> expectedRevision,
        Func<T, string?> facility, Func<T, string?> variant, Func<T, long?> quantity, Func<T, HoldReferenceRequest?> reference, Func<T, int?> ttl)
    {
        const string leaveOut = "must be left out when hold_guid names the hold to continue";
        validator.When(r => holdGuid(r) is not null, () =>
        {
            validator.AddChangeRules(holdGuid, expectedRevision);
            validator.RuleFor(r => facility(r)).Null().WithMessage(leaveOut).OverridePropertyName("facility_code");
            validator.RuleFor(r => variant(r)).Null().WithMessage(leaveOut).OverridePropertyName("variant_guid");
            validator.RuleFor(r => quantity(r)).Null().WithMessage(leaveOut).OverridePropertyName("quantity");
            validator.RuleFor(r => reference(r)).Null().WithMessage(leaveOut).OverridePropertyName("reference");
            validator.AddTtlRules(ttl);
        }).Otherwise(() =>
        {
            validator.RuleFor(r => expectedRevision(r)).Null().WithMessage("only goes with hold_guid").OverridePropertyName("expected_revision");
            validator.AddPlaceRules(facility, variant, quantity, reference, ttl);
        });
    }

    public static void AddReferenceRules<T>(this AbstractValidator<T> validator, Func<T, HoldReferenceRequest?> reference)
    {
        validator.RuleFor(r => reference(r)!.Kind).BusinessCode().When(r => reference(r) is not null).OverridePropertyName("reference.kind");
        validator.RuleFor(r => reference(r)!.Id).RequiredText(100).When(r => reference(r) is not null).OverridePropertyName("reference.id");
    }

    public static void AddTtlRules<T>(this AbstractValidator<T> validator, Func<T, int?> ttl) =>
        validator.RuleFor(r => ttl(r)).InclusiveBetween(HoldRules.MinTtlSeconds, HoldRules.MaxTtlSeconds).When(r => ttl(r) is not null)
            .OverridePropertyName("ttl_seconds");

    public static void AddChangeRules<T>(this AbstractValidator<T> validator, Func<T, string?> holdGuid, Func<T, long?> expectedRevision)
    {
        validator.RuleFor(r => holdGuid(r)).RequiredGuid().OverridePropertyName("hold_guid");
        validator.RuleFor(r => expectedRevision(r)).GreaterThan(0).When(r => expectedRevision(r) is not null).OverridePropertyName("expected_revision");
    }
}

public sealed class ReservationCreateRequestValidator : AbstractValidator<ReservationCreateRequest>
{
    public ReservationCreateRequestValidator() =>
        this.AddPlaceRules(r => r.FacilityCode, r => r.VariantGuid, r => r.Quantity, r => r.Reference, r => r.TtlSeconds);
}

public sealed class HoldContinueOrPlaceRequestValidator : AbstractValidator<HoldContinueOrPlaceRequest>
{
    public HoldContinueOrPlaceRequestValidator() => this.AddContinueOrPlaceRules(r => r.HoldGuid, r => r.ExpectedRevision, r => r.FacilityCode,
        r => r.VariantGuid, r => r.Quantity, r => r.Reference, r => r.TtlSeconds);
}

public sealed class CommitCreateRequestValidator : AbstractValidator<CommitCreateRequest>
{
    public CommitCreateRequestValidator() => this.AddContinueOrPlaceRules(r => r.HoldGuid, r => r.ExpectedRevision, r => r.FacilityCode,
        r => r.VariantGuid, r => r.Quantity, r => r.Reference, _ => null);
}

public sealed class HoldReleaseRequestValidator : AbstractValidator<HoldReleaseRequest>
{
    public HoldReleaseRequestValidator()
    {
        this.AddChangeRules(r => r.HoldGuid, r => r.ExpectedRevision);
        RuleFor(r => r.Reason).Text();
    }
}

public sealed class HoldExpireRequestValidator : AbstractValidator<HoldExpireRequest>
{
    public HoldExpireRequestValidator() => this.AddChangeRules(r => r.HoldGuid, r => r.ExpectedRevision);
}

public sealed class HoldGetRequestValidator : AbstractValidator<HoldGetRequest>
{
    public HoldGetRequestValidator() => RuleFor(r => r.HoldGuid).RequiredGuid();
}

public sealed class HoldListRequestValidator : AbstractValidator<HoldListRequest>
{
    public HoldListRequestValidator()
    {
        this.AddPagingRules();
        this.AddReferenceRules(r => r.Reference);
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.VariantGuid).OptionalGuid();
        RuleFor(r => r).Must(r => (r.Reference is not null) != (r.FacilityCode is not null || r.VariantGuid is not null))
            .WithMessage("name either reference or facility_code and variant_guid").OverridePropertyName("reference");
        RuleFor(r => r).Must(r => r.Reference is not null || (r.FacilityCode is not null && r.VariantGuid is not null))
            .WithMessage("facility_code and variant_guid go together").OverridePropertyName("facility_code");
    }
}
