using FluentValidation;
using Retail.Pvm.Catalog;

namespace Retail.Pvm.Identifiers;

/// <summary>A variant named by <c>variant_guid</c> or <c>variant_code</c> (the transfer's target, built from its own fields).</summary>
public sealed record VariantRef(string? Guid, string? Code) : IMasterRef<Variant>;

/// <summary>How identifiers, barcodes and aliases name their variant, and the value rules they share.</summary>
public static class VariantRefs
{
    /// <summary>Longest record key the store keeps ("{type}:{value}" included).</summary>
    public const int MaxKeyLength = 128;

    public const string ValueCharacters = "letters, digits and -._/:#";

    /// <summary>
    /// The history and CDC op of a doomed record taken up again by a new holder: to a consumer it appears as it did when
    /// first created (variant create revives doomed barcodes and identifiers the same way); its revision goes on.
    /// </summary>
    public const string Revived = "created";

    /// <summary>
    /// The variant a write attaches something to: 422 <c>unknown_reference</c> when the org has no such (live) variant,
    /// 422 <c>reference_not_active</c> when it is retired.
    /// </summary>
    public static async Task<(Variant? Variant, ProblemHttpResult? Problem)> ForWriteAsync(RecordStore<Variant> variants, string orgcode,
        IRecordRef reference, CancellationToken ct, string prefix = "")
    {
        var field = prefix + (string.IsNullOrWhiteSpace(reference.GuidRef()) ? Variant.CodeName : Variant.KeyName);
        var loaded = await MasterDataApi.LoadAsync(variants, orgcode, reference, ct);
        if (loaded is null)
        {
            return (null, PvmProblems.UnknownReference(field, $"No variant '{reference.GuidRef() ?? reference.CodeRef()}' in this org."));
        }
        return loaded.Record.Status == ProductStatus.Retired
            ? (null, PvmProblems.ReferenceNotActive(field, $"Variant '{loaded.Record.VariantCode}' is retired."))
            : (loaded.Record, null);
    }

    /// <summary>The variant a list or read names; null when the org has none (the caller answers 404).</summary>
    public static async Task<Variant?> ForReadAsync(RecordStore<Variant> variants, string orgcode, IRecordRef reference, CancellationToken ct) =>
        (await MasterDataApi.LoadAsync(variants, orgcode, reference, ct))?.Record;

    /// <summary>An external value (an identifier, an alias): 1–128 of letters, digits and <c>-._/:#</c>.</summary>
    public static bool IsValue(string? value) =>
        value is { Length: > 0 and <= MaxKeyLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '/' or ':' or '#');

    /// <summary>A typed value's rules: its type a code, its value well formed, and the two together short enough to be one key.</summary>
    public static void AddTypedValueRules<T>(this AbstractValidator<T> validator, Func<T, string?> type, Func<T, string?> value, string typeField)
    {
        validator.RuleFor(r => type(r)).BusinessCode().OverridePropertyName(typeField);
        validator.RuleFor(r => value(r)).NotEmpty().WithMessage("is required")
            .Must(IsValue).WithMessage($"must be 1–{MaxKeyLength} {ValueCharacters}").OverridePropertyName("value");
        validator.RuleFor(r => value(r)).Must((r, v) => Codes.Normalize(type(r)).Length + 1 + v!.Length <= MaxKeyLength)
            .When(r => IsValue(value(r)))
            .WithMessage($"{typeField} and value together must be at most {MaxKeyLength - 1} characters").OverridePropertyName("value");
    }

    /// <summary>
    /// A typed value a request names to find a record (resolve, history, remove, transfer): looser than what add and set
    /// take, so a value another path stored (variant create's identifiers are free text) can still be named; an unknown one is 404.
    /// </summary>
    public static void AddTypedKeyRules<T>(this AbstractValidator<T> validator, Func<T, string?> type, Func<T, string?> value, string typeField)
    {
        validator.RuleFor(r => type(r)).BusinessCode().OverridePropertyName(typeField);
        validator.RuleFor(r => value(r)).NotEmpty().WithMessage("is required")
            .Must(v => v is not null && v.Length <= MaxKeyLength && !v.Any(c => c == '|' || char.IsControl(c)))
            .WithMessage($"must be 1–{MaxKeyLength} characters without '|' or control characters").OverridePropertyName("value");
    }

    /// <summary>A request naming its variant by guid or code, each well formed.</summary>
    public static void AddVariantRules<T>(this AbstractValidator<T> validator) where T : IMasterRef<Variant> =>
        validator.AddRefRules<T, Variant>();
}
