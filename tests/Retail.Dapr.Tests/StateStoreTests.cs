using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Retail.Shared.Dapr;
using Retail.Shared.Invocation;
using Retail.Shared.State;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace Retail.Dapr.Tests;

public sealed class StateStoreTests : SidecarTest
{
    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static OutboxMessage Cdc(string key, string op = "created") => new(
        Id: "evt-" + key,
        Topic: "cdc",
        Type: $"scm.order.{op}",
        Source: "scm",
        Subject: $"order/{key}",
        Orgcode: "acme",
        Data: Json($$$"""{"orgcode":"acme","entity":"order","key":"{{{key}}}","revision":1,"op":"{{{op}}}","record":{"status":"open"}}"""),
        Time: DateTimeOffset.Parse("2026-11-27T23:50:38Z", System.Globalization.CultureInfo.InvariantCulture),
        TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        IsChangeDataCapture: true,
        StateKey: $"order/{key}");

    [Fact]
    public async Task a_new_record_is_saved_first_write_strong_without_etag_and_its_new_etag_is_returned()
    {
        var commit = await StateStore().TransactAsync(new StateTransaction().Upsert("order/1", Json("""{"status":"open"}"""), null), Ct);

        Assert.True(commit.Committed);
        var sent = Assert.Single(Sidecar.Recorded<DaprProto.ExecuteStateTransactionRequest>());
        Assert.Equal("statestore", sent.StoreName);
        var op = Assert.Single(sent.Operations);
        Assert.Equal("upsert", op.OperationType);
        Assert.Null(op.Request.Etag);
        Assert.Equal(DaprProto.StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite, op.Request.Options.Concurrency);
        Assert.Equal(DaprProto.StateOptions.Types.StateConsistency.ConsistencyStrong, op.Request.Options.Consistency);
        var stored = await StateStore().GetAsync("order/1", Ct);
        Assert.NotNull(stored);
        Assert.Equal(stored.ETag, commit.ETags["order/1"]);
        Assert.Equal("""{"status":"open"}""", Encoding.UTF8.GetString(stored.Value));
    }

    [Fact]
    public async Task an_update_and_a_delete_carry_the_etags_they_were_read_with()
    {
        var etagA = Sidecar.Seed("order/a", """{"v":1}""");
        var etagB = Sidecar.Seed("order/b", """{"v":1}""");

        var commit = await StateStore().TransactAsync(new StateTransaction()
            .Upsert("order/a", Json("""{"v":2}"""), etagA)
            .Delete("order/b", etagB), Ct);

        Assert.True(commit.Committed);
        var ops = Assert.Single(Sidecar.Recorded<DaprProto.ExecuteStateTransactionRequest>()).Operations;
        Assert.Collection(ops,
            upsert =>
            {
                Assert.Equal(("upsert", "order/a", etagA), (upsert.OperationType, upsert.Request.Key, upsert.Request.Etag.Value));
                Assert.Equal(DaprProto.StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite, upsert.Request.Options.Concurrency);
            },
            delete => Assert.Equal(("delete", "order/b", etagB), (delete.OperationType, delete.Request.Key, delete.Request.Etag.Value)));
        Assert.Null(Sidecar.Stored("order/b"));
        Assert.NotEqual(etagA, commit.ETags["order/a"]);
    }

    [Fact]
    public async Task a_stale_etag_is_a_conflict_naming_the_stale_key_and_nothing_is_written()
    {
        var etagA = Sidecar.Seed("order/a", """{"v":1}""");
        Sidecar.Seed("order/b", """{"v":1}""");

        var commit = await StateStore().TransactAsync(new StateTransaction()
            .Upsert("order/a", Json("""{"v":2}"""), etagA)
            .Upsert("order/b", Json("""{"v":2}"""), "stale")
            .Publish(Cdc("a", "updated")), Ct);

        Assert.False(commit.Committed);
        Assert.Equal("order/b", commit.ConflictKey);
        Assert.Equal("""{"v":1}""", Sidecar.Stored("order/a"));
        Assert.Empty(Sidecar.Recorded<DaprProto.PublishEventRequest>());
    }

    [Fact]
    public async Task inserting_a_key_that_already_exists_is_a_conflict()
    {
        Sidecar.Seed("code/acme", """{"owner":"x"}""");

        var commit = await StateStore().TransactAsync(new StateTransaction().Upsert("code/acme", Json("""{"owner":"y"}"""), null), Ct);

        Assert.Equal(StateCommit.Conflict("code/acme").ConflictKey, commit.ConflictKey);
        Assert.False(commit.Committed);
    }

    [Theory]
    [InlineData(StatusCode.Aborted)]
    [InlineData(StatusCode.FailedPrecondition)]
    public async Task an_etag_status_from_the_sidecar_is_a_conflict_not_an_exception(StatusCode status)
    {
        Sidecar.TransactionFailure = status;

        var commit = await StateStore().TransactAsync(new StateTransaction().Upsert("order/1", Json("{}"), "1"), Ct);

        Assert.False(commit.Committed);
        Assert.Equal("order/1", commit.ConflictKey);
    }

    [Fact]
    public async Task an_unavailable_state_store_is_a_dependency_failure()
    {
        Sidecar.TransactionFailure = StatusCode.Unavailable;

        await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            StateStore().TransactAsync(new StateTransaction().Upsert("order/1", Json("{}"), null), Ct));
    }

    [Fact]
    public async Task an_unreachable_sidecar_is_a_dependency_failure_for_reads()
    {
        using var client = ClientOfMissingSidecar();
        var store = new DaprStateStore(client, "scm", Options, NoDelays, NullLogger<DaprStateStore>.Instance);

        var failure = await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.GetAsync("order/1", Ct));

        Assert.Equal("statestore", failure.Dependency);
    }

    [Fact]
    public async Task a_ttl_travels_as_ttl_in_seconds_rounded_up()
    {
        await StateStore().TransactAsync(new StateTransaction().Upsert("session/1", Json("{}"), null, TimeSpan.FromSeconds(90.2)), Ct);

        var op = Assert.Single(Assert.Single(Sidecar.Recorded<DaprProto.ExecuteStateTransactionRequest>()).Operations);
        Assert.Equal("91", op.Request.Metadata["ttlInSeconds"]);
    }

    [Fact]
    public async Task a_change_event_becomes_an_outbox_projection_in_the_same_transaction()
    {
        var message = Cdc("abc");

        var commit = await StateStore().TransactAsync(new StateTransaction()
            .Upsert("order/abc", Json("""{"status":"open"}"""), null)
            .Upsert("code/acme/po-1", Json("""{"order":"abc"}"""), null)
            .Publish(message), Ct);

        Assert.True(commit.Committed);
        var ops = Assert.Single(Sidecar.Recorded<DaprProto.ExecuteStateTransactionRequest>()).Operations;
        Assert.Equal(3, ops.Count);
        var projection = Assert.Single(ops, op => op.Request.Metadata.ContainsKey("outbox.projection"));
        Assert.Equal("order/abc", projection.Request.Key);
        Assert.Equal("upsert", projection.OperationType);
        Assert.Equal("true", projection.Request.Metadata["outbox.projection"]);
        Assert.Equal(message.Data, projection.Request.Value.ToByteArray());
        Assert.Equal("evt-abc", projection.Request.Metadata["cloudevent.id"]);
        Assert.Equal("scm.order.created", projection.Request.Metadata["cloudevent.type"]);
        Assert.Equal("scm", projection.Request.Metadata["cloudevent.source"]);
        Assert.Equal("order/abc", projection.Request.Metadata["cloudevent.subject"]);
        Assert.Equal("application/json", projection.Request.Metadata["contentType"]);
        Assert.Equal("application/json", projection.Request.Metadata["cloudevent.datacontenttype"]);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", projection.Request.Metadata["cloudevent.traceparent"]);
        // The record, not the projection, is what is stored; and CDC never goes out through a separate publish.
        Assert.Equal("""{"status":"open"}""", Sidecar.Stored("order/abc"));
        Assert.Empty(Sidecar.Recorded<DaprProto.PublishEventRequest>());
    }

    [Fact]
    public async Task a_change_event_without_a_written_key_is_published_after_the_commit()
    {
        var etag = Sidecar.Seed("order/zz", """{"status":"open"}""");

        var commit = await StateStore().TransactAsync(new StateTransaction().Delete("order/zz", etag).Publish(Cdc("zz", "purged")), Ct);

        Assert.True(commit.Committed);
        var ops = Assert.Single(Sidecar.Recorded<DaprProto.ExecuteStateTransactionRequest>()).Operations;
        Assert.DoesNotContain(ops, op => op.Request.Metadata.ContainsKey("outbox.projection"));
        var published = Assert.Single(Sidecar.Recorded<DaprProto.PublishEventRequest>());
        Assert.Equal("cdc", published.Topic);
        Assert.Equal("scm.order.purged", (string?)JsonNode.Parse(published.Data.ToStringUtf8())!["type"]);
    }

    [Fact]
    public async Task a_business_event_is_published_after_the_commit_with_its_cloudevent()
    {
        var placed = new OutboxMessage("evt-1", "order.placed", "order.placed", "scm", "order/abc", "acme",
            Json("""{"order_guid":"abc","total_minor":1999}"""), DateTimeOffset.UnixEpoch);

        await StateStore().TransactAsync(new StateTransaction().Upsert("order/abc", Json("{}"), null).Publish(placed), Ct);

        var published = Assert.Single(Sidecar.Recorded<DaprProto.PublishEventRequest>());
        Assert.Equal(("pubsub", "order.placed"), (published.PubsubName, published.Topic));
        Assert.Equal("application/cloudevents+json", published.DataContentType);
        Assert.Equal("order/abc", published.Metadata["partitionKey"]);
        var envelope = JsonNode.Parse(published.Data.ToStringUtf8())!;
        Assert.Equal("1.0", (string?)envelope["specversion"]);
        Assert.Equal("evt-1", (string?)envelope["id"]);
        Assert.Equal("order.placed", (string?)envelope["type"]);
        Assert.Equal("scm", (string?)envelope["source"]);
        Assert.Equal("order/abc", (string?)envelope["subject"]);
        Assert.Equal("acme", (string?)envelope["orgcode"]);
        Assert.Equal(1999, (int?)envelope["data"]?["total_minor"]);
        var ops = Assert.Single(Sidecar.Recorded<DaprProto.ExecuteStateTransactionRequest>()).Operations;
        Assert.DoesNotContain(ops, op => op.Request.Metadata.ContainsKey("outbox.projection"));
    }

    [Fact]
    public async Task get_reads_value_and_etag_with_strong_consistency_and_a_missing_key_is_null()
    {
        var etag = Sidecar.Seed("order/1", """{"status":"open"}""");

        var found = await StateStore().GetAsync("order/1", Ct);
        var missing = await StateStore().GetAsync("order/2", Ct);

        Assert.NotNull(found);
        Assert.Equal(etag, found.ETag);
        Assert.Equal("""{"status":"open"}""", Encoding.UTF8.GetString(found.Value));
        Assert.Null(missing);
        Assert.All(Sidecar.Recorded<DaprProto.GetStateRequest>(),
            request => Assert.Equal(DaprProto.StateOptions.Types.StateConsistency.ConsistencyStrong, request.Consistency));
    }

    [Fact]
    public async Task bulk_get_leaves_out_missing_keys()
    {
        Sidecar.Seed("order/1", """{"n":1}""");
        Sidecar.Seed("order/3", """{"n":3}""");

        var entries = await StateStore().GetBulkAsync(["order/1", "order/2", "order/3"], Ct);

        Assert.Equal(["order/1", "order/3"], entries.Select(e => e.Key).Order());
        Assert.Equal(["order/1", "order/2", "order/3"], Assert.Single(Sidecar.Recorded<DaprProto.GetBulkStateRequest>()).Keys);
    }

    [Fact]
    public async Task a_query_is_sent_as_daprs_query_json()
    {
        await StateStore().QueryAsync(new StateQuery(
            [StateFilter.Eq("orgcode", "acme"), StateFilter.In("status", "open", "held")],
            [new StateSort("created_at", Descending: true)],
            Limit: 50,
            Token: "page-2"), Ct);

        var sent = Assert.Single(Sidecar.Recorded<DaprProto.QueryStateRequest>());
        Assert.Equal("statestore", sent.StoreName);
        var expected = JsonNode.Parse("""
            {
              "filter": { "AND": [ { "EQ": { "orgcode": "acme" } }, { "IN": { "status": ["open", "held"] } } ] },
              "sort": [ { "key": "created_at", "order": "DESC" } ],
              "page": { "limit": 50, "token": "page-2" }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(sent.Query)), sent.Query);
    }

    [Fact]
    public async Task a_query_returns_the_matching_records_and_the_next_page_token()
    {
        Sidecar.Seed("order/1", """{"orgcode":"acme","n":1}""");
        Sidecar.Seed("order/2", """{"orgcode":"other","n":2}""");
        Sidecar.Seed("order/3", """{"orgcode":"acme","n":3}""");
        Sidecar.Seed("order/4", """{"orgcode":"acme","n":4}""");

        var page = await StateStore().QueryAsync(new StateQuery([StateFilter.Eq("orgcode", "acme")], [], Limit: 2), Ct);

        Assert.Equal(["order/1", "order/3"], page.Items.Select(i => i.Key));
        Assert.Equal(3, JsonDocument.Parse(page.Items[1].Value).RootElement.GetProperty("n").GetInt32());
        Assert.NotNull(page.Token);
        Assert.Equal("""{"filter":{"EQ":{"orgcode":"acme"}},"page":{"limit":2}}""",
            Assert.Single(Sidecar.Recorded<DaprProto.QueryStateRequest>()).Query);
    }
}
