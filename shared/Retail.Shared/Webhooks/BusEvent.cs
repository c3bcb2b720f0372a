using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Retail.Shared.Webhooks;

/// <summary>
/// A business event as a webhook receives it: a structured CloudEvent 1.0 (JSON) with the contract's <c>orgcode</c>
/// extension and the event's data as published. IPM's webhooks, RBS's subscriptions (and their challenges and test events)
/// send this one shape; <see cref="ReadAsync"/> reads it off a bus delivery.
/// </summary>
public sealed record BusEvent(string Id, string Type, string Source, string? Subject, DateTimeOffset Time, string Orgcode, JsonElement Data)
{
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("specversion", "1.0");
            json.WriteString("id", Id);
            json.WriteString("source", Source);
            json.WriteString("type", Type);
            if (Subject is not null)
            {
                json.WriteString("subject", Subject);
            }
            json.WriteString("time", Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
            json.WriteString("datacontenttype", "application/json");
            json.WriteString("orgcode", Orgcode);
            json.WritePropertyName("data");
            Data.WriteTo(json);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public WebhookMessage Message() => new(Id, Type, Encode(), Time);

    /// <summary>
    /// The event a subscriber route of <paramref name="topic"/> received: its attributes from the <c>ce-*</c> headers (the
    /// embedded bus sets them; the topic names the type when they are missing), the data from the body, the org from the
    /// <c>ce-orgcode</c> header, the request's org context, <c>x-orgcode</c> or the data's <c>orgcode</c>. Without a
    /// <c>ce-id</c> the id is a hash of type and body, so a redelivery still has the same one. <c>Malformed</c> when the
    /// body is not JSON; a null event when no org is named (no org's destinations want it).
    /// </summary>
    public static async Task<(BusEvent? Event, bool Malformed)> ReadAsync(string topic, HttpContext http, string? contextOrgcode, TimeProvider clock,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(clock);
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, ct);
        var bytes = body.ToArray();
        JsonElement data;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            data = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, true);
        }
        var headers = http.Request.Headers;
        var orgcode = Header(headers, "ce-orgcode") ?? contextOrgcode ?? Header(headers, "x-orgcode")
            ?? (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("orgcode", out var org) && org.ValueKind == JsonValueKind.String ? org.GetString() : null);
        if (string.IsNullOrEmpty(orgcode))
        {
            return (null, false);
        }
        var type = Header(headers, "ce-type") ?? topic;
        var id = Header(headers, "ce-id") ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes(type + "\n"), .. bytes]));
        var time = DateTimeOffset.TryParse(Header(headers, "ce-time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at : clock.GetUtcNow();
        return (new BusEvent(id, type, Header(headers, "ce-source") ?? "retail", Header(headers, "ce-subject"), time, orgcode, data), false);
    }

    private static string? Header(IHeaderDictionary headers, string name) => headers[name].ToString() is { Length: > 0 } value ? value : null;
}
