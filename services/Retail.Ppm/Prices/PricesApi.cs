using Retail.Ppm.Uoms;

namespace Retail.Ppm.Prices;

/// <summary>An entry as the API shows it: its key, every window, the active one at the time asked (<c>in_effect</c>), its history when asked.</summary>
public sealed record PriceEntryView(string PriceKey, string VariantGuid, string PriceListCode, string PriceZoneCode, string UomCode, string Currency,
    IReadOnlyList<PriceWindow> Windows, PriceWindow? InEffect, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    Page<HistoryEntry>? History)
{
    public static PriceEntryView Of(PriceEntry entry, DateTimeOffset at, Page<HistoryEntry>? history = null) =>
        new(entry.Key, entry.VariantGuid, entry.PriceListCode, entry.PriceZoneCode, entry.UomCode, entry.Currency, entry.Windows,
            PriceRules.InEffect(entry, at), entry.Revision, entry.CreatedAt, entry.UpdatedAt, history);
}

/// <summary>
/// A single set's answer: the entry as written, and the window the set wrote with its status: <c>active</c>, or
/// <c>pending_approval</c> with the approval that waits for an admin and why.
/// </summary>
public sealed record PriceSetAnswer(string PriceKey, string VariantGuid, string PriceListCode, string PriceZoneCode, string UomCode, string Currency,
    IReadOnlyList<PriceWindow> Windows, long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string WindowId, PriceWindowStatus Status,
    string? ApprovalGuid, IReadOnlyList<string> Reasons)
{
    public static PriceSetAnswer Of(PriceWritten written)
    {
        var entry = written.Entry;
        return new(entry.Key, entry.VariantGuid, entry.PriceListCode, entry.PriceZoneCode, entry.UomCode, entry.Currency, entry.Windows, entry.Revision,
            entry.CreatedAt, entry.UpdatedAt, written.Window.WindowId, written.Window.Status, written.Window.ApprovalGuid, written.Reasons);
    }
}

/// <summary>One line of a bulk set's answer, in request order: the entry's revision after the call and the written window's status.</summary>
public sealed record PriceSetLine(int Index, string PriceKey, long Revision, string WindowId, PriceWindowStatus Status, string? ApprovalGuid,
    IReadOnlyList<string> Reasons)
{
    public static PriceSetLine Of(PriceWritten written) => new(written.Index, written.Entry.Key, written.Entry.Revision, written.Window.WindowId,
        written.Window.Status, written.Window.ApprovalGuid, written.Reasons);
}

public sealed record PriceSetBulkAnswer(IReadOnlyList<PriceSetLine> Prices);

/// <summary>
/// Prices (UC-PPM-001): one entry per variant, list, zone (<c>*</c>: the list's own price) and unit, holding its windows.
/// A set adds a window or changes one (the same from and to, with the entry's revision); another overlap is 409
/// <c>price_window_overlap</c>. A change beyond the policy's thresholds waits for an admin (UC-PPM-002) and the price
/// in effect stays. Reads are by key, or a variant's or a list's entries through their indexes.
/// </summary>
public static class PricesApi
{
    /// <summary>A full bulk set of 1000 lines with notes stays well under this.</summary>
    public const long MaxSetBodyBytes = 2 * 1024 * 1024;

    public static IEndpointRouteBuilder MapPrices(this IEndpointRouteBuilder routes)
    {
        var prices = routes.MapGroup("/price").WithTags("Prices");
        prices.MapPost("/set", Set).RequireRole(Role.Member).AsWrite().WithBodyLimit(MaxSetBodyBytes)
            .WithSummary("Set one price, or up to 1000 in prices (all or none); a change beyond the policy's thresholds waits for approval (202).")
            .WithDescription("200 answers one price as its entry with the written window's status (PriceSetAnswer), or a bulk set as prices[] with "
                + "each line's status (PriceSetBulkAnswer); 202 answers one price that waits for approval (PriceSetAnswer with approval_guid).");
        prices.MapPost("/get", Get).RequireRole(Role.Viewer)
            .WithSummary("Read the price entry of a variant, list, zone and unit: every window, the one in effect at `at`, and its history when asked.");
        prices.MapPost("/list", List).RequireRole(Role.Viewer)
            .WithSummary("List the price entries of a variant, or of a list (and zone), optionally only those with a window of a status.");
        return routes;
    }

    public static async Task<Results<Ok<PriceSetAnswer>, Accepted<PriceSetAnswer>, Ok<PriceSetBulkAnswer>, ProblemHttpResult>> Set(SetPriceRequest request,
        [AsParameters] PriceWrites writes, CancellationToken ct)
    {
        var bulk = request.Prices is not null;
        IReadOnlyList<IPriceLine> lines = bulk ? request.Prices! : [request];
        var (written, problem) = await writes.SetAsync(lines, bulk, submit: false, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (bulk)
        {
            return TypedResults.Ok(new PriceSetBulkAnswer(written.Select(PriceSetLine.Of).ToList()));
        }
        var answer = PriceSetAnswer.Of(written[0]);
        return written[0].Approval is null ? TypedResults.Ok(answer) : TypedResults.Accepted((string?)null, answer);
    }

    public static async Task<Results<Ok<PriceEntryView>, ProblemHttpResult>> Get(GetPriceRequest request, RecordStore<PriceEntry> entries,
        RequestContext context, TimeProvider clock, CancellationToken ct)
    {
        var orgcode = context.RequireOrgcode();
        var key = PriceEntry.KeyOf(Guid.Parse(request.VariantGuid!).ToString(), Codes.Normalize(request.PriceListCode), ZoneOf(request.PriceZoneCode),
            request.UomCode is null ? Uom.Each : Codes.Normalize(request.UomCode));
        if (await entries.GetAsync(orgcode, key, ct: ct) is not { } loaded)
        {
            return ApiProblem.NotFound("No price for this variant, list, zone and unit.");
        }
        var history = request.IncludeHistory == true ? await entries.HistoryAsync(orgcode, key, Paging.LimitOf(request), request.NextToken, ct) : null;
        return TypedResults.Ok(PriceEntryView.Of(loaded.Record, request.At ?? clock.GetUtcNow(), history));
    }

    public static async Task<Ok<Page<PriceEntryView>>> List(ListPricesRequest request, RecordStore<PriceEntry> entries, RequestContext context,
        TimeProvider clock, CancellationToken ct)
    {
        var filters = new List<StateFilter>();
        if (request.VariantGuid is not null)
        {
            filters.Add(StateFilter.Eq("variant_guid", Guid.Parse(request.VariantGuid).ToString()));
        }
        if (request.PriceListCode is not null)
        {
            filters.Add(StateFilter.Eq("price_list_code", Codes.Normalize(request.PriceListCode)));
        }
        if (request.PriceZoneCode is not null)
        {
            filters.Add(StateFilter.Eq("price_zone_code", ZoneOf(request.PriceZoneCode)));
        }
        var page = await entries.ListAsync(context.RequireOrgcode(), filters, Paging.LimitOf(request), request.NextToken, ct: ct);
        var at = request.At ?? clock.GetUtcNow();
        // A status filter keeps the page's entries holding such a window: a page may come back shorter than the limit.
        var items = page.Items.Where(e => request.Status is not { } status || e.Windows.Any(w => w.Status == status))
            .Select(e => PriceEntryView.Of(e, at)).ToList();
        return TypedResults.Ok(new Page<PriceEntryView>(items, page.NextToken));
    }

    private static string ZoneOf(string? zone) => zone is null || zone.Trim() == PriceEntry.NoZone ? PriceEntry.NoZone : Codes.Normalize(zone);
}
