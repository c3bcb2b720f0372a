using System.Globalization;

namespace Retail.Ipm.Bulk;

/// <summary>
/// Continuation tokens: the slice a job continues with, sealed by the deployment's page-token key and bound to the org and the
/// job, so a token cannot be read, altered, forged, or used for another job or org.
/// </summary>
public sealed class BulkTokens(PageTokens tokens)
{
    private const string Prefix = "slice:";

    public async Task<string> SealAsync(string orgcode, string jobGuid, int slice, CancellationToken ct) =>
        (await tokens.SealAsync(Prefix + slice.ToString(CultureInfo.InvariantCulture), Bound(orgcode, jobGuid), ct))!;

    /// <summary>The slice a token continues with; null when this job did not issue it.</summary>
    public async Task<int?> OpenAsync(string orgcode, string jobGuid, string token, CancellationToken ct)
    {
        string? inner;
        try
        {
            inner = await tokens.OpenAsync(token, Bound(orgcode, jobGuid), ct);
        }
        catch (InvalidPageTokenException)
        {
            return null;
        }
        return inner is not null && inner.StartsWith(Prefix, StringComparison.Ordinal)
            && int.TryParse(inner.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var slice) ? slice : null;
    }

    /// <summary>
    /// The job a <c>continue</c> names, checked: a job of <paramref name="kind"/> in the org (404 otherwise), a token this job
    /// issued (400 <c>invalid_continuation_token</c>), and its next slice (409 <c>stale_continuation_token</c>). A token of a
    /// slice already processed answers that slice's result again as <c>Replay</c>, and nothing is done twice.
    /// </summary>
    public async Task<(Loaded<BulkJob>? Job, BulkContinueAnswer? Replay, ProblemHttpResult? Problem)> ContinueAsync(RecordStore<BulkJob> jobs,
        string orgcode, BulkContinueRequest request, BulkKind kind, CancellationToken ct)
    {
        var jobGuid = Guid.Parse(request.JobGuid!).ToString();
        var loaded = await jobs.GetAsync(orgcode, jobGuid, ct: ct);
        if (loaded is null || loaded.Record.Kind != kind)
        {
            return (null, null, ApiProblem.NotFound(kind == BulkKind.Import ? "No such import in this org." : "No such export in this org."));
        }
        if (await OpenAsync(orgcode, jobGuid, request.ContinuationToken!, ct) is not { } slice)
        {
            return (null, null, IpmProblems.InvalidContinuationToken());
        }
        var job = loaded.Record;
        if (BulkJobRules.Replay(job, slice) is { } replay)
        {
            return (null, replay, null);
        }
        return slice != job.NextSlice || job.ContinuationToken is null
            ? (null, null, IpmProblems.StaleContinuationToken(slice, job.NextSlice))
            : (loaded, null, null);
    }

    private static string Bound(string orgcode, string jobGuid) => $"ipm/bulk/continuation|{orgcode}|{jobGuid}";
}
