using FluentValidation;
using Retail.Pvm.Identifiers;

namespace Retail.Pvm.Catalog;

public sealed record BarcodeRequest(string? Barcode, BarcodeSymbology? Symbology, bool? Primary);

public sealed record IdentifierRequest(string? IdType, string? Value);

/// <summary>The barcodes and identifiers a variant is created with, written in the variant's own transaction.</summary>
public static class VariantParts
{
    public const int MaxBarcodes = 20;
    public const int MaxIdentifiers = 20;

    /// <summary>What a barcode is: the symbology given, else a GTIN by its digit count, else an internal code when it is not all digits.</summary>
    public static BarcodeSymbology? SymbologyOf(BarcodeRequest request)
    {
        var value = request.Barcode?.Trim() ?? "";
        return request.Symbology ?? Gtin.SymbologyOf(value) ?? (value.All(char.IsAsciiDigit) ? null : BarcodeSymbology.Internal);
    }

    /// <summary>Null when the barcode is well formed; otherwise the 400 message (a wrong check digit names the right one).</summary>
    public static string? ProblemOf(BarcodeRequest request)
    {
        var value = request.Barcode?.Trim() ?? "";
        return SymbologyOf(request) is { } symbology
            ? Gtin.Problem(value, symbology)
            : "a GTIN is 8, 12, 13 or 14 digits; give symbology internal for an in-house code";
    }

    /// <summary>The barcodes as stored: at most one primary, the first when none says so.</summary>
    public static IReadOnlyList<Barcode> Barcodes(string variantGuid, IReadOnlyList<BarcodeRequest>? requested)
    {
        if (requested is null || requested.Count == 0)
        {
            return [];
        }
        var primary = requested.ToList().FindIndex(b => b.Primary == true);
        if (primary < 0)
        {
            primary = 0;
        }
        return requested.Select((b, i) => new Barcode
        {
            Value = b.Barcode!.Trim(),
            Symbology = SymbologyOf(b)!.Value,
            VariantGuid = variantGuid,
            Primary = i == primary,
        }).ToList();
    }

    public static IReadOnlyList<Identifier> Identifiers(string variantGuid, IReadOnlyList<IdentifierRequest>? requested) =>
        requested?.Select(i => new Identifier { IdType = Codes.Normalize(i.IdType), Value = i.Value!.Trim(), VariantGuid = variantGuid }).ToList() ?? [];

    public static void AddPartRules<T>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<BarcodeRequest>?> barcodes,
        Func<T, IReadOnlyList<IdentifierRequest>?> identifiers)
    {
        validator.RuleFor(r => barcodes(r)).Must(b => b is null || b.Count <= MaxBarcodes).WithMessage($"at most {MaxBarcodes} barcodes")
            .Must(b => b is null || b.Count(x => x?.Primary == true) <= 1).WithMessage("at most one primary barcode")
            .Must(b => b is null || b.Where(x => x?.Barcode is not null).Select(x => x.Barcode!.Trim()).Distinct().Count() == b.Count(x => x?.Barcode is not null))
            .WithMessage("names a barcode twice")
            .OverridePropertyName("barcodes");
        validator.RuleForEach(r => barcodes(r)).ChildRules(b =>
        {
            b.RuleFor(x => x).NotNull().WithMessage("is required");
            b.RuleFor(x => x.Barcode).NotEmpty().WithMessage("is required").When(x => x is not null);
            b.RuleFor(x => x.Barcode).Must((x, _) => ProblemOf(x) is null).WithMessage((x, _) => ProblemOf(x))
                .When(x => x is not null && !string.IsNullOrWhiteSpace(x.Barcode));
        }).OverridePropertyName("barcodes");
        validator.RuleFor(r => identifiers(r)).Must(i => i is null || i.Count <= MaxIdentifiers).WithMessage($"at most {MaxIdentifiers} identifiers")
            .Must(i => i is null || i.Where(x => x?.IdType is not null && x.Value is not null)
                .Select(x => Identifier.KeyOf(Codes.Normalize(x.IdType), x.Value!.Trim())).Distinct().Count()
                == i.Count(x => x?.IdType is not null && x.Value is not null))
            .WithMessage("names an identifier twice")
            .OverridePropertyName("identifiers");
        validator.RuleForEach(r => identifiers(r)).ChildRules(i =>
        {
            i.RuleFor(x => x).NotNull().WithMessage("is required");
            i.RuleFor(x => x.IdType).BusinessCode().When(x => x is not null);
            i.RuleFor(x => x.Value).RequiredText(96).Must(v => v is null || !v.Contains('|', StringComparison.Ordinal))
                .WithMessage("must not contain '|'").When(x => x is not null);
        }).OverridePropertyName("identifiers");
    }

    /// <summary>
    /// Stages the barcodes and identifiers beside their variant. A value held by a doomed record revives it (its history
    /// continues); <paramref name="existing"/> holds those, read after a first attempt found the value taken.
    /// </summary>
    public static void Stage(RecordBatch batch, string orgcode, Variant variant, IReadOnlyList<Barcode> barcodes, IReadOnlyList<Identifier> identifiers,
        RecordStore<Barcode> barcodeStore, RecordStore<Identifier> identifierStore, ExistingParts? existing)
    {
        foreach (var barcode in barcodes)
        {
            var added = new DomainEvent(PvmEvents.BarcodeAdded,
                new BarcodeAdded(orgcode, barcode.Value, barcode.Symbology, variant.VariantGuid, barcode.Primary), $"barcode/{barcode.Value}");
            if (existing?.Barcodes.GetValueOrDefault(barcode.Value) is { } doomed)
            {
                barcodeStore.Update(batch, orgcode, doomed, barcode with { DoomedAt = null }, "created", [added]);
            }
            else
            {
                barcodeStore.Create(batch, orgcode, barcode, [added]);
            }
        }
        foreach (var identifier in identifiers)
        {
            if (existing?.Identifiers.GetValueOrDefault(identifier.Key) is { } doomed)
            {
                identifierStore.Update(batch, orgcode, doomed, identifier with { DoomedAt = null }, "created");
            }
            else
            {
                identifierStore.Create(batch, orgcode, identifier);
            }
        }
    }

    /// <summary>
    /// After a create found a barcode or identifier value taken: the doomed holders (to revive), or the problem naming
    /// the first value a live record holds (409 <c>duplicate</c>).
    /// </summary>
    public static async Task<(ExistingParts? Existing, ProblemHttpResult? Problem)> ExistingAsync(string orgcode, IReadOnlyList<Barcode> barcodes,
        IReadOnlyList<Identifier> identifiers, RecordStore<Barcode> barcodeStore, RecordStore<Identifier> identifierStore, CancellationToken ct)
    {
        var heldBarcodes = new Dictionary<string, Loaded<Barcode>>(StringComparer.Ordinal);
        for (var i = 0; i < barcodes.Count; i++)
        {
            if (await barcodeStore.GetAsync(orgcode, barcodes[i].Key, includeDoomed: true, ct) is not { } held)
            {
                continue;
            }
            if (!held.Record.IsDoomed)
            {
                return (null, ApiProblem.Duplicate($"Barcode {barcodes[i].Value} already belongs to a variant.", $"barcodes[{i}].barcode"));
            }
            heldBarcodes[held.Record.Key] = held;
        }
        var heldIdentifiers = new Dictionary<string, Loaded<Identifier>>(StringComparer.Ordinal);
        for (var i = 0; i < identifiers.Count; i++)
        {
            if (await identifierStore.GetAsync(orgcode, identifiers[i].Key, includeDoomed: true, ct) is not { } held)
            {
                continue;
            }
            if (!held.Record.IsDoomed)
            {
                return (null, ApiProblem.Duplicate($"Identifier {identifiers[i].Key} already belongs to a variant.", $"identifiers[{i}].value"));
            }
            heldIdentifiers[held.Record.Key] = held;
        }
        return (new ExistingParts(heldBarcodes, heldIdentifiers), null);
    }
}

/// <summary>Doomed barcodes and identifiers whose values a new variant takes over.</summary>
public sealed record ExistingParts(IReadOnlyDictionary<string, Loaded<Barcode>> Barcodes, IReadOnlyDictionary<string, Loaded<Identifier>> Identifiers);
