using FluentValidation.Results;
using Retail.Pvm.Catalog;
using Retail.Pvm.Identifiers;
using Retail.Pvm.Options;
using Retail.Shared;
using Retail.Shared.Bulk;

namespace Retail.Pvm.Bulk;

/// <summary>A variant as bulk import and export carry it: its style by code, one option per axis of the style's model, its barcodes.</summary>
public sealed record VariantRow(string? StyleCode, string? VariantCode, IReadOnlyList<VariantOptionRequest>? Options, string? Name, PhysicalRequest? Physical,
    bool? IsKit, ProductStatus? Status, IReadOnlyList<BarcodeRequest>? Barcodes)
{
    public CreateVariantRequest ToCreate() => new(StyleCode, null, VariantCode, Options, Name, Physical, IsKit,
        Status is ProductStatus.Discontinued or ProductStatus.Retired ? null : Status, Barcodes, null);
}

/// <summary>
/// <c>pvm.variant</c>, keyed by <c>variant_code</c> (unique in the org), with its barcodes. Checked by variant create's
/// rules: the style exists and is not retired (active only on an active style), the options fit the style's model, the
/// option combination is free within the style, and every barcode is a well-formed GTIN (or internal code) no other
/// variant holds. A stored variant's options do not change (variant/recreate does that); its name, physical attributes
/// and status (through the lifecycle) do. Barcodes are added, never removed: a barcode the record leaves out stays (its
/// status moves through <c>barcode/status/set</c>); a barcode added to a variant that exists already is not its primary.
/// A call of 1,000 reads: the variants by code, the styles by code, their models, the combinations and the barcodes,
/// one bulk read each, and writes one batch.
/// </summary>
public sealed class VariantBulk(RecordStore<Variant> variants, RecordStore<Style> styles, RecordStore<Ogm> ogms, RecordStore<Barcode> barcodes)
    : BulkEntity<VariantRow>("pvm.variant", ["variant_code"], ["style_code", "variant_code", "options"])
{
    private static readonly CreateVariantRequestValidator Rules = new();

    /// <summary>A style's variants, through the (style_guid, status) index; without it, the org's variants in key order.</summary>
    public override IReadOnlyCollection<string> ExportFilters => ["style_code"];

    protected override ValidationResult Validate(VariantRow row) => Rules.Validate(row.ToCreate());

    protected override VariantRow Normalize(VariantRow row) => row with
    {
        StyleCode = Codes.Normalize(row.StyleCode),
        VariantCode = Codes.Normalize(row.VariantCode),
        Barcodes = row.Barcodes?.Select(b => b with { Barcode = b.Barcode!.Trim(), Symbology = VariantParts.SymbologyOf(b) }).ToList(),
    };

    protected override string KeyOf(VariantRow row) => row.VariantCode!;

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<VariantRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var existing = await variants.FindManyAsync(orgcode, Variant.CodeName, rows.Select(r => r.Key).ToList(), ct);
        var styleOf = await styles.FindManyAsync(orgcode, Style.CodeName, rows.Select(r => r.Row.StyleCode!).Distinct().ToList(), ct);
        var models = await ogms.LoadManyAsync(orgcode, styleOf.Values.Select(s => s.Record.OgmGuid).Distinct().ToList(), ct);
        var values = rows.SelectMany(r => r.Row.Barcodes ?? []).Select(b => b.Barcode!).Distinct().ToList();
        // Doomed barcodes too: a value a removed barcode holds is not free for a new one here (the API revives it instead).
        var held = (await barcodes.GetManyAsync(orgcode, values, includeDoomed: true, ct)).ToDictionary(b => b.Value, StringComparer.Ordinal);

        var fitted = new List<(BulkRow<VariantRow> Row, Style Style, IReadOnlyList<VariantOption> Options)>(rows.Count);
        foreach (var row in rows)
        {
            if (styleOf.GetValueOrDefault(row.Row.StyleCode!)?.Record is not { } style)
            {
                changes.Reject(row, BulkProblems.UnknownReference, $"No style '{row.Row.StyleCode}' in this org.", "style_code");
                continue;
            }
            if (models.GetValueOrDefault(style.OgmGuid)?.Record is not { } ogm)
            {
                changes.Reject(row, BulkProblems.UnknownReference, $"The model of style '{style.StyleCode}' no longer exists.", "style_code");
                continue;
            }
            var (options, misfit) = VariantOptions.Fit(ogm, row.Row.Options!);
            if (misfit is not null)
            {
                changes.Reject(row, "option_not_allowed", misfit.Detail, misfit.Field);
                continue;
            }
            fitted.Add((row, style, options!));
        }
        var combinations = await variants.FindManyAsync(orgcode, "combination",
            fitted.Select(f => Variant.CombinationOf(f.Style.StyleGuid, f.Style.OgmGuid, f.Options)).ToList(), ct);

        var combinationsInCall = new HashSet<string>(StringComparer.Ordinal);
        var barcodesInCall = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (row, style, options) in fitted)
        {
            var r = row.Row;
            var current = existing.GetValueOrDefault(row.Key);
            var combination = Variant.CombinationOf(style.StyleGuid, style.OgmGuid, options);
            if (Reason(row.Row, current?.Record, style, options, combination, combinations, combinationsInCall) is { } refused)
            {
                changes.Reject(row, refused.Code, refused.Reason, refused.Field);
                continue;
            }
            var guid = current?.Record.VariantGuid ?? Ids.New();
            var requested = r.Barcodes ?? [];
            var taken = requested.FirstOrDefault(b => (held.GetValueOrDefault(b.Barcode!) is { } h && (h.VariantGuid != guid || h.IsDoomed))
                || (!(held.GetValueOrDefault(b.Barcode!)?.VariantGuid == guid) && barcodesInCall.Contains(b.Barcode!)));
            if (taken is not null)
            {
                changes.Reject(row, BulkProblems.Duplicate, $"Barcode '{taken.Barcode}' is held by another variant.", "barcodes");
                continue;
            }
            combinationsInCall.Add(combination);
            var status = r.Status ?? current?.Record.Status ?? ProductStatus.Draft;
            var next = (current?.Record ?? new Variant
            {
                VariantGuid = guid,
                VariantCode = row.Key,
                StyleGuid = style.StyleGuid,
                StyleCode = style.StyleCode,
                OgmGuid = style.OgmGuid,
                Options = options,
                IsKit = r.IsKit ?? false,
            }) with
            {
                Name = RequestRules.Trimmed(r.Name),
                Physical = r.Physical?.ToAttributes(),
                Status = status,
            };
            var outcome = changes.Upsert(variants, orgcode, row, current, next,
                stored => [PvmEvents.Variant(current is null ? PvmEvents.VariantCreated : PvmEvents.VariantUpdated, orgcode, stored)]);
            var added = VariantParts.Barcodes(guid, requested).Where(b => !held.ContainsKey(b.Value))
                .Select(b => current is null ? b : b with { Primary = false }).ToList();
            foreach (var barcode in added)
            {
                barcodesInCall.Add(barcode.Value);
            }
            if (!changes.DryRun)
            {
                foreach (var barcode in added)
                {
                    barcodes.Create(changes.Batch, orgcode, barcode, [new DomainEvent(PvmEvents.BarcodeAdded,
                        new BarcodeAdded(orgcode, barcode.Value, barcode.Symbology, guid, barcode.Primary), $"barcode/{barcode.Value}")]);
                }
            }
            if (outcome == BulkOutcomes.Unchanged && added.Count > 0)
            {
                changes.Restate(row.Index, BulkOutcomes.Updated);
            }
        }
    }

    /// <summary>Why a fitted record cannot be written, checked as variant create and status do; null when it can.</summary>
    private static (string Code, string Reason, string Field)? Reason(VariantRow row, Variant? current, Style style, IReadOnlyList<VariantOption> options,
        string combination, IReadOnlyDictionary<string, Loaded<Variant>> combinations, HashSet<string> inCall)
    {
        if (current is not null)
        {
            if (current.StyleGuid != style.StyleGuid || Variant.CombinationOf(current.StyleGuid, current.OgmGuid, current.Options) != combination)
            {
                return (BulkProblems.InvalidRecord, "A variant's style and options do not change (variant/recreate replaces one).", "options");
            }
            if (row.IsKit is { } kit && kit != current.IsKit)
            {
                return (BulkProblems.InvalidRecord, "Whether a variant is a kit does not change.", "is_kit");
            }
            if (RefusedMove(Variant.Lifecycle, current.Status, row.Status ?? current.Status) is { } refused)
            {
                return (BulkProblems.InvalidTransition, refused, "status");
            }
        }
        else if (style.Status == ProductStatus.Retired)
        {
            return ("reference_not_active", $"Style '{style.StyleCode}' is retired.", "style_code");
        }
        if (row.Status == ProductStatus.Active && current?.Status != ProductStatus.Active && style.Status != ProductStatus.Active)
        {
            return ("reference_not_active", $"Style '{style.StyleCode}' is not active; a variant is active only on an active style.", "status");
        }
        if ((combinations.GetValueOrDefault(combination) is { } holder && holder.Record.VariantGuid != current?.VariantGuid) || inCall.Contains(combination))
        {
            return ("duplicate_variant", "Another variant of this style has these options.", "options");
        }
        return null;
    }

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        List<StateFilter> scope = [];
        if (filters.TryGetValue("style_code", out var styleCode))
        {
            var style = await styles.FindAsync(orgcode, Style.CodeName, Codes.Normalize(styleCode), ct);
            scope.Add(StateFilter.Eq("style_guid", style?.Record.StyleGuid ?? ""));
        }
        var page = await variants.ListAsync(orgcode, scope, limit, token, ct: ct);
        var items = new List<object>(page.Items.Count);
        foreach (var v in page.Items)
        {
            // One indexed read per variant (as variant/list with include_codes): a variant holds a handful of barcodes.
            var held = await barcodes.ListAsync(orgcode, [StateFilter.Eq("variant_guid", v.VariantGuid)], VariantParts.MaxBarcodes, ct: ct);
            items.Add(new VariantRow(v.StyleCode, v.VariantCode, v.Options.Select(o => new VariantOptionRequest(o.OptionGroupCode, o.OptionCode)).ToList(),
                v.Name, v.Physical is { } p ? new PhysicalRequest(p.WeightGrams, p.LengthMm, p.WidthMm, p.HeightMm) : null, v.IsKit, v.Status,
                [.. held.Items.OrderByDescending(b => b.Primary).ThenBy(b => b.Value, StringComparer.Ordinal)
                    .Select(b => new BarcodeRequest(b.Value, b.Symbology, b.Primary))]));
        }
        return new BulkExportPage(items, page.NextToken);
    }

    public override Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct) =>
        KeysByUniqueAsync(variants, orgcode, Variant.CodeName, keys, ct);

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(variants, orgcode, ct);
}
