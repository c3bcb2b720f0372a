using System.Text.Json;
using Retail.Shared.Json;

namespace Retail.Shared.State;

/// <summary>A range filter checked against a stored JSON value, for stores whose query API has no range operators.</summary>
public static class StateRange
{
    public static bool Matches(JsonElement stored, StateFilter filter)
    {
        var current = stored;
        foreach (var segment in filter.Path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return false;
            }
        }
        var bound = JsonSerializer.SerializeToElement(filter.Values[0], filter.Values[0]?.GetType() ?? typeof(object), RetailJson.Storage);
        int? order = (current.ValueKind, bound.ValueKind) switch
        {
            (JsonValueKind.Number, JsonValueKind.Number) => current.GetDouble().CompareTo(bound.GetDouble()),
            (JsonValueKind.String, JsonValueKind.String) => string.CompareOrdinal(current.GetString(), bound.GetString()),
            _ => null,
        };
        return order is { } o && filter.Op switch
        {
            FilterOp.Less => o < 0,
            FilterOp.LessOrEqual => o <= 0,
            FilterOp.Greater => o > 0,
            FilterOp.GreaterOrEqual => o >= 0,
            _ => o == 0,
        };
    }
}
