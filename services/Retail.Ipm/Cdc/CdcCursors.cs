using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Retail.Ipm.Cdc;

/// <summary>A cursor was not issued by this feed for this org and filter, or was altered: 400 <c>invalid_cursor</c>.</summary>
public sealed class InvalidCursorException(string message) : Exception(message);

/// <summary>
/// The feed's cursors: the org, the last sequence read and the filter's hash, sealed with the deployment's page-token key
/// (AES-GCM, bound to the org and filter), so a cursor cannot be read, forged, altered or used for another org or filter.
/// The key is the deployment's, so a cursor works across restarts and instances.
/// </summary>
public sealed class CdcCursors(PageTokens tokens)
{
    public async ValueTask<string> IssueAsync(string orgcode, IReadOnlyList<string> types, long after, CancellationToken ct)
    {
        var filter = FilterHash(types);
        var inner = string.Create(CultureInfo.InvariantCulture, $"{orgcode}|{after}|{filter}");
        return (await tokens.SealAsync(inner, Bound(orgcode, filter), ct))!;
    }

    /// <summary>The sequence a cursor continues after.</summary>
    public async ValueTask<long> OpenAsync(string orgcode, IReadOnlyList<string> types, string cursor, CancellationToken ct)
    {
        var filter = FilterHash(types);
        string? inner;
        try
        {
            inner = await tokens.OpenAsync(cursor, Bound(orgcode, filter), ct);
        }
        catch (InvalidPageTokenException)
        {
            throw new InvalidCursorException("The cursor was not issued for this org and entity_types, or was altered.");
        }
        var parts = inner!.Split('|');
        if (parts.Length != 3 || parts[0] != orgcode || parts[2] != filter
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var after))
        {
            throw new InvalidCursorException("The cursor was not issued for this org and entity_types.");
        }
        return after;
    }

    /// <summary>The filter as a set: the same types in any order are the same filter.</summary>
    public static string FilterHash(IReadOnlyList<string> types) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)))))[..32];

    private static string Bound(string orgcode, string filter) => $"ipm/cdc\n{orgcode}\n{filter}";
}
