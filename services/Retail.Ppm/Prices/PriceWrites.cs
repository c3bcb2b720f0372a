using Retail.Ppm.Catalog;
using Retail.Ppm.Lists;
using Retail.Ppm.Policy;
using Retail.Ppm.Uoms;
using Retail.Shared;
using Retail.Shared.Json;

namespace Retail.Ppm.Prices;

/// <summary>One line of a set as written: the entry after the whole call, the window the line wrote, and its approval when it waits.</summary>
public sealed record PriceWritten(int Index, PriceEntry Entry, PriceWindow Window, PriceApproval? Approval, IReadOnlyList<string> Reasons);

/// <summary>
/// What a price set reads and stages, bound with <c>[AsParameters]</c>. A call of up to 1000 lines reads each list, zone,
/// unit and variant it names once, every entry it touches in one read, the policy once, and commits every entry and
/// approval in one <see cref="RecordBatch"/>: all lines or none.
/// </summary>
public sealed record PriceWrites(RecordStore<PriceEntry> Entries, RecordStore<PriceApproval> Approvals, RecordStore<PriceList> Lists,
    RecordStore<PriceZone> Zones, RecordStore<Uom> Uoms, RecordStore<PricingPolicy> Policies, RecordStore<CatalogVariant> Variants,
    PriceCatalog Catalog, RequestContext Context, TimeProvider Clock)
{
    /// <summary>
    /// Checks and writes the lines. <paramref name="bulk"/> names a failing line's fields <c>prices[i].field</c>;
    /// <paramref name="submit"/> stores every line pending approval (reason <c>submitted</c>) whatever the thresholds say.
    /// </summary>
    public async Task<(IReadOnlyList<PriceWritten> Written, ProblemHttpResult? Problem)> SetAsync(IReadOnlyList<IPriceLine> lines, bool bulk, bool submit,
        CancellationToken ct)
    {
        var orgcode = Context.RequireOrgcode();
        var actor = Context.RequirePrincipal().Id;
        var now = Clock.GetUtcNow();

        var prepared = new List<PreparedLine>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = PreparedLine.Of(i, bulk ? $"prices[{i}]." : "", lines[i], now);
            if (line.EffectiveTo <= line.EffectiveFrom)
            {
                return ([], ApiProblem.Validation(line.Field("effective_to"), "must be after effective_from (now when it is left out)"));
            }
            prepared.Add(line);
        }

        var references = await References.LoadAsync(this, orgcode, prepared, ct);
        var policy = (await Policies.GetAsync(orgcode, PricingPolicy.TheKey, ct: ct))?.Record ?? PricingPolicy.Default;
        var loaded = await Entries.LoadManyAsync(orgcode, prepared.Select(l => l.Key).Distinct(StringComparer.Ordinal).ToList(), ct);
        var works = new Dictionary<string, EntryWork>(StringComparer.Ordinal);
        var approvals = new List<PriceApproval>();
        var decided = new List<(PreparedLine Line, PriceWindow Window, PriceApproval? Approval, IReadOnlyList<string> Reasons)>(prepared.Count);

        foreach (var line in prepared)
        {
            var (list, refused) = await references.CheckAsync(this, orgcode, line, ct);
            if (refused is not null)
            {
                return ([], refused);
            }
            if (!works.TryGetValue(line.Key, out var work))
            {
                var current = loaded.GetValueOrDefault(line.Key);
                work = new EntryWork(current, current?.Record ?? new PriceEntry
                {
                    VariantGuid = line.VariantGuid,
                    PriceListCode = line.PriceListCode,
                    PriceZoneCode = line.PriceZoneCode,
                    UomCode = line.UomCode,
                    Currency = list!.Currency,
                });
                works[line.Key] = work;
            }
            var entry = work.Entry;
            // A window written earlier in this call is not one the caller could have read: meeting it again is an overlap.
            var changed = entry.Windows.FirstOrDefault(w => w.Status == PriceWindowStatus.Active && PriceRules.IsSameWindow(w, line.EffectiveFrom, line.EffectiveTo)
                && !work.WrittenHere.Contains(w.WindowId));
            if ((changed is not null || line.ExpectedRevision is not null) && RevisionProblem(work.Loaded, line) is { } stale)
            {
                return ([], stale);
            }
            if (entry.Windows.FirstOrDefault(w => w != changed && PriceRules.HoldsTime(w) && PriceRules.Overlaps(w, line.EffectiveFrom, line.EffectiveTo)) is { } other)
            {
                return ([], WithField(PpmProblems.PriceWindowOverlap(
                    $"The {SnakeCase.Name(other.Status)} window [{other.EffectiveFrom:O}, {other.EffectiveTo?.ToString("O") ?? "open"}) of {line.Key} overlaps this one."),
                    line.Field("effective_from")));
            }
            var reference = PriceRules.Reference(entry, changed, line.EffectiveFrom);
            var cost = line.CostMinor ?? changed?.CostMinor;
            IReadOnlyList<string> reasons = submit ? [PriceRules.Submitted] : PriceRules.ApprovalReasons(policy, reference?.AmountMinor, line.AmountMinor, cost ?? reference?.CostMinor);
            var pending = reasons.Count > 0;
            var window = new PriceWindow(Ids.New(), line.AmountMinor, cost, line.EffectiveFrom, line.EffectiveTo,
                pending ? PriceWindowStatus.PendingApproval : PriceWindowStatus.Active, pending ? Ids.New() : null, actor, now, line.Note);
            work.WrittenHere.Add(window.WindowId);
            PriceApproval? approval = null;
            if (pending)
            {
                work.Entry = entry with { Windows = [.. entry.Windows, window] };
                approval = new PriceApproval
                {
                    ApprovalGuid = window.ApprovalGuid!,
                    PriceKey = line.Key,
                    VariantGuid = line.VariantGuid,
                    PriceListCode = line.PriceListCode,
                    PriceZoneCode = line.PriceZoneCode,
                    UomCode = line.UomCode,
                    Currency = entry.Currency,
                    WindowId = window.WindowId,
                    FromAmountMinor = reference?.AmountMinor,
                    ToAmountMinor = line.AmountMinor,
                    CostMinor = cost,
                    EffectiveFrom = line.EffectiveFrom,
                    EffectiveTo = line.EffectiveTo,
                    Reasons = reasons,
                    SubmittedBy = actor,
                    SubmittedAt = now,
                    Note = line.Note,
                };
                approvals.Add(approval);
            }
            else
            {
                work.Entry = entry with { Windows = [.. entry.Windows.Where(w => w != changed), window] };
                work.Activated.Add((window, changed?.AmountMinor));
            }
            decided.Add((line, window, approval, reasons));
        }

        var batch = new RecordBatch();
        var staged = new Dictionary<string, PriceEntry>(StringComparer.Ordinal);
        foreach (var (key, work) in works)
        {
            var revision = (work.Loaded?.Record.Revision ?? 0) + 1;
            var events = work.Activated.Select(a => PriceEvents.Changed(orgcode, work.Entry, a.Window, a.Previous, revision)).ToList();
            staged[key] = work.Loaded is null
                ? Entries.Create(batch, orgcode, work.Entry, events)
                : Entries.Update(batch, orgcode, work.Loaded, work.Entry, events: events);
        }
        var stagedApprovals = approvals.ToDictionary(a => a.ApprovalGuid,
            a => Approvals.Create(batch, orgcode, a, [PriceEvents.Approval(PpmEvents.ApprovalSubmitted, orgcode, a)]), StringComparer.Ordinal);
        var commit = await batch.CommitAsync(ct);
        if (!commit.Succeeded)
        {
            return ([], commit.Problem());
        }
        return (decided.Select(d => new PriceWritten(d.Line.Index, staged[d.Line.Key], d.Window,
            d.Approval is null ? null : stagedApprovals[d.Approval.ApprovalGuid], d.Reasons)).ToList(), null);
    }

    /// <summary>
    /// The contract's revision check for a line that changes a window or names a revision: with no entry yet, absent or 0
    /// passes and any other is 409 at revision 0.
    /// </summary>
    private static ProblemHttpResult? RevisionProblem(Loaded<PriceEntry>? loaded, PreparedLine line)
    {
        if (loaded is null)
        {
            return line.ExpectedRevision is null or 0 ? null : WithField(ApiProblem.RevisionMismatch(0), line.Field("expected_revision"));
        }
        var (_, problem) = RecordStore<PriceEntry>.CheckRevision(loaded, line.ExpectedRevision);
        if (problem is null)
        {
            return null;
        }
        if (problem.ProblemDetails.Extensions.ContainsKey("errors"))
        {
            problem.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [line.Field("expected_revision")] = ["is required to change a window"] };
        }
        return WithField(problem, line.Field("expected_revision"));
    }

    /// <summary>Names the field (with its line in a bulk set) a problem is about.</summary>
    internal static ProblemHttpResult WithField(ProblemHttpResult problem, string field)
    {
        problem.ProblemDetails.Extensions["field"] = field;
        return problem;
    }

    private sealed class EntryWork(Loaded<PriceEntry>? loaded, PriceEntry entry)
    {
        public Loaded<PriceEntry>? Loaded { get; } = loaded;

        public PriceEntry Entry { get; set; } = entry;

        public HashSet<string> WrittenHere { get; } = new(StringComparer.Ordinal);

        public List<(PriceWindow Window, long? Previous)> Activated { get; } = [];
    }

    /// <summary>The lists, zones, units and variants a call names, each read once (variants in one read of PPM's projection).</summary>
    private sealed class References
    {
        private readonly Dictionary<string, PriceList?> _lists = new(StringComparer.Ordinal);
        private readonly Dictionary<string, PriceZone?> _zones = new(StringComparer.Ordinal);
        private Dictionary<string, Uom> _uoms = [];
        private Dictionary<string, CatalogVariant> _variants = [];
        private readonly HashSet<string> _variantsChecked = new(StringComparer.Ordinal);

        public static async Task<References> LoadAsync(PriceWrites writes, string orgcode, IReadOnlyList<PreparedLine> lines, CancellationToken ct)
        {
            var references = new References();
            foreach (var code in lines.Select(l => l.PriceListCode).Distinct(StringComparer.Ordinal))
            {
                references._lists[code] = (await writes.Lists.FindAsync(orgcode, PriceList.CodeName, code, ct))?.Record;
            }
            foreach (var code in lines.Select(l => l.PriceZoneCode).Where(z => z != PriceEntry.NoZone).Distinct(StringComparer.Ordinal))
            {
                references._zones[code] = (await writes.Zones.FindAsync(orgcode, PriceZone.CodeName, code, ct))?.Record;
            }
            var units = lines.Select(l => l.UomCode).Where(u => u != Uom.Each).Distinct(StringComparer.Ordinal).ToList();
            if (units.Count > 0)
            {
                references._uoms = (await writes.Uoms.GetManyAsync(orgcode, units, ct: ct)).ToDictionary(u => u.UomCode, StringComparer.Ordinal);
            }
            references._variants = (await writes.Variants.GetManyAsync(orgcode, lines.Select(l => l.VariantGuid).Distinct(StringComparer.Ordinal).ToList(), ct: ct))
                .ToDictionary(v => v.VariantGuid, StringComparer.Ordinal);
            return references;
        }

        /// <summary>The line's list, or the first problem of its references in the order a reader checks them.</summary>
        public async Task<(PriceList? List, ProblemHttpResult? Problem)> CheckAsync(PriceWrites writes, string orgcode, PreparedLine line, CancellationToken ct)
        {
            var field = line.Field("price_list_code");
            if (_lists[line.PriceListCode] is not { } list)
            {
                return (null, PpmProblems.UnknownReference(field, $"No price list '{line.PriceListCode}' in this org."));
            }
            if (list.Status != MasterStatus.Active)
            {
                return (null, PpmProblems.ReferenceNotActive(field, $"Price list '{list.PriceListCode}' is {SnakeCase.Name(list.Status)}."));
            }
            if (!string.Equals(list.Currency, line.Currency, StringComparison.OrdinalIgnoreCase))
            {
                return (null, PpmProblems.CurrencyMismatch(line.Field("currency"),
                    $"Price list '{list.PriceListCode}' is in {list.Currency}; the price is in {line.Currency}."));
            }
            if (line.PriceZoneCode != PriceEntry.NoZone)
            {
                field = line.Field("price_zone_code");
                if (_zones[line.PriceZoneCode] is not { } zone)
                {
                    return (null, PpmProblems.UnknownReference(field, $"No price zone '{line.PriceZoneCode}' in this org."));
                }
                if (zone.Status != MasterStatus.Active)
                {
                    return (null, PpmProblems.ReferenceNotActive(field, $"Price zone '{zone.PriceZoneCode}' is {SnakeCase.Name(zone.Status)}."));
                }
            }
            if (line.UomCode != Uom.Each)
            {
                field = line.Field("uom_code");
                if (!_uoms.TryGetValue(line.UomCode, out var uom))
                {
                    return (null, PpmProblems.UnknownReference(field, $"No unit '{line.UomCode}' in this org."));
                }
                if (uom.Status != MasterStatus.Active)
                {
                    return (null, PpmProblems.ReferenceNotActive(field, $"Unit '{uom.UomCode}' is {SnakeCase.Name(uom.Status)}."));
                }
            }
            if (_variantsChecked.Add(line.VariantGuid)
                && !(_variants.TryGetValue(line.VariantGuid, out var known) && known.VariantRevision > 0 && known.Status != "retired"))
            {
                // Not in the projection yet (PVM is asked once), or retired: the catalog's own check answers.
                var (_, problem) = await writes.Catalog.CheckAsync(orgcode, line.VariantGuid, line.Field("variant_guid"), VariantNeed.NotRetired, ct);
                if (problem is not null)
                {
                    return (null, problem);
                }
            }
            return (list, null);
        }
    }
}

/// <summary>A request line normalized: codes lower case, currency upper case, zone <c>*</c> and unit <c>each</c> when absent, from defaulted to now.</summary>
internal sealed record PreparedLine(int Index, string Prefix, string VariantGuid, string PriceListCode, string PriceZoneCode, string UomCode,
    string Currency, long AmountMinor, long? CostMinor, DateTimeOffset EffectiveFrom, DateTimeOffset? EffectiveTo, string? Note, long? ExpectedRevision)
{
    public string Key { get; } = PriceEntry.KeyOf(VariantGuid, PriceListCode, PriceZoneCode, UomCode);

    public string Field(string name) => Prefix + name;

    public static PreparedLine Of(int index, string prefix, IPriceLine line, DateTimeOffset now) => new(
        index,
        prefix,
        Guid.Parse(line.VariantGuid!).ToString(),
        Codes.Normalize(line.PriceListCode),
        line.PriceZoneCode is null ? PriceEntry.NoZone : Codes.Normalize(line.PriceZoneCode),
        line.UomCode is null ? Uom.Each : Codes.Normalize(line.UomCode),
        line.Currency!.Trim().ToUpperInvariant(),
        line.AmountMinor!.Value,
        line.CostMinor,
        (line.EffectiveFrom ?? now).ToUniversalTime(),
        line.EffectiveTo?.ToUniversalTime(),
        RequestRules.Trimmed(line.Note),
        line.ExpectedRevision);
}
