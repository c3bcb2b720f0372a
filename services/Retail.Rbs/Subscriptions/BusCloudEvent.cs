using System.Globalization;
using System.Text.Json;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// What a subscription receives: a structured CloudEvent 1.0 (JSON) with the contract's <c>orgcode</c> extension and the
/// event's data as published. Verification challenges and test events have the same shape.
/// </summary>
public sealed record BusCloudEvent(string Id, string Type, string Source, string? Subject, DateTimeOffset Time, string Orgcode, JsonElement Data)
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

    public Retail.Shared.Webhooks.WebhookMessage Message() => new(Id, Type, Encode(), Time);
}
