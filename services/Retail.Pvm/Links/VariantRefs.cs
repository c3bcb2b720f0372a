using FluentValidation;
using Retail.Pvm.Catalog;

namespace Retail.Pvm.Links;

/// <summary>
/// Kits and links name two variants in one request, each by its guid or its code under a prefix of its role
/// (<c>kit_variant_code</c>, <c>component_variant_guid</c>, <c>from_variant_code</c>, …).
/// </summary>
internal static class VariantRefs
{
    /// <summary>The live variant named by <paramref name="guid"/> or <paramref name="code"/> (both given must agree).</summary>
    public static Task<Loaded<Variant>?> LoadAsync(RecordStore<Variant> variants, string orgcode, string? guid, string? code, CancellationToken ct) =>
        MasterDataApi.LoadAsync(variants, orgcode, new MasterKey<Variant>(guid, code), ct);

    public static void AddVariantRefRules<T>(this AbstractValidator<T> validator, string role, Func<T, string?> guid, Func<T, string?> code)
    {
        validator.RuleFor(r => guid(r)).OptionalGuid().OverridePropertyName($"{role}_variant_guid");
        validator.RuleFor(r => code(r)).OptionalCode().OverridePropertyName($"{role}_variant_code");
        validator.RuleFor(r => r).Must(r => !string.IsNullOrWhiteSpace(guid(r)) || !string.IsNullOrWhiteSpace(code(r)))
            .OverridePropertyName($"{role}_variant_guid").WithMessage($"name the variant by {role}_variant_guid or {role}_variant_code");
    }

    public static ProblemHttpResult Unknown(string role, string? guid, string? code) =>
        PvmProblems.UnknownReference(Field(role, guid), $"No variant '{guid ?? Codes.Normalize(code)}' in this org.");

    /// <summary>The request field that named the variant, for a problem's <c>field</c>.</summary>
    public static string Field(string role, string? guid) => string.IsNullOrWhiteSpace(guid) ? $"{role}_variant_code" : $"{role}_variant_guid";
}
