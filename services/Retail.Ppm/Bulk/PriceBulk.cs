using FluentValidation;
using FluentValidation.Results;
using Retail.Ppm.Catalog;
using Retail.Ppm.Lists;
using Retail.Ppm.Policy;
using Retail.Ppm.Prices;
using Retail.Ppm.Uoms;
using Retail.Shared;
using Retail.Shared.Bulk;
using Retail.Shared.Json;

namespace Retail.Ppm.Bulk;

/// <summary>
/// A price as bulk import and export carry it: the price of a variant on a list (a zone's override, a unit) for the window
/// <c>[effective_from, effective_to)</c>. <see cref="EffectiveFrom"/> is required here (a default of "now" would make every
/// re-run a new window).
/// </summary>
public sealed record PriceRow(string? VariantGuid, string? PriceListCode, string? PriceZoneCode, string? UomCode, long? AmountMinor, string? Currency,
    long? CostMinor, DateTimeOffset? EffectiveFrom, DateTimeOffset? EffectiveTo, string? Note) : IPriceLine
{
    long? IPriceLine.ExpectedRevision => null;
}

/// <summary>
/// <c>ppm.price</c>, keyed by the price entry: <c>variant_guid:price_list_code:price_zone_code:uom_code</c> (zone <c>*</c> for
/// the list's own price, unit <c>each</c> when absent), one window per record. Checked as <c>price/set</c> checks a line: the
/// list, zone and unit exist and are active, the currency is the list's, the variant is one PVM knows and has not retired,
/// and the window overlaps no other active or pending window of the entry. The active window with the same from and to
/// is the one a record changes (<c>updated</c>; the same amount, cost and note is <c>unchanged</c>). A price the pricing
/// policy would send to an admin (a move beyond its thresholds, under the margin floor) is rejected with
/// <c>approval_required</c> and its reasons: an import never bypasses approval; such prices go through
/// <c>price/approval/submit</c>. A call reads each list, zone and unit once, the variants in one read of PPM's projection
/// (PVM is asked only for those not projected yet), the entries in one read, and writes one batch.
/// </summary>
public sealed class PriceBulk(RecordStore<PriceEntry> entries, RecordStore<PriceList> lists, RecordStore<PriceZone> zones, RecordStore<Uom> uoms,
    RecordStore<PricingPolicy> policies, RecordStore<CatalogVariant> variants, PriceCatalog catalog, RequestContext context, TimeProvider clock)
    : BulkEntity<PriceRow>("ppm.price", ["variant_guid", "price_list_code", "price_zone_code", "uom_code"],
        ["variant_guid", "price_list_code", "amount_minor", "currency", "effective_from"])
{
    public const string ApprovalRequired = "approval_required";
    private static readonly Rules Check = new();

    public override IReadOnlyCollection<string> ExportFilters => ["price_list_code", "variant_guid"];

    protected override ValidationResult Validate(PriceRow row) => Check.Validate(row);

    protected override PriceRow Normalize(PriceRow row) => row with
    {
        VariantGuid = Guid.Parse(row.VariantGuid!).ToString(),
        PriceListCode = Codes.Normalize(row.PriceListCode),
        PriceZoneCode = row.PriceZoneCode is null || row.PriceZoneCode.Trim() == PriceEntry.NoZone ? PriceEntry.NoZone : Codes.Normalize(row.PriceZoneCode),
        UomCode = row.UomCode is null ? Uom.Each : Codes.Normalize(row.UomCode),
        Currency = row.Currency!.Trim().ToUpperInvariant(),
        EffectiveFrom = row.EffectiveFrom!.Value.ToUniversalTime(),
        EffectiveTo = row.EffectiveTo?.ToUniversalTime(),
        Note = RequestRules.Trimmed(row.Note),
    };

    protected override string KeyOf(PriceRow row) => PriceEntry.KeyOf(row.VariantGuid!, row.PriceListCode!, row.PriceZoneCode, row.UomCode!);

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<PriceRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var listOf = await lists.FindManyAsync(orgcode, PriceList.CodeName, rows.Select(r => r.Row.PriceListCode!).Distinct().ToList(), ct);
        var zoneOf = await zones.FindManyAsync(orgcode, PriceZone.CodeName,
            rows.Select(r => r.Row.PriceZoneCode!).Where(z => z != PriceEntry.NoZone).Distinct().ToList(), ct);
        var units = rows.Select(r => r.Row.UomCode!).Where(u => u != Uom.Each).Distinct().ToList();
        var uomOf = units.Count == 0 ? [] : (await uoms.GetManyAsync(orgcode, units, ct: ct)).ToDictionary(u => u.UomCode, StringComparer.Ordinal);
        var projected = (await variants.GetManyAsync(orgcode, rows.Select(r => r.Row.VariantGuid!).Distinct().ToList(), ct: ct))
            .ToDictionary(v => v.VariantGuid, StringComparer.Ordinal);
        var policy = (await policies.GetAsync(orgcode, PricingPolicy.TheKey, ct: ct))?.Record ?? PricingPolicy.Default;
        var loaded = await entries.LoadManyAsync(orgcode, rows.Select(r => r.Key).ToList(), ct);
        var actor = context.Principal?.Id ?? "bulk";
        var now = clock.GetUtcNow();
        var variantProblems = new Dictionary<string, string?>(StringComparer.Ordinal);

        foreach (var row in rows)
        {
            var r = row.Row;
            if (ReferenceProblem(r, listOf, zoneOf, uomOf) is { } refused)
            {
                changes.Reject(row, refused.Code, refused.Reason, refused.Field);
                continue;
            }
            if (!variantProblems.TryGetValue(r.VariantGuid!, out var noVariant))
            {
                // Not projected yet (PVM's event may still be on its way) or retired: the catalog's own check answers, PVM asked once.
                noVariant = projected.TryGetValue(r.VariantGuid!, out var known) && known.VariantRevision > 0 && known.Status != "retired" ? null
                    : (await catalog.CheckAsync(orgcode, r.VariantGuid!, "variant_guid", VariantNeed.NotRetired, ct)).Problem?.ProblemDetails.Detail;
                variantProblems[r.VariantGuid!] = noVariant;
            }
            if (noVariant is not null)
            {
                changes.Reject(row, BulkProblems.UnknownReference, noVariant, "variant_guid");
                continue;
            }
            var current = loaded.GetValueOrDefault(row.Key);
            var entry = current?.Record ?? new PriceEntry
            {
                VariantGuid = r.VariantGuid!,
                PriceListCode = r.PriceListCode!,
                PriceZoneCode = r.PriceZoneCode!,
                UomCode = r.UomCode!,
                Currency = listOf[r.PriceListCode!].Record.Currency,
            };
            var (from, to) = (r.EffectiveFrom!.Value, r.EffectiveTo);
            var changed = entry.Windows.FirstOrDefault(w => w.Status == PriceWindowStatus.Active && PriceRules.IsSameWindow(w, from, to));
            if (changed is not null && changed.AmountMinor == r.AmountMinor && changed.CostMinor == r.CostMinor && changed.Note == r.Note)
            {
                changes.Upsert(entries, orgcode, row, current, entry);
                continue;
            }
            if (entry.Windows.FirstOrDefault(w => w != changed && PriceRules.HoldsTime(w) && PriceRules.Overlaps(w, from, to)) is { } other)
            {
                changes.Reject(row, "price_window_overlap",
                    $"The {SnakeCase.Name(other.Status)} window [{other.EffectiveFrom:O}, {other.EffectiveTo?.ToString("O") ?? "open"}) overlaps this one.",
                    "effective_from");
                continue;
            }
            var reference = PriceRules.Reference(entry, changed, from);
            var cost = r.CostMinor ?? changed?.CostMinor;
            var reasons = PriceRules.ApprovalReasons(policy, reference?.AmountMinor, r.AmountMinor!.Value, cost ?? reference?.CostMinor);
            if (reasons.Count > 0)
            {
                changes.Reject(row, ApprovalRequired, $"The pricing policy sends this price to an admin ({string.Join(", ", reasons)}).", "amount_minor");
                continue;
            }
            var window = new PriceWindow(Ids.New(), r.AmountMinor.Value, cost, from, to, PriceWindowStatus.Active, null, actor, now, r.Note);
            var next = entry with { Windows = [.. entry.Windows.Where(w => w != changed), window] };
            changes.Upsert(entries, orgcode, row, current, next,
                stored => [PriceEvents.Changed(orgcode, stored, window, changed?.AmountMinor, stored.Revision)]);
        }
    }

    private static (string Code, string Reason, string Field)? ReferenceProblem(PriceRow r, IReadOnlyDictionary<string, Loaded<PriceList>> listOf,
        IReadOnlyDictionary<string, Loaded<PriceZone>> zoneOf, IReadOnlyDictionary<string, Uom> uomOf)
    {
        if (listOf.GetValueOrDefault(r.PriceListCode!)?.Record is not { } list)
        {
            return (BulkProblems.UnknownReference, $"No price list '{r.PriceListCode}' in this org.", "price_list_code");
        }
        if (list.Status != MasterStatus.Active)
        {
            return ("reference_not_active", $"Price list '{list.PriceListCode}' is {SnakeCase.Name(list.Status)}.", "price_list_code");
        }
        if (!string.Equals(list.Currency, r.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return ("currency_mismatch", $"Price list '{list.PriceListCode}' is in {list.Currency}; the price is in {r.Currency}.", "currency");
        }
        if (r.PriceZoneCode != PriceEntry.NoZone)
        {
            if (zoneOf.GetValueOrDefault(r.PriceZoneCode!)?.Record is not { } zone)
            {
                return (BulkProblems.UnknownReference, $"No price zone '{r.PriceZoneCode}' in this org.", "price_zone_code");
            }
            if (zone.Status != MasterStatus.Active)
            {
                return ("reference_not_active", $"Price zone '{zone.PriceZoneCode}' is {SnakeCase.Name(zone.Status)}.", "price_zone_code");
            }
        }
        if (r.UomCode != Uom.Each)
        {
            if (!uomOf.TryGetValue(r.UomCode!, out var uom))
            {
                return (BulkProblems.UnknownReference, $"No unit '{r.UomCode}' in this org.", "uom_code");
            }
            if (uom.Status != MasterStatus.Active)
            {
                return ("reference_not_active", $"Unit '{uom.UomCode}' is {SnakeCase.Name(uom.Status)}.", "uom_code");
            }
        }
        return null;
    }

    /// <summary>One item per active window of each entry of the page (a page of entries, so an item count may exceed the limit by an entry's windows).</summary>
    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        var page = await entries.ListAsync(orgcode, EqualityFilters(filters.ToDictionary(f => f.Key,
            f => f.Key == "variant_guid" && Guid.TryParse(f.Value, out var g) ? g.ToString() : Codes.Normalize(f.Value))), limit, token, ct: ct);
        var items = page.Items.SelectMany(e => e.Windows.Where(w => w.Status == PriceWindowStatus.Active).OrderBy(w => w.EffectiveFrom)
            .Select(w => (object)new PriceRow(e.VariantGuid, e.PriceListCode, e.PriceZoneCode, e.UomCode, w.AmountMinor, e.Currency, w.CostMinor,
                w.EffectiveFrom, w.EffectiveTo, w.Note))).ToList();
        return new BulkExportPage(items, page.NextToken);
    }

    public override async Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var found = await entries.LoadManyAsync(orgcode, keys, ct);
        return new BulkKeysResponse(keys.Where(found.ContainsKey).ToList(), keys.Where(k => !found.ContainsKey(k)).ToList());
    }

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(entries, orgcode, ct);

    private sealed class Rules : AbstractValidator<PriceRow>
    {
        public Rules()
        {
            this.AddPriceLineRules();
            RuleFor(r => r.EffectiveFrom).NotNull().WithMessage("is required (a bulk price names its window)");
        }
    }
}
