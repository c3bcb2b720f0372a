using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    private JsonObject SentTransaction(int index = 0) => Sidecar.HttpTransactions.ElementAt(index).Body;

    private static JsonObject[] OperationsOf(JsonObject body) => [.. body["operations"]!.AsArray().Select(op => op!.AsObject())];

    private static JsonObject RequestOf(JsonObject operation) => operation["request"]!.AsObject();

    [Fact]
    public async Task a_new_record_is_saved_as_json_first_write_strong_without_etag_and_its_new_etag_is_returned()
    {
        var commit = await StateStore().TransactAsync(new StateTransaction().Upsert("order/1", Json("""{"status":"open"}"""), null), Ct);

        Assert.True(commit.Committed);
        var (store, body) = Assert.Single(Sidecar.HttpTransactions);
        Assert.Equal("statestore", store);
        var op = Assert.Single(OperationsOf(body));
        Assert.Equal("upsert", (string?)op["operation"]);
        var request = RequestOf(op);
        Assert.False(request.ContainsKey("etag"));
        Assert.Equal("first-write", (string?)request["options"]!["concurrency"]);
        Assert.Equal("strong", (string?)request["options"]!["consistency"]);
        Assert.Equal(JsonValueKind.Object, request["value"]!.GetValueKind());
        Assert.Empty(Sidecar.Recorded<DaprProto.ExecuteStateTransactionRequest>());
        var stored = await StateStore().GetAsync("order/1", Ct);
        Assert.NotNull(stored);
        Assert.Equal(stored.ETag, commit.ETags["order/1"]);
        Assert.Equal("""{"status":"open"}""", Encoding.UTF8.GetString(stored.Value));
    }

    [Fact]
    public async Task the_fake_keeps_a_grpc_transaction_value_as_base64_as_postgresql_v1_does_so_no_query_matches_it()
    {
        await Dapr.ExecuteStateTransactionAsync("statestore",
            [new global::Dapr.Client.StateTransactionRequest("user/1", Json("""{"entity":"user","orgcode":"acme"}"""), global::Dapr.Client.StateOperationType.Upsert)],
            cancellationToken: Ct);

        var page = await StateStore().QueryAsync(new StateQuery([StateFilter.Eq("entity", "user")], [], Limit: 10), Ct);

        Assert.Equal(JsonValueKind.String, JsonNode.Parse(Sidecar.StoredDocument("user/1")!)!.GetValueKind());
        Assert.Equal("""{"entity":"user","orgcode":"acme"}""", Sidecar.Stored("user/1"));
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task a_list_after_a_transaction_finds_what_was_written()
    {
        await RecordStateStore().TransactAsync(new StateTransaction()
            .Upsert("user/1", Json("""{"entity":"user","orgcode":"acme","doomed":false,"data":{"email":"a@example.com"}}"""), null)
            .Upsert("user/2", Json("""{"entity":"user","orgcode":"other","doomed":false,"data":{"email":"b@example.com"}}"""), null), Ct);
        await StateStore().TransactAsync(new StateTransaction()
            .Upsert("session/1", Json("""{"entity":"session","orgcode":"acme","doomed":false,"data":{"user":"1"}}"""), null), Ct);

        var users = await StateStore().QueryAsync(new StateQuery(
            [StateFilter.Eq("entity", "user"), StateFilter.Eq("orgcode", "acme"), StateFilter.Eq("doomed", false)], [], Limit: 10), Ct);
        var sessions = await RecordStateStore().QueryAsync(new StateQuery([StateFilter.Eq("data.user", "1")], [], Limit: 10), Ct);

        Assert.Equal("user/1", Assert.Single(users.Items).Key);
        Assert.Equal("a@example.com", JsonNode.Parse(users.Items[0].Value)!["data"]!["email"]!.GetValue<string>());
        Assert.Equal("session/1", Assert.Single(sessions.Items).Key);
    }

    [Fact]
    public async Task a_count_pages_through_every_match_since_the_query_api_has_no_count()
    {
        var transaction = new StateTransaction();
        for (var i = 0; i < 2_345; i++)
        {
            var org = i % 3 == 0 ? "other" : "acme";
            transaction.Upsert($"user/{i:D5}", Json($$$"""{"entity":"user","orgcode":"{{{org}}}","key":"u{{{i:D5}}}","doomed":false}"""), null);
        }
        await RecordStateStore().TransactAsync(transaction, Ct);

        var count = await StateStore().CountAsync([StateFilter.Eq("entity", "user"), StateFilter.Eq("orgcode", "acme"), StateFilter.Eq("doomed", false)], "records", cancellationToken: Ct);

        Assert.Equal(Enumerable.Range(0, 2_345).Count(i => i % 3 != 0), count);
    }

    [Fact]
    public async Task a_sort_on_a_number_is_numeric_and_reads_never_show_the_sort_keys()
    {
        foreach (var revision in new[] { 9, 10, 2, 11, 1 })
        {
            await StateStore().TransactAsync(new StateTransaction().Upsert($"history/{revision}",
                Json($$$"""{"entity":"user.history","key":"u1","data":{"revision":{{{revision}}},"op":"updated"}}"""), null), Ct);
        }

        var ascending = await StateStore().QueryAsync(new StateQuery([StateFilter.Eq("key", "u1")], [new StateSort("data.revision")], 10), Ct);
        var descending = await StateStore().QueryAsync(
            new StateQuery([StateFilter.Eq("key", "u1")], [new StateSort("data.revision", Descending: true)], 2), Ct);
        var byText = await StateStore().QueryAsync(new StateQuery([StateFilter.Eq("key", "u1")], [new StateSort("data.op"), new StateSort("data.revision")], 10), Ct);
        var read = await StateStore().GetAsync("history/10", Ct);
        var bulk = await StateStore().GetBulkAsync(["history/2"], Ct);

        static long[] Revisions(StateQueryPage page) => [.. page.Items.Select(i => JsonNode.Parse(i.Value)!["data"]!["revision"]!.GetValue<long>())];
        Assert.Equal([1, 2, 9, 10, 11], Revisions(ascending));
        Assert.Equal([11, 10], Revisions(descending));
        Assert.Equal([1, 2, 9, 10, 11], Revisions(byText));
        Assert.All(ascending.Items.Append(read!).Concat(bulk), item => Assert.DoesNotContain("$sort", Encoding.UTF8.GetString(item.Value), StringComparison.Ordinal));
        Assert.Equal("""{"entity":"user.history","key":"u1","data":{"revision":10,"op":"updated"}}""", Encoding.UTF8.GetString(read!.Value));
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
        Assert.Collection(OperationsOf(SentTransaction()),
            upsert =>
            {
                Assert.Equal(("upsert", "order/a", etagA), ((string?)upsert["operation"], (string?)RequestOf(upsert)["key"], (string?)RequestOf(upsert)["etag"]));
                Assert.Equal("first-write", (string?)RequestOf(upsert)["options"]!["concurrency"]);
            },
            delete => Assert.Equal(("delete", "order/b", etagB), ((string?)delete["operation"], (string?)RequestOf(delete)["key"], (string?)RequestOf(delete)["etag"])));
        Assert.Null(Sidecar.Stored("order/b"));
        Assert.NotEqual(etagA, commit.ETags["order/a"]);
    }

    [Fact]
    public async Task a_stale_etag_is_a_conflict_naming_the_stale_key_and_nothing_is_written_or_published()
    {
        var etagA = Sidecar.Seed("order/a", """{"v":1}""");
        Sidecar.Seed("order/b", """{"v":1}""");

        var commit = await RecordStateStore().TransactAsync(new StateTransaction()
            .Upsert("order/a", Json("""{"v":2}"""), etagA)
            .Upsert("order/b", Json("""{"v":2}"""), "stale")
            .Publish(Cdc("a", "updated")), Ct);

        Assert.False(commit.Committed);
        Assert.Equal("order/b", commit.ConflictKey);
        Assert.Equal("""{"v":1}""", Sidecar.Stored("order/a"));
        Assert.Empty(Sidecar.Recorded<DaprProto.PublishEventRequest>());
        Assert.Empty(Sidecar.CdcEvents);
    }

    [Fact]
    public async Task inserting_a_key_that_already_exists_is_a_conflict()
    {
        Sidecar.Seed("code/acme", """{"owner":"x"}""");

        var commit = await StateStore().TransactAsync(new StateTransaction().Upsert("code/acme", Json("""{"owner":"y"}"""), null), Ct);

        Assert.Equal(StateCommit.Conflict("code/acme").ConflictKey, commit.ConflictKey);
        Assert.False(commit.Committed);
    }

    [Fact]
    public async Task a_store_error_other_than_an_etag_mismatch_is_a_dependency_failure()
    {
        Sidecar.TransactionError = "error while executing state transaction: failed to connect to `host=postgres`: dial error";

        var failure = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            StateStore().TransactAsync(new StateTransaction().Upsert("order/1", Json("{}"), null), Ct));

        Assert.Equal("statestore", failure.Dependency);
    }

    [Fact]
    public async Task an_unreachable_sidecar_is_a_dependency_failure_for_reads_and_writes()
    {
        using var client = ClientOfMissingSidecar();
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") };
        var store = new DaprStateStore(client, http, "scm", "statestore", hasOutbox: false, Options, NoDelays, NullLogger<DaprStateStore>.Instance);

        var read = await Assert.ThrowsAsync<DependencyUnavailableException>(() => store.GetAsync("order/1", Ct));
        var write = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            store.TransactAsync(new StateTransaction().Upsert("order/1", Json("{}"), null), Ct));

        Assert.Equal("statestore", read.Dependency);
        Assert.Equal("statestore", write.Dependency);
    }

    [Fact]
    public async Task a_ttl_travels_as_ttl_in_seconds_rounded_up()
    {
        await StateStore().TransactAsync(new StateTransaction().Upsert("session/1", Json("{}"), null, TimeSpan.FromSeconds(90.2)), Ct);

        var op = Assert.Single(OperationsOf(SentTransaction()));
        Assert.Equal("91", (string?)RequestOf(op)["metadata"]!["ttlInSeconds"]);
    }

    [Fact]
    public async Task a_change_event_becomes_an_outbox_projection_and_reaches_cdc_with_its_type_subject_and_orgcode()
    {
        Sidecar.AppId = "scm";
        var message = Cdc("abc");

        var commit = await RecordStateStore().TransactAsync(new StateTransaction()
            .Upsert("order/abc", Json("""{"status":"open"}"""), null)
            .Upsert("code/acme/po-1", Json("""{"order":"abc"}"""), null)
            .Publish(message), Ct);

        Assert.True(commit.Committed);
        var (store, body) = Assert.Single(Sidecar.HttpTransactions);
        Assert.Equal("recordstore", store);
        var ops = OperationsOf(body);
        Assert.Equal(3, ops.Length);
        var projection = RequestOf(Assert.Single(ops, op => RequestOf(op)["metadata"]?["outbox.projection"] is not null));
        Assert.Equal("order/abc", (string?)projection["key"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(message.Data), projection["value"]));
        // The outbox copies the written upsert's metadata into the CloudEvent key for key: bare attribute names.
        var write = RequestOf(ops[0])["metadata"]!.AsObject();
        Assert.DoesNotContain(write, pair => pair.Key.StartsWith("cloudevent.", StringComparison.Ordinal));

        var cdc = Assert.Single(Sidecar.CdcEvents, e => (string?)e["subject"] == "order/abc");
        Assert.Equal("scm.order.created", (string?)cdc["type"]);
        Assert.Equal("scm", (string?)cdc["source"]);
        Assert.Equal("acme", (string?)cdc["orgcode"]);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", (string?)cdc["traceparent"]);
        Assert.Equal("application/json", (string?)cdc["datacontenttype"]);
        Assert.Equal("open", (string?)cdc["data"]!["record"]!["status"]);
        Assert.Equal("abc", (string?)cdc["data"]!["key"]);
        Assert.False(cdc.ContainsKey("cloudevent.type"));
        // The index key written beside it is published too, with the runtime's default type, which consumers skip.
        Assert.Equal("com.dapr.event.sent", (string?)Assert.Single(Sidecar.CdcEvents, e => e["subject"] is null)["type"]);
        // The record, not the projection, is what is stored; and CDC never goes out through a separate publish.
        Assert.Equal("""{"status":"open"}""", Sidecar.Stored("order/abc"));
        Assert.Empty(Sidecar.Recorded<DaprProto.PublishEventRequest>());
    }

    [Fact]
    public async Task a_store_without_outbox_writes_no_projection_and_publishes_a_change_event_after_the_commit()
    {
        var commit = await StateStore().TransactAsync(new StateTransaction()
            .Upsert("order/abc", Json("""{"status":"open"}"""), null)
            .Publish(Cdc("abc")), Ct);

        Assert.True(commit.Committed);
        Assert.DoesNotContain(OperationsOf(SentTransaction()), op => RequestOf(op)["metadata"]?["outbox.projection"] is not null);
        Assert.Equal("""{"status":"open"}""", Sidecar.Stored("order/abc"));
        Assert.Empty(Sidecar.CdcEvents);
        Assert.Equal("cdc", Assert.Single(Sidecar.Recorded<DaprProto.PublishEventRequest>()).Topic);
    }

    [Fact]
    public async Task a_change_event_without_a_written_key_is_published_after_the_commit()
    {
        var etag = Sidecar.Seed("order/zz", """{"status":"open"}""");

        var commit = await RecordStateStore().TransactAsync(new StateTransaction().Delete("order/zz", etag).Publish(Cdc("zz", "purged")), Ct);

        Assert.True(commit.Committed);
        Assert.DoesNotContain(OperationsOf(SentTransaction()), op => RequestOf(op)["metadata"]?["outbox.projection"] is not null);
        var published = Assert.Single(Sidecar.Recorded<DaprProto.PublishEventRequest>());
        Assert.Equal("cdc", published.Topic);
        Assert.Equal("scm.order.purged", (string?)JsonNode.Parse(published.Data.ToStringUtf8())!["type"]);
    }

    [Fact]
    public async Task a_business_event_is_published_after_the_commit_with_its_cloudevent()
    {
        var placed = new OutboxMessage("evt-1", "order.placed", "order.placed", "scm", "order/abc", "acme",
            Json("""{"order_guid":"abc","total_minor":1999}"""), DateTimeOffset.UnixEpoch);

        await RecordStateStore().TransactAsync(new StateTransaction().Upsert("order/abc", Json("{}"), null).Publish(placed), Ct);

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
        Assert.DoesNotContain(OperationsOf(SentTransaction()), op => RequestOf(op)["metadata"]?["outbox.projection"] is not null);
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
            Token: "50"), Ct);

        var sent = Assert.Single(Sidecar.Recorded<DaprProto.QueryStateRequest>());
        Assert.Equal("statestore", sent.StoreName);
        var expected = JsonNode.Parse("""
            {
              "filter": { "AND": [ { "EQ": { "orgcode": "acme" } }, { "IN": { "status": ["open", "held"] } } ] },
              "sort": [ { "key": "$sort.created_at", "order": "DESC" }, { "key": "created_at", "order": "DESC" } ],
              "page": { "limit": 50, "token": "50" }
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

        var last = await StateStore().QueryAsync(new StateQuery([StateFilter.Eq("orgcode", "acme")], [], Limit: 2, page.Token), Ct);

        Assert.Equal(["order/1", "order/3"], page.Items.Select(i => i.Key));
        Assert.Equal(3, JsonDocument.Parse(page.Items[1].Value).RootElement.GetProperty("n").GetInt32());
        Assert.NotNull(page.Token);
        // PostgreSQL sends a token with the last page too; a short page ends the list.
        Assert.Equal("order/4", Assert.Single(last.Items).Key);
        Assert.Null(last.Token);
        Assert.Equal("""{"filter":{"EQ":{"orgcode":"acme"}},"page":{"limit":2}}""",
            Sidecar.Recorded<DaprProto.QueryStateRequest>()[0].Query);
    }
}
