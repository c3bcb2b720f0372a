using Retail.Pcm.Buying;
using Retail.Pcm.Sources;
using Retail.Shared;

namespace Retail.Pcm.Receiving.Consignment;

/// <summary>
/// Consignment settlement: what a vendor's consigned stock at a facility came to in ICS (consumed, not yet settled) is
/// settled there and owed to the vendor as a payable <see cref="ConsignmentSettlement"/>.
/// </summary>
public static class ConsignmentApi
{
    /// <summary>The ICS reference kind of a settlement (the ledger's last_settlement).</summary>
    public const string ReferenceKind = "pcm_settlement";

    private const int MaxLedgerPages = 10;

    public static RouteGroupBuilder MapConsignmentEndpoints(this IEndpointRouteBuilder routes)
    {
        var consignment = routes.MapGroup("/consignment").WithTags("Consignment");
        consignment.MapPost("/settle", Settle).RequireRole(Role.Admin).AsWrite()
            .WithSummary("Settle a vendor's consumed consignment stock at a facility: exactly what ICS counts consumed and not settled, settled there and owed as a payable (422 nothing_to_settle).");
        consignment.MapPost("/get", Get).RequireRole(Role.Viewer).WithSummary("A consignment settlement with its lines and amounts.");
        consignment.MapPost("/list", List).RequireRole(Role.Viewer).WithSummary("Consignment settlements newest first, by vendor and status.");
        return consignment;
    }

    public static async Task<Results<Created<ConsignmentSettlement>, ProblemHttpResult>> Settle(SettleConsignmentRequest request, PcmSources sources,
        RecordStore<ConsignmentSettlement> settlements, RecordStore<PurchaseOrder> pos, RequestContext context, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var facilityCode = Codes.Normalize(request.FacilityCode);
        try
        {
            var vendor = await sources.VendorAsync(orgcode, request.VendorGuid?.Trim().ToLowerInvariant(), request.VendorCode is null ? null : Codes.Normalize(request.VendorCode), ct);
            if (vendor is null)
            {
                return PcmProblems.UnknownReference(request.VendorGuid is null ? "vendor_code" : "vendor_guid", "No such vendor in this org.");
            }
            var only = request.VariantGuids?.Select(v => v.Trim().ToLowerInvariant()).ToHashSet();
            var open = (await LedgersAsync(sources, orgcode, facilityCode, vendor.VendorCode, ct))
                .Where(l => l.Unsettled > 0 && (only is null || only.Contains(l.VariantGuid)))
                .OrderBy(l => l.VariantGuid, StringComparer.Ordinal)
                .ToList();
            if (open.Count == 0)
            {
                return PcmProblems.NothingToSettle($"Vendor {vendor.VendorCode} has no consumed consignment stock left to settle at {facilityCode}.");
            }
            var currency = request.Currency?.Trim().ToUpperInvariant() ?? vendor.Terms?.Currency?.ToUpperInvariant();
            var given = (request.UnitCosts ?? []).ToDictionary(c => c.VariantGuid!.Trim().ToLowerInvariant(), c => c.UnitCostMinor!.Value);
            var fromPos = open.Any(l => !given.ContainsKey(l.VariantGuid))
                ? await LatestPoCostsAsync(pos, orgcode, vendor.VendorGuid, currency, ct)
                : new Dictionary<string, (long UnitCostMinor, string Currency)>();
            currency ??= fromPos.Values.Select(v => v.Currency).FirstOrDefault();
            var missing = open.Where(l => !given.ContainsKey(l.VariantGuid) && !fromPos.ContainsKey(l.VariantGuid)).Select(l => l.VariantGuid).ToList();
            if (missing.Count > 0 || currency is null)
            {
                return PcmProblems.UnitCostRequired(currency is null
                    ? "Give the currency (the vendor's terms name none) and unit costs."
                    : $"No unit cost given and no PO line of vendor {vendor.VendorCode} in {currency} for: {string.Join(", ", missing)}.", missing);
            }
            var lines = open.Select(l => given.TryGetValue(l.VariantGuid, out var cost)
                    ? new SettlementLine(l.VariantGuid, l.Unsettled, cost, l.Unsettled * cost, CostSource.Given)
                    : new SettlementLine(l.VariantGuid, l.Unsettled, fromPos[l.VariantGuid].UnitCostMinor, l.Unsettled * fromPos[l.VariantGuid].UnitCostMinor,
                        CostSource.PurchaseOrder))
                .ToList();
            var settlement = new ConsignmentSettlement
            {
                SettlementGuid = Ids.New(),
                VendorGuid = vendor.VendorGuid,
                VendorCode = vendor.VendorCode,
                FacilityCode = facilityCode,
                Currency = currency,
                Lines = lines,
                TotalMinor = lines.Sum(l => l.AmountMinor),
                Note = RequestRules.Trimmed(request.Note),
                SettledBy = context.RequirePrincipal().Id,
            };
            foreach (var line in lines)
            {
                await sources.SendAsync<IcsConsignmentLedger>(orgcode, PcmSources.Ics, "/consignment/settle", new
                {
                    facility_code = facilityCode,
                    vendor_code = vendor.VendorCode,
                    variant_guid = line.VariantGuid,
                    quantity = line.Quantity,
                    reference = new { kind = ReferenceKind, id = settlement.SettlementGuid },
                }, $"{settlement.SettlementGuid}:{line.VariantGuid}", ct);
            }
            var settled = new ConsignmentSettled(orgcode, settlement.SettlementGuid, settlement.VendorGuid, settlement.VendorCode, facilityCode, currency,
                settlement.TotalMinor, lines);
            return (await settlements.CreateAsync(orgcode, settlement,
                [new DomainEvent(PcmEvents.ConsignmentSettled, settled, $"consignment_settlement/{settlement.SettlementGuid}")], ct)).ToCreated();
        }
        catch (SourceRefusedException refused)
        {
            return ApiProblem.Create(refused.Status == 409 ? 409 : 422, refused.Code, "ICS refused the settlement.", refused.Detail);
        }
        catch (SourceUnavailableException)
        {
            return ApiProblem.DependencyUnavailable(PcmSources.Ics);
        }
    }

    /// <summary>The vendor's ledgers at the facility, every page (a facility holds a bounded number of a vendor's variants).</summary>
    private static async Task<List<IcsConsignmentLedger>> LedgersAsync(PcmSources sources, string orgcode, string facilityCode, string vendorCode,
        CancellationToken ct)
    {
        var all = new List<IcsConsignmentLedger>();
        string? token = null;
        for (var page = 0; page < MaxLedgerPages; page++)
        {
            var answer = await sources.SendAsync<IcsPage<IcsConsignmentLedger>>(orgcode, PcmSources.Ics, "/consignment/ledger/list",
                new { facility_code = facilityCode, vendor_code = vendorCode, limit = Paging.MaxLimit, next_token = token }, null, ct);
            all.AddRange(answer.Items);
            if ((token = answer.NextToken) is null)
            {
                break;
            }
        }
        return all;
    }

    /// <summary>
    /// Each variant's unit cost on the vendor's newest POs (one page of them, newest first), in the currency when it is
    /// known: a cheap default for costs not given, not a search through every PO.
    /// </summary>
    private static async Task<Dictionary<string, (long UnitCostMinor, string Currency)>> LatestPoCostsAsync(RecordStore<PurchaseOrder> pos, string orgcode,
        string vendorGuid, string? currency, CancellationToken ct)
    {
        var page = await pos.ListAsync(orgcode, [StateFilter.Eq("vendor_guid", vendorGuid)], Paging.DefaultLimit,
            sort: [new StateSort("created_ms", Descending: true)], ct: ct);
        var costs = new Dictionary<string, (long UnitCostMinor, string Currency)>(StringComparer.Ordinal);
        foreach (var po in page.Items.Where(p => p.Status is not (PoStatus.Draft or PoStatus.Cancelled) && (currency is null || p.Currency == currency)))
        {
            foreach (var line in po.Lines)
            {
                costs.TryAdd(line.VariantGuid, (line.UnitCostMinor, po.Currency));
            }
        }
        return costs;
    }

    public static async Task<Results<Ok<ConsignmentSettlement>, ProblemHttpResult>> Get(SettlementKeyRequest request, RecordStore<ConsignmentSettlement> settlements,
        RequestContext context, CancellationToken ct) =>
        await settlements.GetAsync(context.RequireOrgcode(), request.SettlementGuid!.Trim().ToLowerInvariant(), ct: ct) is { } loaded
            ? TypedResults.Ok(loaded.Record)
            : ApiProblem.NotFound("No such consignment settlement.");

    public static async Task<Ok<Page<ConsignmentSettlement>>> List(ListSettlementsRequest request, RecordStore<ConsignmentSettlement> settlements,
        RequestContext context, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.VendorGuid is { } vendor)
        {
            filters.Add(StateFilter.Eq("vendor_guid", vendor.Trim().ToLowerInvariant()));
        }
        if (request.Status is { } status)
        {
            filters.Add(StateFilter.Eq("status", status));
        }
        return TypedResults.Ok(await settlements.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken,
            sort: [new StateSort("created_ms", Descending: true)], ct: ct));
    }
}
