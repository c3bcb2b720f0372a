using System.Text.Json.Nodes;
using Retail.Shared.Dapr;
using Retail.Shared.State;

namespace Retail.Dapr.Tests;

public sealed class StateQueryJsonTests
{
    [Fact]
    public void a_less_than_filter_is_written_as_daprs_LT()
    {
        var due = new DateTimeOffset(2026, 11, 27, 23, 50, 38, TimeSpan.Zero);

        var json = DaprStateQueryJson.Write(new StateQuery([StateFilter.Eq("orgcode", "acme"), StateFilter.Lt("data.due_at", due)], [], 10));

        var expected = JsonNode.Parse("""
            { "filter": { "AND": [ { "EQ": { "orgcode": "acme" } }, { "LT": { "data.due_at": "2026-11-27T23:50:38Z" } } ] }, "page": { "limit": 10 } }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json)), json);
    }
}
