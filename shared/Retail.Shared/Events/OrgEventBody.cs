using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Retail.Shared.Json;

namespace Retail.Shared.Events;

/// <summary>The body of a business event as a subscriber receives it: the org it belongs to and its payload.</summary>
public static class OrgEventBody
{
    /// <summary>
    /// The event's <c>orgcode</c> and its payload read as <typeparamref name="T"/> (storage JSON); both null when the
    /// body is not a JSON object of that shape, so the subscriber answers 400 instead of failing.
    /// </summary>
    public static async Task<(string? Orgcode, T? Payload)> ReadAsync<T>(HttpContext http, CancellationToken ct) where T : class
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            var body = document.RootElement;
            if (body.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }
            var orgcode = body.TryGetProperty("orgcode", out var org) && org.ValueKind == JsonValueKind.String ? org.GetString() : null;
            return (orgcode, body.Deserialize<T>(RetailJson.Storage));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
