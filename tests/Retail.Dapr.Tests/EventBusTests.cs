using System.Text.Json.Nodes;
using Retail.Shared.Dapr;
using Retail.Shared.Events;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace Retail.Dapr.Tests;

public sealed class EventBusTests : SidecarTest
{
    private sealed record ReturnReceived(string ReturnGuid, int ItemCount);

    [Fact]
    public async Task an_event_is_published_to_the_pubsub_component_as_a_cloudevent_with_the_orgcode_extension()
    {
        var bus = new DaprEventBus(Dapr, "rms", Options, TimeProvider.System);

        await bus.PublishAsync("return.received", "return.received", new ReturnReceived("r-1", 2),
            new EventOptions(Subject: "return/r-1", Orgcode: "acme", Id: "evt-42"), Ct);

        var published = Assert.Single(Sidecar.Recorded<DaprProto.PublishEventRequest>());
        Assert.Equal(("pubsub", "return.received"), (published.PubsubName, published.Topic));
        Assert.Equal("application/cloudevents+json", published.DataContentType);
        Assert.Equal("return/r-1", published.Metadata["partitionKey"]);
        var envelope = JsonNode.Parse(published.Data.ToStringUtf8())!;
        Assert.Equal("evt-42", (string?)envelope["id"]);
        Assert.Equal("return.received", (string?)envelope["type"]);
        Assert.Equal("rms", (string?)envelope["source"]);
        Assert.Equal("return/r-1", (string?)envelope["subject"]);
        Assert.Equal("acme", (string?)envelope["orgcode"]);
        Assert.Equal("application/json", (string?)envelope["datacontenttype"]);
        Assert.Equal("r-1", (string?)envelope["data"]?["return_guid"]);
        Assert.Equal(2, (int?)envelope["data"]?["item_count"]);
    }

    [Fact]
    public async Task an_event_without_an_id_gets_a_fresh_one()
    {
        var bus = new DaprEventBus(Dapr, "rms", Options, TimeProvider.System);

        await bus.PublishAsync(Topics.Usage, "usage.recorded", new { service = "rms" }, cancellationToken: Ct);

        var envelope = JsonNode.Parse(Assert.Single(Sidecar.Recorded<DaprProto.PublishEventRequest>()).Data.ToStringUtf8())!;
        Assert.False(string.IsNullOrEmpty((string?)envelope["id"]));
    }
}
