using System.Text;
using System.Text.Json;
using Retail.Rbs.Subscriptions;
using Retail.Shared.Webhooks;
using StandardWebhooks;

namespace Retail.Rbs.Tests;

public sealed class SubscriptionRulesTests
{
    [Theory]
    [InlineData("customer.created")]
    [InlineData("order.*")]
    [InlineData("customer.*")]
    [InlineData("giftcard.*")]
    public void a_bus_event_type_or_a_wildcard_that_covers_one_is_a_topic(string topic) =>
        Assert.Null(SubscriptionRules.TopicProblem(topic, BusTopics.Catalog));

    [Theory]
    [InlineData("customer.exploded")]
    [InlineData("nothing.*")]
    [InlineData("*")]
    [InlineData("customer*")]
    [InlineData(".*")]
    [InlineData("subscription.exploded")]
    public void anything_else_is_refused_with_a_reason(string topic) =>
        Assert.NotNull(SubscriptionRules.TopicProblem(topic, BusTopics.Catalog));

    [Fact]
    public void an_event_type_is_covered_by_itself_and_by_a_wildcard_of_each_prefix()
    {
        Assert.Equal(["rbs.subscription.test", "rbs.subscription.*", "rbs.*"], SubscriptionRules.PatternsOf("rbs.subscription.test"));
        Assert.True(SubscriptionRules.Covers(["order.*"], "order.placed"));
        Assert.True(SubscriptionRules.Covers(["customer.created", "loyalty.earned"], "customer.created"));
        Assert.False(SubscriptionRules.Covers(["customer.created"], "customer.updated"));
        Assert.False(SubscriptionRules.Covers(["order.*"], "orders.placed"));
    }

    [Fact]
    public void topics_are_trimmed_lower_cased_and_listed_once()
    {
        Assert.Equal(["customer.created", "order.*"], SubscriptionRules.NormalizeTopics([" Customer.Created", "order.*", "customer.created"]));
    }

    [Fact]
    public void every_filter_must_match_the_event_data()
    {
        using var json = JsonDocument.Parse("""{"channel_code":"web","points":42,"active":true,"order":{"facility_code":"ams-1"},"lines":[1],"note":null}""");
        var data = json.RootElement;
        Assert.True(SubscriptionRules.Matches([], data));
        Assert.True(SubscriptionRules.Matches([new("channel_code", "web")], data));
        Assert.True(SubscriptionRules.Matches([new("channel_code", "web"), new("order.facility_code", "ams-1")], data));
        Assert.True(SubscriptionRules.Matches([new("points", "42"), new("active", "true")], data));
        Assert.False(SubscriptionRules.Matches([new("channel_code", "web"), new("order.facility_code", "rtm-1")], data));
        Assert.False(SubscriptionRules.Matches([new("channel_code", "Web")], data));
        Assert.False(SubscriptionRules.Matches([new("missing", "x")], data));
        Assert.False(SubscriptionRules.Matches([new("lines", "[1]")], data));
        Assert.False(SubscriptionRules.Matches([new("note", "null")], data));
        Assert.False(SubscriptionRules.Matches([new("channel_code.inner", "web")], data));
    }

    [Theory]
    [InlineData("channel_code", true)]
    [InlineData("order.facility_code", true)]
    [InlineData("a.b.c.d", true)]
    [InlineData("a.b.c.d.e", false)]
    [InlineData("Channel", false)]
    [InlineData("channel..code", false)]
    [InlineData("", false)]
    public void filter_fields_are_dotted_snake_case_paths(string field, bool valid) =>
        Assert.Equal(valid, SubscriptionRules.IsFilterField(field));

    [Fact]
    public void the_endpoint_echoes_the_challenge_as_json_or_as_the_plain_value()
    {
        Assert.Null(SubscriptionRules.EchoProblem("abc", true, 200, null, """{"challenge":"abc"}"""));
        Assert.Null(SubscriptionRules.EchoProblem("abc", true, 200, null, " abc\n"));
        Assert.Equal("wrong_echo", SubscriptionRules.EchoProblem("abc", true, 200, null, """{"challenge":"abd"}"""));
        Assert.Equal("wrong_echo", SubscriptionRules.EchoProblem("abc", true, 200, null, "{not json"));
        Assert.Equal("wrong_echo", SubscriptionRules.EchoProblem("abc", true, 200, null, "abcd"));
        Assert.Equal("no_echo", SubscriptionRules.EchoProblem("abc", true, 204, null, null));
        Assert.Equal("http_500", SubscriptionRules.EchoProblem("abc", false, 500, "HTTP 500", "abc"));
        Assert.Equal("timeout", SubscriptionRules.EchoProblem("abc", false, null, "timeout", null));
    }

    [Fact]
    public void challenges_are_random_and_url_safe()
    {
        var a = SubscriptionRules.NewChallenge();
        Assert.NotEqual(a, SubscriptionRules.NewChallenge());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", a);
    }

    [Fact]
    public void a_new_secret_signs_and_verifies_with_the_standard_webhooks_library()
    {
        var secret = SubscriptionRules.NewSecret();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.NotEqual(secret, SubscriptionRules.NewSecret());
        var webhook = new StandardWebhook(secret);
        var at = DateTimeOffset.UtcNow;
        var signature = webhook.Sign("msg_1", at, """{"a":1}""");
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary
        {
            ["webhook-id"] = "msg_1",
            ["webhook-timestamp"] = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = signature,
        };
        webhook.Verify("""{"a":1}""", headers);
    }

    [Fact]
    public void a_bus_event_is_sent_as_a_structured_cloud_event_with_its_org()
    {
        using var data = JsonDocument.Parse("""{"customer_guid":"c1"}""");
        var at = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var bytes = new BusEvent("e1", "customer.created", "crm", "customer/c1", at, "acme", data.RootElement).Encode();
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(bytes));
        var root = json.RootElement;
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal("e1", root.GetProperty("id").GetString());
        Assert.Equal("customer.created", root.GetProperty("type").GetString());
        Assert.Equal("crm", root.GetProperty("source").GetString());
        Assert.Equal("customer/c1", root.GetProperty("subject").GetString());
        Assert.Equal("2026-12-02T10:00:00Z", root.GetProperty("time").GetString());
        Assert.Equal("acme", root.GetProperty("orgcode").GetString());
        Assert.Equal("c1", root.GetProperty("data").GetProperty("customer_guid").GetString());
    }
}
