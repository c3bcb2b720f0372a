using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Retail.Shared.Events;

namespace Retail.Rbs.Subscriptions;

/// <summary>The pure rules of subscriptions: topics and their wildcards, filters on event data, the challenge and its echo.</summary>
public static partial class SubscriptionRules
{
    public const int MaxTopics = 50;
    public const int MaxFilters = 10;
    public const int MaxFilterValue = 200;
    public const int MaxDescription = 500;

    /// <summary>
    /// Why <paramref name="topic"/> cannot be subscribed to, or null: an event type of the catalog, or a prefix wildcard
    /// (<c>order.*</c>, <c>influencer.*</c>) that covers at least one of them.
    /// </summary>
    public static string? TopicProblem(string topic, IEventCatalog catalog)
    {
        if (topic.EndsWith(".*", StringComparison.Ordinal))
        {
            var prefix = topic[..^1];
            if (!TopicPrefixPattern().IsMatch(prefix))
            {
                return $"'{topic}' is not a topic wildcard (a prefix such as order.*)";
            }
            return catalog.Entries.Any(e => e.Type.StartsWith(prefix, StringComparison.Ordinal)) ? null : $"no event type of the bus matches '{topic}'";
        }
        return catalog.Find(topic) is null ? $"'{topic}' is not an event type of the bus (see /ipm/event/catalog/list)" : null;
    }

    /// <summary>Trimmed, lower-cased, each once, in the order given.</summary>
    public static IReadOnlyList<string> NormalizeTopics(IEnumerable<string> topics) =>
        topics.Select(t => t.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The subscription topics that deliver <paramref name="eventType"/>: the type itself and a wildcard of each of its
    /// dotted prefixes (<c>rbs.subscription.test</c>: <c>rbs.subscription.test</c>, <c>rbs.subscription.*</c>, <c>rbs.*</c>).
    /// </summary>
    public static IReadOnlyList<string> PatternsOf(string eventType)
    {
        var patterns = new List<string> { eventType };
        for (var dot = eventType.LastIndexOf('.'); dot > 0; dot = eventType.LastIndexOf('.', dot - 1))
        {
            patterns.Add(eventType[..(dot + 1)] + "*");
        }
        return patterns;
    }

    /// <summary>Whether a subscription's topics cover <paramref name="eventType"/>.</summary>
    public static bool Covers(IEnumerable<string> topics, string eventType)
    {
        var patterns = PatternsOf(eventType);
        return topics.Any(t => patterns.Contains(t, StringComparer.Ordinal));
    }

    public static bool IsFilterField(string? field) => field is not null && FilterFieldPattern().IsMatch(field.Trim());

    /// <summary>
    /// Whether every filter matches the event's data: the value at the field's path, a string compared exactly (codes
    /// are lower-case in events), a number or boolean by its JSON text (<c>42</c>, <c>true</c>). A missing field, null,
    /// an object or an array does not match.
    /// </summary>
    public static bool Matches(IReadOnlyList<SubscriptionFilter> filters, JsonElement data)
    {
        foreach (var filter in filters)
        {
            if (ValueAt(data, filter.Field) is not { } value || !string.Equals(value, filter.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    private static string? ValueAt(JsonElement data, string path)
    {
        var current = data;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return null;
            }
        }
        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => current.GetRawText(),
            _ => null,
        };
    }

    /// <summary>A new signing secret: <c>whsec_</c> and 32 random bytes in base64, as Standard Webhooks expects.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new verification challenge: 32 random bytes, base64url.</summary>
    public static string NewChallenge() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// Why a verification attempt failed, or null when the endpoint echoed the challenge: a 2xx whose body is
    /// <c>{"challenge": "…"}</c> or the challenge itself (surrounding white space allowed).
    /// </summary>
    public static string? EchoProblem(string challenge, bool delivered, int? statusCode, string? error, string? body)
    {
        if (!delivered)
        {
            return statusCode is { } status ? $"http_{status.ToString(CultureInfo.InvariantCulture)}" : error ?? "not_delivered";
        }
        var text = body?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return "no_echo";
        }
        return string.Equals(EchoOf(text), challenge, StringComparison.Ordinal) ? null : "wrong_echo";
    }

    private static string? EchoOf(string body)
    {
        if (!body.StartsWith('{'))
        {
            return body;
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("challenge", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.$")]
    private static partial Regex TopicPrefixPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}(\\.[a-z][a-z0-9_]{0,63}){0,3}$")]
    private static partial Regex FilterFieldPattern();
}
