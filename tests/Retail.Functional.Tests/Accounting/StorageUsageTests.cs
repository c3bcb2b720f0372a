using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Accounting;

/// <summary>
/// UC-ACC-003: what an org stores per service is measured (records in each service's store, MRS's blobs), recorded by the
/// operator and by the scheduled measurement, listed, and reconciled: drift beyond the threshold is reported, published
/// and put in the inbox once. Operator-only; bad input is a 4xx with a stable code.
/// </summary>
public sealed class StorageUsageTests(AccountingHost host) : IClassFixture<AccountingHost>
{
    private HttpClient Operator => host.Operator;

    [Fact]
    public async Task UC_ACC_003_records_written_in_an_org_raise_its_measured_bytes_and_reconcile_reports_the_drift_once()
    {
        var (orgcode, owner) = await NewOrgAsync(host.Factory, Operator, "accs");
        await Facility(owner, orgcode, "site-1");

        var first = Single(await Reconcile(Operator, orgcode, "ofm"));
        Assert.Equal(("ofm", "unrecorded"), (first.GetProperty("service").GetString(), first.GetProperty("status").GetString()));
        var measured = first.GetProperty("measured_bytes").GetInt64();
        Assert.True(measured > 0, $"an org with a facility stores something in OFM: {first}");
        Assert.True(first.GetProperty("measured_records").GetInt64() >= 1);

        var recorded = await Operator.Post("/accounting/storage/usage/record",
            new { service = "ofm", bytes = measured, records = first.GetProperty("measured_records").GetInt64() }, orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal(("manual", 1L, "operator"), (recorded.GetProperty("source").GetString(), recorded.GetProperty("revision").GetInt64(),
            recorded.GetProperty("recorded_by").GetString()));
        var guid = recorded.GetProperty("storage_usage_guid").GetString()!;
        Assert.Equal(guid, Assert.Single(host.Factory.OutboxEvents("accounting", orgcode, "storage.usage_recorded")).GetProperty("storage_usage_guid").GetString());

        var same = await Reconcile(Operator, orgcode, "ofm");
        Assert.False(same.GetProperty("drift_found").GetBoolean());
        var ok = Single(same);
        Assert.Equal(("ok", guid, 0L, 0.0), (ok.GetProperty("status").GetString(), ok.GetProperty("storage_usage_guid").GetString(),
            ok.GetProperty("drift_bytes").GetInt64(), ok.GetProperty("drift_percent").GetDouble()));

        // More data in the org: the measurement grows past the recorded value by more than the 10 % threshold.
        foreach (var code in new[] { "site-2", "site-3", "site-4", "site-5", "site-6" })
        {
            await Facility(owner, orgcode, code);
        }
        var drifted = await Reconcile(Operator, orgcode, "ofm");
        Assert.True(drifted.GetProperty("drift_found").GetBoolean());
        var drift = Single(drifted);
        Assert.Equal("drift", drift.GetProperty("status").GetString());
        Assert.Equal(drift.GetProperty("measured_bytes").GetInt64() - measured, drift.GetProperty("drift_bytes").GetInt64());
        Assert.True(drift.GetProperty("drift_percent").GetDouble() > 10, drift.ToString());
        var inboxGuid = drift.GetProperty("inbox_item_guid").GetString()!;
        var found = Assert.Single(host.Factory.OutboxEvents("accounting", orgcode, "storage.drift_found"));
        Assert.Equal(("ofm", guid, inboxGuid), (found.GetProperty("service").GetString(), found.GetProperty("storage_usage_guid").GetString(),
            found.GetProperty("inbox_item_guid").GetString()));
        var item = await Operator.Post("/accounting/inbox/get", new { inbox_item_guid = inboxGuid }, orgcode).Ok();
        Assert.Equal(("storage_usage", guid, "open"), (item.GetProperty("subject_entity").GetString(), item.GetProperty("subject_key").GetString(),
            item.GetProperty("state").GetString()));

        // Reconciling again finds the open item about the same recorded value: nothing new is published or opened.
        var again = Single(await Reconcile(Operator, orgcode, "ofm"));
        Assert.Equal(inboxGuid, again.GetProperty("inbox_item_guid").GetString());
        Assert.Single(host.Factory.OutboxEvents("accounting", orgcode, "storage.drift_found"));

        // Once the new size is recorded, reconcile compares with it.
        var now = again.GetProperty("measured_bytes").GetInt64();
        await Operator.Post("/accounting/storage/usage/record", new { service = "ofm", bytes = now, records = again.GetProperty("measured_records").GetInt64() },
            orgcode).Ok(HttpStatusCode.Created);
        Assert.Equal("ok", Single(await Reconcile(Operator, orgcode, "ofm")).GetProperty("status").GetString());

        // Without a service, every measured service is reconciled.
        var all = await Reconcile(Operator, orgcode, null);
        Assert.Equal(["accounting", "mrs", "ofm", "uas", "usm"], all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("service").GetString()));
    }

    [Fact]
    public async Task UC_ACC_003_an_upload_to_mrs_raises_the_orgs_measured_blob_bytes_by_its_size()
    {
        var (orgcode, owner) = await NewOrgAsync(host.Factory, Operator, "accb");
        var before = await Operator.Post("/mrs/storage/measure", new { }, orgcode).Ok();
        Assert.Equal(0, Part(before, "blobs").GetProperty("bytes").GetInt64());
        // An org whose code starts with this one's: what it stores is never counted as this org's.
        var (neighbour, neighbourOwner) = await NewOrgAsync(host.Factory, Operator, orgcode);
        await neighbourOwner.Client.Post("/mrs/record", new { json = new { note = "the neighbour's" } }, neighbour).Ok(HttpStatusCode.Created);
        Assert.True((await Operator.Post("/mrs/storage/measure", new { }, neighbour).Ok()).GetProperty("records").GetInt64() >= 1);
        Assert.Equal(before.GetProperty("bytes").GetInt64(), (await Operator.Post("/mrs/storage/measure", new { }, orgcode).Ok()).GetProperty("bytes").GetInt64());

        var gzip = OfmUseCaseTests.Gzip(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("sku,qty\nabc,1\n", 200))));
        var md5 = Convert.ToHexString(MD5.HashData(gzip)).ToLowerInvariant();
        var created = await owner.Client.Post("/mrs/record", new { content_type = "text/csv", size_bytes = gzip.Length, md5 }, orgcode)
            .Ok(HttpStatusCode.Created);
        var recordGuid = created.GetProperty("record").GetProperty("record_guid").GetString();
        using (var anonymous = host.Factory.CreateClient())
        using (var uploaded = await anonymous.PutAsync(new Uri(created.GetProperty("upload").GetProperty("url").GetString()!).PathAndQuery,
            new ByteArrayContent(gzip)))
        {
            Assert.Equal(HttpStatusCode.NoContent, uploaded.StatusCode);
        }
        // Pending, the upload is not stored bytes yet; completed, it is.
        Assert.Equal(0, Part(await Operator.Post("/mrs/storage/measure", new { }, orgcode).Ok(), "blobs").GetProperty("bytes").GetInt64());
        await owner.Client.Post("/mrs/record/complete", new { record_guid = recordGuid, expected_revision = 1 }, orgcode).Ok();

        var after = await Operator.Post("/mrs/storage/measure", new { }, orgcode).Ok();
        Assert.Equal(((long)gzip.Length, 1L), (Part(after, "blobs").GetProperty("bytes").GetInt64(), Part(after, "blobs").GetProperty("records").GetInt64()));
        Assert.True(Part(after, "state").GetProperty("bytes").GetInt64() > Part(before, "state").GetProperty("bytes").GetInt64());
        Assert.Equal(after.GetProperty("bytes").GetInt64(), Part(after, "state").GetProperty("bytes").GetInt64() + gzip.Length);
        var reconciled = Single(await Reconcile(Operator, orgcode, "mrs"));
        Assert.True(reconciled.GetProperty("measured_bytes").GetInt64() >= after.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task UC_ACC_003_the_scheduled_measurement_records_every_org_and_service_once_per_period()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = AccountingHost.Start(s => s.AddSingleton<TimeProvider>(clock));
        using var @operator = factory.CreateOperatorClient();
        var (orgcode, owner) = await NewOrgAsync(factory, @operator, "accm");
        await Facility(owner, orgcode, "site-1");
        var empty = await @operator.Post("/accounting/storage/usage/list", new { source = "scheduled" }, orgcode).Ok();
        Assert.Empty(empty.GetProperty("items").EnumerateArray());

        clock.Advance(TimeSpan.FromDays(1));
        JsonElement items = default;
        await Waits.UntilAsync(async () =>
        {
            items = (await @operator.Post("/accounting/storage/usage/list", new { source = "scheduled" }, orgcode).Ok()).GetProperty("items");
            return items.GetArrayLength() == 5;
        }, "the scheduled measurement recorded the org's five services");
        Assert.Equal(["accounting", "mrs", "ofm", "uas", "usm"], items.EnumerateArray().Select(i => i.GetProperty("service").GetString()).Order());
        var ofm = items.EnumerateArray().Single(i => i.GetProperty("service").GetString() == "ofm");
        Assert.True(ofm.GetProperty("bytes").GetInt64() > 0);
        Assert.Equal("state", Assert.Single(ofm.GetProperty("parts").EnumerateArray()).GetProperty("part").GetString());
        var mrs = items.EnumerateArray().Single(i => i.GetProperty("service").GetString() == "mrs");
        Assert.Equal(["blobs", "state"], mrs.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("part").GetString()).Order());
        Assert.Equal(ofm.GetProperty("storage_usage_guid").GetString(),
            (await @operator.Post("/accounting/storage/usage/get", new { service = "ofm" }, orgcode).Ok()).GetProperty("storage_usage_guid").GetString());
        Assert.Equal(5, factory.OutboxEvents("accounting", orgcode, "storage.usage_recorded").Count(e => e.GetProperty("source").GetString() == "scheduled"));

        // A day later, the next period's measurement is recorded beside it (append-only).
        clock.Advance(TimeSpan.FromDays(1));
        await Waits.UntilAsync(async () =>
            (await @operator.Post("/accounting/storage/usage/list", new { source = "scheduled", service = "ofm" }, orgcode).Ok())
                .GetProperty("items").GetArrayLength() == 2, "the second day's measurement of OFM");
    }

    [Fact]
    public async Task UC_ACC_003_measurements_list_by_service_and_time_range_in_pages_and_get_answers_the_latest()
    {
        var (orgcode, _) = await NewOrgAsync(host.Factory, Operator, "accl");
        var now = DateTimeOffset.UtcNow;
        var guids = new List<string>();
        foreach (var hours in new[] { 3, 2, 1, 4 })
        {
            var made = await Operator.Post("/accounting/storage/usage/record",
                new { service = "ofm", bytes = 1000 * hours, records = hours, measured_at = now.AddHours(-hours), note = $"{hours} h ago" }, orgcode)
                .Ok(HttpStatusCode.Created);
            guids.Add(made.GetProperty("storage_usage_guid").GetString()!);
        }
        await Operator.Post("/accounting/storage/usage/record", new { service = "mrs", bytes = 5, source = "scheduled" }, orgcode).Ok(HttpStatusCode.Created);

        var first = await Operator.Post("/accounting/storage/usage/list", new { service = "ofm", limit = 3 }, orgcode).Ok();
        Assert.Equal([4000L, 3000L, 2000L], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("bytes").GetInt64()));
        var second = await Operator.Post("/accounting/storage/usage/list",
            new { service = "ofm", limit = 3, next_token = first.GetProperty("next_token").GetString() }, orgcode).Ok();
        Assert.Equal(1000L, Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_token").ValueKind);

        var range = await Operator.Post("/accounting/storage/usage/list",
            new { service = "ofm", measured_from = now.AddHours(-2.5), measured_to = now.AddHours(-1.5) }, orgcode).Ok();
        Assert.Equal(guids[1], Assert.Single(range.GetProperty("items").EnumerateArray()).GetProperty("storage_usage_guid").GetString());
        var everything = await Operator.Post("/accounting/storage/usage/list", new { }, orgcode).Ok();
        Assert.Equal(5, everything.GetProperty("items").GetArrayLength());
        var scheduled = await Operator.Post("/accounting/storage/usage/list", new { source = "scheduled" }, orgcode).Ok();
        Assert.Equal("mrs", Assert.Single(scheduled.GetProperty("items").EnumerateArray()).GetProperty("service").GetString());

        // The latest is the last measured, not the last recorded.
        var latest = await Operator.Post("/accounting/storage/usage/get", new { service = "ofm" }, orgcode).Ok();
        Assert.Equal(guids[2], latest.GetProperty("storage_usage_guid").GetString());
        var byGuid = await Operator.Post("/accounting/storage/usage/get", new { storage_usage_guid = guids[3] }, orgcode).Ok();
        Assert.Equal(("4 h ago", 4L), (byGuid.GetProperty("note").GetString(), byGuid.GetProperty("records").GetInt64()));
        await Operator.Post("/accounting/storage/usage/get", new { service = "usm" }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");

        // Another org sees none of them.
        var (other, _) = await NewOrgAsync(host.Factory, Operator, "accx");
        await Operator.Post("/accounting/storage/usage/get", new { storage_usage_guid = guids[0] }, other).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await Operator.Post("/accounting/storage/usage/list", new { }, other).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UC_ACC_003_bad_input_is_refused_with_a_stable_code_and_nothing_is_recorded()
    {
        var (orgcode, _) = await NewOrgAsync(host.Factory, Operator, "acce");
        const string record = "/accounting/storage/usage/record";
        await Operator.Post(record, new { bytes = 1 }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, new { service = "ofm" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, new { service = "ofm", bytes = -1 }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, new { service = "ofm", bytes = 1, records = -1 }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, new { service = "Not A Code!", bytes = 1 }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, new { service = "ofm", bytes = 1, source = "guessed" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, new { service = "ofm", bytes = 1, colour = "red" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, "{\"service\": \"ofm\", \"bytes\": 99999999999999999999999}", orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, "{\"service\": ", orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, new { service = "ofm", bytes = 1, measured_at = DateTimeOffset.UtcNow.AddHours(1) }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        var unknown = await Operator.Post(record, new { service = "nowhere", bytes = 1 }, orgcode).Problem(HttpStatusCode.UnprocessableEntity, "unknown_service");
        Assert.Equal("service", unknown.GetProperty("field").GetString());
        await Operator.PostJsonAsync(record, new { service = "ofm", bytes = 1 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post(record, new { service = "ofm", bytes = 1 }, OfmSteps.NewOrgcode("ghost")).Problem(HttpStatusCode.NotFound, "not_found");

        await Operator.Post("/accounting/storage/usage/get", new { }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post("/accounting/storage/usage/get", new { storage_usage_guid = Guid.CreateVersion7().ToString(), service = "ofm" }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post("/accounting/storage/usage/get", new { storage_usage_guid = "nope" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post("/accounting/storage/usage/get", new { storage_usage_guid = Guid.CreateVersion7().ToString() }, orgcode)
            .Problem(HttpStatusCode.NotFound, "not_found");
        var now = DateTimeOffset.UtcNow;
        await Operator.Post("/accounting/storage/usage/list", new { measured_from = now, measured_to = now.AddHours(-1) }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post("/accounting/storage/usage/list", new { limit = 0 }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post("/accounting/storage/usage/list", new { limit = 501 }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await Operator.Post("/accounting/storage/usage/list", new { next_token = "forged" }, orgcode).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await Operator.Post("/accounting/storage/usage/reconcile", new { service = "nowhere" }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_service");
        await Operator.Post("/accounting/storage/usage/reconcile", new { service = "-x" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");

        Assert.Empty((await Operator.Post("/accounting/storage/usage/list", new { }, orgcode).Ok()).GetProperty("items").EnumerateArray());
        Assert.Empty(host.Factory.OutboxEvents("accounting", orgcode, "storage.usage_recorded"));
    }

    [Fact]
    public async Task Only_the_operator_reaches_storage_usage_and_only_services_measure()
    {
        var (orgcode, owner) = await NewOrgAsync(host.Factory, Operator, "acco");
        var recorded = await Operator.Post("/accounting/storage/usage/record", new { service = "ofm", bytes = 10 }, orgcode).Ok(HttpStatusCode.Created);
        var guid = recorded.GetProperty("storage_usage_guid").GetString();
        var calls = new (string Path, object Body)[]
        {
            ("/accounting/storage/usage/record", new { service = "ofm", bytes = 1 }),
            ("/accounting/storage/usage/get", new { storage_usage_guid = guid }),
            ("/accounting/storage/usage/list", new { }),
            ("/accounting/storage/usage/reconcile", new { }),
            ("/ofm/storage/measure", new { }),
        };
        using var anonymous = host.Factory.CreateClient();
        foreach (var (path, body) in calls)
        {
            await owner.Client.Post(path, body, orgcode).Problem(HttpStatusCode.Forbidden, "forbidden");
            await anonymous.Post(path, body, orgcode).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        }
        Assert.Single((await Operator.Post("/accounting/storage/usage/list", new { }, orgcode).Ok()).GetProperty("items").EnumerateArray());
    }

    internal static async Task<(string Orgcode, TestUser Owner)> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix)
    {
        var orgcode = OfmSteps.NewOrgcode(prefix);
        var owner = factory.NewUser("owner");
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        return (orgcode, owner);
    }

    private static Task<JsonElement> Facility(TestUser owner, string orgcode, string code) =>
        owner.Client.Post("/ofm/facility/physical/create", new { facility_code = code, name = $"Site {code}", time_zone = "Europe/Berlin" }, orgcode)
            .Ok(HttpStatusCode.Created);

    private static Task<JsonElement> Reconcile(HttpClient client, string orgcode, string? service) =>
        client.Post("/accounting/storage/usage/reconcile", service is null ? new { } : (object)new { service }, orgcode).Ok();

    private static JsonElement Single(JsonElement reconciliation) => Assert.Single(reconciliation.GetProperty("items").EnumerateArray());

    private static JsonElement Part(JsonElement measurement, string part) =>
        measurement.GetProperty("parts").EnumerateArray().Single(p => p.GetProperty("part").GetString() == part);
}
