namespace Retail.Shared.OrgData;

/// <summary>
/// The org-data port every service takes part in offboarding through (UTL, issue 22): export every record of an org (with
/// history), purge all of it in bounded batches, idempotently, and verify that nothing is left. Hosting maps the three
/// internal operations below on every module, so a new service cannot forget them; what a service holds beyond its
/// records (projections, ledgers in side tables, blobs, search indexes) it adds as <see cref="IOrgDataPart"/>s.
/// In Dapr mode UTL's workflow activities call them through service invocation, in the host through the same HTTP path.
/// </summary>
public static class OrgDataPaths
{
    /// <summary>POST, internal, <c>x-orgcode</c>: one page of the org's data as NDJSON-ready items (<see cref="OrgExportRequest"/>).</summary>
    public const string Export = "/orgdata/export";

    /// <summary>POST, internal, <c>x-orgcode</c>: delete up to <c>limit</c> items of the org's data (<see cref="OrgPurgeRequest"/>).</summary>
    public const string Purge = "/orgdata/purge";

    /// <summary>POST, internal, <c>x-orgcode</c>: what is left of the org's data, per part (must be zero after a purge).</summary>
    public const string Verify = "/orgdata/verify";
}

/// <summary>One part of what a service holds for an org: <c>records</c> (built in), or a projection, a ledger, blobs.</summary>
public interface IOrgDataPart
{
    /// <summary>The part's name, unique within the service ("records", "storefront", "blobs").</summary>
    string Part { get; }

    /// <summary>A page of the org's items in a stable order, from <paramref name="token"/> (null: the start).</summary>
    Task<OrgExportPage> ExportAsync(string orgcode, string? token, int limit, CancellationToken ct);

    /// <summary>Deletes up to <paramref name="limit"/> of the org's items; safe to repeat; done when nothing is left.</summary>
    Task<OrgPurgeStep> PurgeAsync(string orgcode, int limit, CancellationToken ct);

    /// <summary>How many of the org's items are left.</summary>
    Task<long> CountAsync(string orgcode, CancellationToken ct);
}

/// <summary>One exported item: the part and kind it comes from (a record's entity, "history", "unique"), its key and its JSON.</summary>
public sealed record OrgDataItem(string Part, string Kind, string Key, System.Text.Json.JsonElement Value);

public sealed record OrgExportPage(IReadOnlyList<OrgDataItem> Items, string? NextToken);

public sealed record OrgPurgeStep(long Deleted, bool Done);

/// <summary>The body of <see cref="OrgDataPaths.Export"/>: which part, from where, how many (default 500, at most 5,000).</summary>
public sealed record OrgExportRequest(string? Part, string? Token, int? Limit);

/// <summary>The answer of <see cref="OrgDataPaths.Export"/>; <c>next_token</c> null when the part (and the service) is done.</summary>
public sealed record OrgExportResponse(string App, IReadOnlyList<OrgDataItem> Items, string? NextPart, string? NextToken);

/// <summary>The body of <see cref="OrgDataPaths.Purge"/>: at most <c>limit</c> deletions in this call (default 1,000).</summary>
public sealed record OrgPurgeRequest(int? Limit);

public sealed record OrgPurgeResponse(string App, long Deleted, bool Done);

public sealed record OrgPartCount(string Part, long Count);

/// <summary>The answer of <see cref="OrgDataPaths.Verify"/>: what is left, in total and per part.</summary>
public sealed record OrgVerifyResponse(string App, long Total, IReadOnlyList<OrgPartCount> Parts);
