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

    private static string Bound(string orgcode, string jobGuid) => $"ipm/bulk/continuation|{orgcode}|{jobGuid}";
}
