using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Retail.Ppm.Catalog;
using Retail.Ppm.Prices;
using Retail.Ppm.Uoms;

namespace Retail.Ppm.Pricing;

public sealed record ResolveLineRequest(string? VariantGuid, int? Quantity, string? UomCode);

/// <summary>
/// A cart or a product page to price: the channel (body or <c>x-channel-code</c>), optionally the logical facility
/// (body or <c>x-facility-code</c>), the customer, the time (default now), 1–100 lines, and the codes the buyer presents
/// (a promotion with a <c>code</c> applies only when it is named here).
/// </summary>
public sealed record ResolveRequest(string? ChannelCode, string? FacilityCode, string? CustomerRef, DateTimeOffset? At,
    IReadOnlyList<ResolveLineRequest>? Lines, IReadOnlyList<string>? Codes = null);

public sealed class ResolveRequestValidator : AbstractValidator<ResolveRequest>, IQuickValidation
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 1_000_000;
    public const int MaxCodes = 10;

    public ResolveRequestValidator()
    {
        RuleFor(r => r.ChannelCode).OptionalCode();
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.CustomerRef).Text(100);
        RuleFor(r => r.Codes).Must(c => c is null || c.Count <= MaxCodes).WithMessage($"at most {MaxCodes} codes");
        RuleForEach(r => r.Codes).BusinessCode().When(r => r.Codes is { Count: <= MaxCodes });
        RuleFor(r => r.Lines).NotNull().WithMessage("required");
        RuleFor(r => r.Lines).Must(l => l is null || l.Count is >= 1 and <= MaxLines).WithMessage($"1 to {MaxLines} lines");
        RuleForEach(r => r.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l!.VariantGuid).RequiredGuid();
            line.RuleFor(l => l!.Quantity).NotNull().WithMessage("required");
            line.RuleFor(l => l!.Quantity).InclusiveBetween(1, MaxQuantity).When(l => l!.Quantity is not null);
            line.RuleFor(l => l!.UomCode).OptionalCode();
        }).When(r => r.Lines is { Count: <= MaxLines });
    }

    /// <summary>The rules above for a request they all accept (the usual case of this hot path); false runs them.</summary>
    public bool Passes(object argument) =>
        argument is ResolveRequest { Lines: { Count: >= 1 and <= MaxLines } lines } r
        && IsOptionalCode(r.ChannelCode)
        && IsOptionalCode(r.FacilityCode)
        && (r.CustomerRef is null || RequestRules.IsText(r.CustomerRef, 100))
        && (r.Codes is null || (r.Codes.Count <= MaxCodes && r.Codes.All(IsRequiredCode)))
        && lines.All(l => l is { VariantGuid: { } guid, Quantity: >= 1 and <= MaxQuantity }
            && !string.IsNullOrWhiteSpace(guid) && Guid.TryParse(guid, out _) && IsOptionalCode(l.UomCode));

    private static bool IsOptionalCode(string? code) => code is null || RequestRules.IsCode(code);

    private static bool IsRequiredCode(string? code) => !string.IsNullOrWhiteSpace(code) && RequestRules.IsCode(code);
}

/// <summary>Why a line has no price.</summary>
public static class ResolveReasons
{
    public const string NoPriceList = "no_price_list";
    public const string UnknownVariant = "unknown_variant";
    public const string VariantNotActive = "variant_not_active";
    public const string UnknownUom = "unknown_uom";
    public const string NoPrice = "no_price";
}

public sealed record ResolvedLine(
    int Index,
    string VariantGuid,
    int Quantity,
    string UomCode,
    bool Priced,
    string? Reason,
    string? PriceListCode,
    string? PriceZoneCode,
    string? Currency,
    long? ListUnitMinor,
    long? UnitMinor,
    long? ExtendedMinor,
    long? DiscountMinor,
    IReadOnlyList<Applied> Applied,
    IReadOnlyList<string> Notes);

/// <summary><see cref="TotalMinor"/> and <see cref="Currency"/> when every priced line shares one currency.</summary>
public sealed record ResolveAnswer(string? Currency, DateTimeOffset At, string ChannelCode, string? FacilityCode, IReadOnlyList<ResolvedLine> Lines,
    long? TotalMinor);

/// <summary>
/// <c>/price/resolve</c>: one answer for a cart, explained line by line, from PPM's own projection and the org's
/// pricing snapshot (never PVM or OFM per request). For each line the channel's active lists are tried in priority
/// order; within a list the facility's zone price beats the list's base price, and a price in the line's unit beats
/// the <c>each</c> price × the unit's base count; the first window that is active and contains <c>at</c> is the base
/// price. The engine then applies the org's rules and promotions to all priced lines together. Same input, same
/// <c>at</c>, same configuration: same answer.
/// </summary>
public static class ResolveApi
{
    public static IEndpointRouteBuilder MapResolve(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/price/resolve", Resolve).RequireRole(Role.Viewer).WithTags("Resolve")
            .WithSummary("Price up to 100 lines for a channel (and facility) at a time: list and zone used, rules and promotions applied, a reason for each line without a price.");
        return routes;
    }

    public static async Task<Results<Ok<ResolveAnswer>, ProblemHttpResult>> Resolve(ResolveRequest request, [FromServices] ResolveStores stores,
        PricingSnapshots snapshots, RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var channel = RequestRules.Trimmed(request.ChannelCode) ?? RequestRules.Trimmed(context.ChannelCode);
        if (channel is null)
        {
            return ApiProblem.Validation("channel_code", "required (in the body or the x-channel-code header)");
        }
        channel = Codes.Normalize(channel);
        var facility = RequestRules.Trimmed(request.FacilityCode) ?? RequestRules.Trimmed(context.FacilityCode);
        facility = facility is null ? null : Codes.Normalize(facility);
        var at = request.At ?? clock.GetUtcNow();
        var pricing = stores.Pricing;
        var snapshot = await snapshots.GetAsync(orgcode, pricing, ct);
        var lines = request.Lines!.Select((l, i) => new Line(i, l.VariantGuid!.Trim().ToLowerInvariant(), l.Quantity!.Value,
            Codes.Normalize(RequestRules.Trimmed(l.UomCode) ?? Uom.Each))).ToList();

        var lists = await snapshot.ListsOfAsync(channel, pricing, ct);
        if (lists.Count == 0)
        {
            return TypedResults.Ok(Answer(channel, facility, at, lines.Select(l => Unpriced(l, ResolveReasons.NoPriceList)).ToList()));
        }
        var zone = facility is null ? null : await snapshot.ZoneOfAsync(facility, pricing, ct);

        // The projection only: a variant PVM has not told PPM about is unknown here.
        var variants = (await stores.Variants.GetManyAsync(orgcode, [.. lines.Select(l => l.VariantGuid).Distinct(StringComparer.Ordinal)], ct: ct))
            .ToDictionary(v => v.VariantGuid, StringComparer.Ordinal);
        var results = new ResolvedLine?[lines.Count];
        var pending = new List<(Line Line, CatalogVariant Variant, int BaseUnits)>();
        foreach (var line in lines)
        {
            if (!variants.TryGetValue(line.VariantGuid, out var variant) || variant.VariantRevision == 0)
            {
                results[line.Index] = Unpriced(line, ResolveReasons.UnknownVariant);
            }
            else if (!variant.IsActive)
            {
                results[line.Index] = Unpriced(line, ResolveReasons.VariantNotActive);
            }
            else if (await snapshot.BaseUnitsOfAsync(line.UomCode, pricing, ct) is not { } baseUnits)
            {
                results[line.Index] = Unpriced(line, ResolveReasons.UnknownUom);
            }
            else
            {
                pending.Add((line, variant, baseUnits));
            }
        }

        // A variant's own count of a unit overrides the unit's (read only for lines not in each).
        var conversionKeys = pending.Where(p => p.Line.UomCode != Uom.Each).Select(p => UomConversion.KeyOf(p.Line.UomCode, p.Line.VariantGuid))
            .Distinct(StringComparer.Ordinal).ToList();
        var conversions = conversionKeys.Count == 0
            ? new Dictionary<string, int>(StringComparer.Ordinal)
            : (await stores.Conversions.GetManyAsync(orgcode, conversionKeys, ct: ct)).ToDictionary(c => c.Key, c => Math.Max(1, c.BaseUnits), StringComparer.Ordinal);

        // The candidate entries list by list: the first list's for every line in one read, then the next list's for the
        // lines still without a price, and so on. Most lines are priced by their first list, so a line reads its first
        // list's few keys, not every list's.
        var found = new Dictionary<int, BasePrice>();
        for (var rank = 0; rank < lists.Count && found.Count < pending.Count; rank++)
        {
            var round = pending.Where(p => !found.ContainsKey(p.Line.Index)).Select(p => (p.Line, p.BaseUnits, Candidates: Candidates(p.Line, lists[rank], zone)))
                .ToList();
            var keys = round.SelectMany(r => r.Candidates).Select(c => c.Key).Distinct(StringComparer.Ordinal).ToList();
            var entries = (await stores.Prices.GetManyAsync(orgcode, keys, ct: ct)).ToDictionary(e => e.Key, StringComparer.Ordinal);
            foreach (var (line, uomUnits, candidates) in round)
            {
                foreach (var candidate in candidates)
                {
                    if (entries.TryGetValue(candidate.Key, out var entry) && WindowAt(entry, at) is { } window)
                    {
                        var units = candidate.FromEach
                            ? conversions.GetValueOrDefault(UomConversion.KeyOf(line.UomCode, line.VariantGuid), uomUnits)
                            : 1;
                        found[line.Index] = new BasePrice(candidate.List.PriceListCode, candidate.Zone, entry.Currency, window.AmountMinor * units,
                            window.CostMinor * units);
                        break;
                    }
                }
            }
        }

        var styleGuids = pending.Select(p => p.Variant.StyleGuid).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var styles = styleGuids.Count == 0
            ? new Dictionary<string, CatalogStyle>(StringComparer.Ordinal)
            : (await stores.Styles.GetManyAsync(orgcode, styleGuids, ct: ct)).ToDictionary(s => s.StyleGuid, StringComparer.Ordinal);

        var cart = new List<CartLine>();
        foreach (var (line, variant, _) in pending)
        {
            if (!found.TryGetValue(line.Index, out var price))
            {
                results[line.Index] = Unpriced(line, ResolveReasons.NoPrice);
                continue;
            }
            var style = variant.StyleGuid is null ? null : styles.GetValueOrDefault(variant.StyleGuid);
            var product = new ProductPath(variant.VariantGuid, variant.StyleGuid, style?.BrandGuid, style?.CategoryGuids ?? []);
            cart.Add(new CartLine(line.Index, product, line.Quantity, line.UomCode, price));
        }

        if (cart.Count > 0)
        {
            var codes = request.Codes?.Select(Codes.Normalize).ToHashSet(StringComparer.Ordinal);
            foreach (var priced in PriceEngine.Price(snapshot.Rules, channel, at, cart, codes))
            {
                var line = lines[priced.Index];
                var source = found[priced.Index];
                results[priced.Index] = new ResolvedLine(line.Index, line.VariantGuid, line.Quantity, line.UomCode, true, null, source.PriceListCode,
                    source.PriceZoneCode, priced.Currency, priced.ListUnitMinor, priced.UnitMinor, priced.ExtendedMinor, priced.DiscountMinor,
                    priced.Applied, priced.Notes);
            }
        }
        return TypedResults.Ok(Answer(channel, facility, at, [.. results.Select((r, i) => r ?? Unpriced(lines[i], ResolveReasons.NoPrice))]));
    }

    /// <summary>The window of the entry in effect at <paramref name="at"/>: active (approved) and containing it.</summary>
    private static PriceWindow? WindowAt(PriceEntry entry, DateTimeOffset at) =>
        entry.Windows.FirstOrDefault(w => w.Status == PriceWindowStatus.Active && w.EffectiveFrom <= at && (w.EffectiveTo is null || at < w.EffectiveTo));

    /// <summary>
    /// The entries of one list that may price a line, best first (the lists are tried in priority order): the zone's price
    /// then the list's own, in the line's unit, then (for a unit other than each) the same in each, to be multiplied by the
    /// unit's count.
    /// </summary>
    private static List<Candidate> Candidates(Line line, ChannelList list, string? zone)
    {
        var candidates = new List<Candidate>(line.UomCode == Uom.Each ? 2 : 4);
        if (zone is not null)
        {
            candidates.Add(new Candidate(list, zone, PriceEntry.KeyOf(line.VariantGuid, list.PriceListCode, zone, line.UomCode), false));
        }
        candidates.Add(new Candidate(list, null, PriceEntry.KeyOf(line.VariantGuid, list.PriceListCode, PriceEntry.NoZone, line.UomCode), false));
        if (line.UomCode != Uom.Each)
        {
            if (zone is not null)
            {
                candidates.Add(new Candidate(list, zone, PriceEntry.KeyOf(line.VariantGuid, list.PriceListCode, zone, Uom.Each), true));
            }
            candidates.Add(new Candidate(list, null, PriceEntry.KeyOf(line.VariantGuid, list.PriceListCode, PriceEntry.NoZone, Uom.Each), true));
        }
        return candidates;
    }

    private static ResolvedLine Unpriced(Line line, string reason) =>
        new(line.Index, line.VariantGuid, line.Quantity, line.UomCode, false, reason, null, null, null, null, null, null, null, [], []);

    private static ResolveAnswer Answer(string channel, string? facility, DateTimeOffset at, IReadOnlyList<ResolvedLine> lines)
    {
        var currencies = lines.Where(l => l.Priced).Select(l => l.Currency).Distinct(StringComparer.Ordinal).ToList();
        return currencies.Count == 1
            ? new ResolveAnswer(currencies[0], at, channel, facility, lines, lines.Where(l => l.Priced).Sum(l => l.ExtendedMinor ?? 0))
            : new ResolveAnswer(null, at, channel, facility, lines, null);
    }

    private sealed record Line(int Index, string VariantGuid, int Quantity, string UomCode);

    private sealed record Candidate(ChannelList List, string? Zone, string Key, bool FromEach);
}

/// <summary>
/// What resolve reads: the snapshot's stores, the catalog projection and the prices, each taken from the request's services
/// when first read (a single line on a loaded snapshot reads three of the twelve).
/// </summary>
public sealed class ResolveStores(IServiceProvider services)
{
    public PricingStores Pricing { get; } = new(services);

    public RecordStore<CatalogVariant> Variants => field ??= services.GetRequiredService<RecordStore<CatalogVariant>>();

    public RecordStore<CatalogStyle> Styles => field ??= services.GetRequiredService<RecordStore<CatalogStyle>>();

    public RecordStore<PriceEntry> Prices => field ??= services.GetRequiredService<RecordStore<PriceEntry>>();

    public RecordStore<UomConversion> Conversions => field ??= services.GetRequiredService<RecordStore<UomConversion>>();
}
