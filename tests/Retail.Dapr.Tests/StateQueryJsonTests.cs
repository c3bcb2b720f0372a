using System.Text;
using System.Text.Json.Nodes;
using Retail.Shared.Dapr;
using Retail.Shared.State;

namespace Retail.Dapr.Tests;

public sealed class StateQueryJsonTests : SidecarTest
{
    [Fact]
    public void a_range_filter_is_never_sent_to_daprs_query_api()
    {
        var due = new DateTimeOffset(2026, 11, 27, 23, 50, 38, TimeSpan.Zero);
        Assert.Throws<ArgumentException>(() => DaprStateQueryJson.Write(new StateQuery([StateFilter.Eq("orgcode", "acme"), StateFilter.Lt("data.due_at", due)], [], 10)));

        var json = DaprStateQueryJson.Write(new StateQuery([StateFilter.Eq("orgcode", "acme")], [], 10));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "filter": { "EQ": { "orgcode": "acme" } }, "page": { "limit": 10 } }"""), JsonNode.Parse(json)), json);
    }

    [Fact]
    public async Task a_range_filter_is_applied_by_the_adapter_to_the_pages_the_store_returns_reading_on_until_a_page_is_full()
    {
        // state.postgresql compares query values as text ("10" < "9"), so ranges are checked on the returned values.
        for (var rank = 1; rank <= 12; rank++)
        {
            await StateStore().TransactAsync(new StateTransaction().Upsert($"rank/{rank:D2}",
                Encoding.UTF8.GetBytes($$"""{"orgcode":"acme","rank":{{rank}}}"""), null), Ct);
        }

        var page = await StateStore().QueryAsync(new StateQuery([StateFilter.Eq("orgcode", "acme"), StateFilter.Above("rank", 9)], [new StateSort("rank")], 2), Ct);

        Assert.Equal(["rank/10", "rank/11"], page.Items.Select(i => i.Key));
        Assert.NotNull(page.Token);
        var rest = await StateStore().QueryAsync(new StateQuery([StateFilter.Eq("orgcode", "acme"), StateFilter.Above("rank", 9)], [new StateSort("rank")], 2, page.Token), Ct);
        Assert.Equal(["rank/12"], rest.Items.Select(i => i.Key));
    }
}
