using FluentValidation;
using FluentValidation.Results;
using Retail.Ics.Catalog;
using Retail.Ics.Facilities;
using Retail.Ics.Stock;
using Retail.Shared;
using Retail.Shared.Bulk;

namespace Retail.Ics.Bulk;

public sealed record OpeningStockRow(string? FacilityCode, string? VariantGuid, long? Quantity, string? BinCode);

/// <summary>
/// <c>ics.opening_stock</c>, keyed by <c>facility_code:variant_guid</c>: received into <c>available</c> through the stock
/// ledger (movements with reason <c>opening_stock</c>, <c>stock.changed</c> events), with an <see cref="OpeningStock"/>
/// record in the same transaction. Idempotent per (facility, variant): the same quantity again is <c>unchanged</c>, and
/// another quantity is rejected (<c>opening_stock_booked</c>): stock that was counted once is corrected by an adjustment,
/// not by booking the opening again. The facility is an active logical facility, the variant one PVM knows and has not
/// retired (as a receipt checks). The ledger takes at most 500 movements per change, so a call of more is written in
/// changes of 500 (each all or nothing; a re-run completes a call cut short).
/// </summary>
public sealed class OpeningStockBulk(RecordStore<OpeningStock> openings, StockLedger ledger, VariantCatalog catalog, FacilityCheck facilities)
    : BulkEntity<OpeningStockRow>("ics.opening_stock", ["facility_code", "variant_guid"], ["facility_code", "variant_guid", "quantity"])
{
    public const string Booked = "opening_stock_booked";
    private static readonly Rules Check = new();

    public override IReadOnlyCollection<string> ExportFilters => ["facility_code"];

    protected override ValidationResult Validate(OpeningStockRow row) => Check.Validate(row);

    protected override OpeningStockRow Normalize(OpeningStockRow row) => row with
    {
        FacilityCode = Codes.Normalize(row.FacilityCode),
        VariantGuid = StockRules.Guid(row.VariantGuid),
        BinCode = row.BinCode is null ? null : Codes.Normalize(row.BinCode),
    };

    protected override string KeyOf(OpeningStockRow row) => OpeningStock.KeyOf(row.FacilityCode!, row.VariantGuid!);

    protected override async Task StageAsync(string orgcode, IReadOnlyList<BulkRow<OpeningStockRow>> rows, BulkChanges changes, CancellationToken ct)
    {
        var booked = await openings.LoadManyAsync(orgcode, rows.Select(r => r.Key).ToList(), ct);
        var facilityProblems = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var facility in rows.Select(r => r.Row.FacilityCode!).Distinct(StringComparer.Ordinal))
        {
            facilityProblems[facility] = await facilities.ProblemAsync(orgcode, facility, "facility_code", ct) is { } problem
                ? problem.ProblemDetails.Detail : null;
        }
        var known = await catalog.GetManyAsync(orgcode, rows.Where(r => !booked.ContainsKey(r.Key)).Select(r => r.Row.VariantGuid!), ct);
        var toBook = new List<(BulkRow<OpeningStockRow> Row, OpeningStock Opening)>();
        foreach (var row in rows)
        {
            var r = row.Row;
            if (booked.GetValueOrDefault(row.Key)?.Record is { } done)
            {
                if (done.Quantity == r.Quantity && done.BinCode == r.BinCode)
                {
                    changes.Upsert(openings, orgcode, row, booked[row.Key], done);
                }
                else
                {
                    changes.Reject(row, Booked, $"The opening stock of this variant here was booked as {done.Quantity}; correct it with an adjustment.", "quantity");
                }
                continue;
            }
            if (facilityProblems[r.FacilityCode!] is { } noFacility)
            {
                changes.Reject(row, BulkProblems.UnknownReference, noFacility, "facility_code");
                continue;
            }
            if (known.GetValueOrDefault(r.VariantGuid!) is not { } variant)
            {
                changes.Reject(row, BulkProblems.UnknownReference, $"No variant '{r.VariantGuid}' in this org.", "variant_guid");
                continue;
            }
            if (variant.Status == "retired")
            {
                changes.Reject(row, "reference_not_active", $"Variant '{variant.VariantCode ?? r.VariantGuid}' is retired.", "variant_guid");
                continue;
            }
            toBook.Add((row, new OpeningStock
            {
                FacilityCode = r.FacilityCode!,
                VariantGuid = r.VariantGuid!,
                Quantity = r.Quantity!.Value,
                BinCode = r.BinCode,
                ChangeGuid = Ids.New(),
            }));
        }
        if (changes.DryRun)
        {
            foreach (var (row, opening) in toBook)
            {
                changes.Upsert(openings, orgcode, row, null, opening);
            }
            return;
        }
        foreach (var chunk in toBook.Chunk(StockLedger.MaxMovesPerChange))
        {
            var changeGuid = Ids.New();
            var moves = chunk.Select(c => new StockMove(c.Opening.FacilityCode, c.Opening.VariantGuid, null, StockState.Available, c.Opening.Quantity,
                ToBin: c.Opening.BinCode)).ToList();
            var why = new MoveReason("opening_stock", new StockReference("opening_stock", changeGuid), null, changeGuid);
            var result = await ledger.ApplyAsync(orgcode, moves, why, (batch, _) =>
            {
                foreach (var (_, opening) in chunk)
                {
                    openings.Create(batch, orgcode, opening with { ChangeGuid = changeGuid });
                }
            }, ct);
            foreach (var (row, _) in chunk)
            {
                if (result.Succeeded)
                {
                    changes.Decided(row, BulkOutcomes.Created);
                }
                else
                {
                    changes.Reject(row, result.Problem!.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code?.ToString() ?? "ledger_refused" : "ledger_refused",
                        result.Problem.ProblemDetails.Detail ?? "The stock ledger refused the change.");
                }
            }
        }
    }

    public override async Task<BulkExportPage> ExportAsync(string orgcode, IReadOnlyDictionary<string, string> filters, int limit, string? token,
        CancellationToken ct)
    {
        var page = await openings.ListAsync(orgcode, EqualityFilters(filters.ToDictionary(f => f.Key, f => Codes.Normalize(f.Value))), limit, token, ct: ct);
        return new BulkExportPage(page.Items.Select(o => new OpeningStockRow(o.FacilityCode, o.VariantGuid, o.Quantity, o.BinCode)).ToList<object>(),
            page.NextToken);
    }

    public override async Task<BulkKeysResponse> KeysAsync(string orgcode, IReadOnlyList<string> keys, CancellationToken ct)
    {
        var found = await openings.LoadManyAsync(orgcode, keys, ct);
        return new BulkKeysResponse(keys.Where(found.ContainsKey).ToList(), keys.Where(k => !found.ContainsKey(k)).ToList());
    }

    public override Task<long> CountAsync(string orgcode, CancellationToken ct) => CountLiveAsync(openings, orgcode, ct);

    private sealed class Rules : AbstractValidator<OpeningStockRow>
    {
        public Rules()
        {
            RuleFor(r => r.FacilityCode).BusinessCode();
            RuleFor(r => r.VariantGuid).RequiredGuid();
            RuleFor(r => r.Quantity).Quantity();
            RuleFor(r => r.BinCode).OptionalCode();
        }
    }
}
