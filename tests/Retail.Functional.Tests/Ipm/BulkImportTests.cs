using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using static Retail.Functional.Tests.Ipm.BulkSteps;

namespace Retail.Functional.Tests.Ipm;

/// <summary>UC-IPM-003 imports over HTTP: files in MRS, dry run, slices with continuation tokens, quarantine, commit and reconciliation.</summary>
public sealed class BulkImportTests(IpmHost host) : IClassFixture<IpmHost>
{
    /// <summary>Five good vendors and three bad lines: a country that is not a code (line 3), not JSON (line 5), no name (line 7).</summary>
    private const string Vendors = """
        {"vendor_code":"ACME","name":"Acme","country":"DE"}
        {"vendor_code":"bolt","name":"Bolt & Nut","country":"FR"}
        {"vendor_code":"crank","name":"Crank","country":"Germany"}
        {"vendor_code":"dyna","name":"Dyna","country":"IT"}
        {"vendor_code":"eon", "name":
        {"vendor_code":"fuse","name":"Fuse","country":"NL"}
        {"vendor_code":"gear","country":"DE"}

        {"vendor_code":"hub","name":"Hub","country":"AT"}
        """;

    private static object ImportOf((string RecordGuid, string Sha256) file, bool dryRun, int sliceSize = 3, string format = "ndjson", object? mapping = null) => new
    {
        entity = "pvm.vendor",
        schema_version = 1,
        file_record_guid = file.RecordGuid,
        sha256 = file.Sha256,
        format,
        mapping,
        slice_size = sliceSize,
        dry_run = dryRun,
    };

    [Fact]
    public async Task UC_IPM_003_a_dry_run_quarantines_bad_lines_writes_nothing_and_the_real_run_loads_in_slices_then_commits_with_a_reconciliation()
    {
        var org = await host.NewOrgAsync("blk");
        var file = await UploadAsync(host, org, Vendors);

        var dry = await org.Post("/ipm/bulk/import/create", ImportOf(file, dryRun: true)).Ok(HttpStatusCode.Created);
        Assert.Equal(("created", 8L), (dry.GetProperty("status").GetString(), dry.GetProperty("file_records").GetInt64()));
        var dryRun = await ContinueAllAsync(org, "import", dry);
        Assert.Equal(3, dryRun.Count);
        var validated = dryRun[^1].GetProperty("job");
        Assert.Equal("validated", validated.GetProperty("status").GetString());
        Assert.Equal((8L, 5L, 0L, 0L, 3L), Counts(validated));
        var quarantine = (await org.Post(org.Viewer, "/ipm/bulk/job/get", new { job_guid = dry.GetProperty("job_guid").GetString(), include_quarantine = true }).Ok())
            .GetProperty("quarantine").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([3L, 5L, 7L], quarantine.Select(q => q.GetProperty("line").GetInt64()));
        Assert.Equal("unparseable", quarantine[1].GetProperty("code").GetString());
        Assert.Equal("""{"vendor_code":"eon", "name":""", quarantine[1].GetProperty("raw").GetString());
        Assert.Equal("crank", quarantine[0].GetProperty("natural_key").GetString());
        Assert.Equal("gear", quarantine[2].GetProperty("natural_key").GetString());
        Assert.All(quarantine, q => Assert.False(string.IsNullOrEmpty(q.GetProperty("reason").GetString())));
        // Nothing was written in PVM.
        await org.Post("/pvm/vendor/get", new { vendor_code = "acme" }).Problem(HttpStatusCode.NotFound, "not_found");
        // A dry run is not committed.
        await org.Post("/ipm/bulk/import/commit", new { job_guid = dry.GetProperty("job_guid").GetString(), accept_quarantine = true, expected_revision = validated.GetProperty("revision").GetInt64() })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");

        var real = await org.Post("/ipm/bulk/import/create", ImportOf(file, dryRun: false)).Ok(HttpStatusCode.Created);
        var slices = await ContinueAllAsync(org, "import", real);
        Assert.Equal([3, 3, 2], slices.Select(s => s.GetProperty("slice").GetProperty("records").GetInt32()));
        var processed = slices[^1].GetProperty("job");
        Assert.Equal("processed", processed.GetProperty("status").GetString());
        Assert.Equal((8L, 5L, 0L, 0L, 3L), Counts(processed));
        Assert.Equal("Bolt & Nut", (await org.Post("/pvm/vendor/get", new { vendor_code = "bolt" }).Ok()).GetProperty("name").GetString());

        var jobGuid = real.GetProperty("job_guid").GetString();
        var revision = processed.GetProperty("revision").GetInt64();
        await org.Post("/ipm/bulk/import/commit", new { job_guid = jobGuid, expected_revision = revision }).Problem(HttpStatusCode.Conflict, "quarantine_unresolved");
        await org.Post(org.Viewer, "/ipm/bulk/import/commit", new { job_guid = jobGuid, accept_quarantine = true, expected_revision = revision })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        var committed = await org.Post("/ipm/bulk/import/commit", new { job_guid = jobGuid, accept_quarantine = true, expected_revision = revision }).Ok();
        Assert.Equal("committed", committed.GetProperty("status").GetString());
        var report = committed.GetProperty("report");
        Assert.Equal((8L, 5L, 0L, 3L, true, true), (report.GetProperty("file_records").GetInt64(), report.GetProperty("written").GetInt64(),
            report.GetProperty("unchanged").GetInt64(), report.GetProperty("rejected").GetInt64(), report.GetProperty("quarantine_accepted").GetBoolean(),
            report.GetProperty("matched").GetBoolean()));
        Assert.Equal(5L, report.GetProperty("target_count").GetInt64());
        Assert.Equal(["acme", "bolt", "dyna", "fuse", "hub"], report.GetProperty("sampled_keys").EnumerateArray().Select(k => k.GetString()).Order());
        Assert.Equal(5, report.GetProperty("keys_found").GetInt32());
        await org.Post("/ipm/bulk/import/commit", new { job_guid = jobGuid, accept_quarantine = true, expected_revision = committed.GetProperty("revision").GetInt64() })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");

        // The same file again changes nothing: every record is unchanged.
        var again = await org.Post("/ipm/bulk/import/create", ImportOf(file, dryRun: false, sliceSize: 1000)).Ok(HttpStatusCode.Created);
        var rerun = (await ContinueAllAsync(org, "import", again))[^1].GetProperty("job");
        Assert.Equal((8L, 0L, 0L, 5L, 3L), Counts(rerun));
        Assert.Equal(1L, (await org.Post("/pvm/vendor/get", new { vendor_code = "bolt" }).Ok()).GetProperty("revision").GetInt64());
        var recommitted = await org.Post("/ipm/bulk/import/commit", new { job_guid = again.GetProperty("job_guid").GetString(), accept_quarantine = true,
            expected_revision = rerun.GetProperty("revision").GetInt64() }).Ok();
        Assert.Equal((0L, 5L), (recommitted.GetProperty("report").GetProperty("written").GetInt64(), recommitted.GetProperty("report").GetProperty("unchanged").GetInt64()));

        var listed = await org.Post(org.Viewer, "/ipm/bulk/job/list", new { kind = "import", status = "committed" }).Ok();
        Assert.Equal([jobGuid, again.GetProperty("job_guid").GetString()], listed.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("job_guid").GetString()));
    }

    [Fact]
    public async Task UC_IPM_003_a_csv_file_is_mapped_to_the_entitys_fields_with_constants()
    {
        var org = await host.NewOrgAsync("blkc");
        var file = await UploadAsync(host, org, "Code,Vendor name\r\nkite,Kite Works\r\n\"lamp\",\"Lamp, Light & Co\"\r\nmoon\r\n", "text/csv");
        object[] mapping =
        [
            new { target = "vendor_code", source = "Code" },
            new { target = "name", source = "Vendor name" },
            new { target = "country", constant = "SE" },
        ];
        var job = await org.Post("/ipm/bulk/import/create", ImportOf(file, dryRun: false, format: "csv", mapping: mapping)).Ok(HttpStatusCode.Created);
        Assert.Equal(3L, job.GetProperty("file_records").GetInt64());
        var done = (await ContinueAllAsync(org, "import", job))[^1].GetProperty("job");
        Assert.Equal((3L, 2L, 0L, 0L, 1L), Counts(done));
        var lamp = await org.Post("/pvm/vendor/get", new { vendor_code = "lamp" }).Ok();
        Assert.Equal(("Lamp, Light & Co", "SE"), (lamp.GetProperty("name").GetString(), lamp.GetProperty("country").GetString()));
        var quarantined = (await org.Post("/ipm/bulk/job/get", new { job_guid = job.GetProperty("job_guid").GetString(), include_quarantine = true }).Ok())
            .GetProperty("quarantine").GetProperty("items")[0];
        Assert.Equal((4L, "unparseable", "moon"), (quarantined.GetProperty("line").GetInt64(), quarantined.GetProperty("code").GetString(), quarantined.GetProperty("raw").GetString()));

        // A mapping to a field the entity does not have, or from a column the file does not have, is refused.
        await org.Post("/ipm/bulk/import/create", ImportOf(file, false, format: "csv", mapping: new object[] { new { target = "colour", source = "Code" } }))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_target_field");
        await org.Post("/ipm/bulk/import/create", ImportOf(file, false, format: "csv", mapping: new object[] { new { target = "vendor_code", source = "code" }, new { target = "name", source = "Vendor name" }, new { target = "country", constant = "SE" } }))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_source_field");
        await org.Post("/ipm/bulk/import/create", ImportOf(file, false, format: "csv", mapping: new object[] { new { target = "vendor_code", source = "Code" } }))
            .Problem(HttpStatusCode.UnprocessableEntity, "mapping_incomplete");
    }

    [Fact]
    public async Task UC_IPM_003_a_token_used_twice_answers_the_same_slice_and_stale_forged_or_foreign_tokens_are_refused()
    {
        var org = await host.NewOrgAsync("blkt");
        var file = await UploadAsync(host, org, Vendors);
        var job = await org.Post("/ipm/bulk/import/create", ImportOf(file, dryRun: false)).Ok(HttpStatusCode.Created);
        var jobGuid = job.GetProperty("job_guid").GetString();
        var first = job.GetProperty("continuation_token").GetString();
        var once = await org.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = first }).Ok();
        var twice = await org.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = first }).Ok();
        Assert.Equal(once.GetProperty("continuation_token").GetString(), twice.GetProperty("continuation_token").GetString());
        Assert.Equal(once.GetProperty("slice").GetRawText(), twice.GetProperty("slice").GetRawText());
        Assert.Equal(once.GetProperty("job").GetProperty("revision").GetInt64(), twice.GetProperty("job").GetProperty("revision").GetInt64());
        Assert.Equal((3L, 2L, 0L, 0L, 1L), Counts(twice.GetProperty("job")));

        var second = once.GetProperty("continuation_token").GetString()!;
        await org.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = second }).Ok();
        // The first token is two slices behind now.
        await org.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = first }).Problem(HttpStatusCode.Conflict, "stale_continuation_token");
        var forged = second[..^2] + (second[^2] == 'A' ? "B" : "A") + second[^1];
        await org.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = forged }).Problem(HttpStatusCode.BadRequest, "invalid_continuation_token");
        await org.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = "bm90IGEgdG9rZW4" }).Problem(HttpStatusCode.BadRequest, "invalid_continuation_token");
        // Another job's token does not continue this one.
        var other = await org.Post("/ipm/bulk/import/create", ImportOf(file, dryRun: true)).Ok(HttpStatusCode.Created);
        await org.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = other.GetProperty("continuation_token").GetString() })
            .Problem(HttpStatusCode.BadRequest, "invalid_continuation_token");

        // The job says where it is, so a client that lost its token resumes from the last committed slice.
        var current = (await org.Post("/ipm/bulk/job/get", new { job_guid = jobGuid }).Ok()).GetProperty("job");
        Assert.Equal(2, current.GetProperty("next_slice").GetInt32());
        var last = await org.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = current.GetProperty("continuation_token").GetString() }).Ok();
        Assert.True(last.GetProperty("done").GetBoolean());
        Assert.Equal((8L, 5L, 0L, 0L, 3L), Counts(last.GetProperty("job")));
    }

    [Fact]
    public async Task UC_IPM_003_a_file_whose_checksum_does_not_match_an_unknown_entity_or_file_and_a_member_are_refused()
    {
        var org = await host.NewOrgAsync("blkx");
        var file = await UploadAsync(host, org, Vendors);
        await org.Post("/ipm/bulk/import/create", ImportOf((file.RecordGuid, Sha256("other content"u8.ToArray())), false))
            .Problem(HttpStatusCode.UnprocessableEntity, "checksum_mismatch");
        await org.Post("/ipm/bulk/import/create", ImportOf((Guid.NewGuid().ToString(), file.Sha256), false))
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");
        await org.Post("/ipm/bulk/import/create", new { entity = "pvm.spaceship", schema_version = 1, file_record_guid = file.RecordGuid, sha256 = file.Sha256, format = "ndjson" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_entity");
        await org.Post("/ipm/bulk/import/create", new { entity = "zzz.vendor", schema_version = 1, file_record_guid = file.RecordGuid, sha256 = file.Sha256, format = "ndjson" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unknown_entity");
        await org.Post("/ipm/bulk/import/create", new { entity = "pvm.vendor", schema_version = 99, file_record_guid = file.RecordGuid, sha256 = file.Sha256, format = "ndjson" })
            .Problem(HttpStatusCode.UnprocessableEntity, "unsupported_schema_version");
        await org.Post("/ipm/bulk/import/create", new { entity = "pvm.vendor", file_record_guid = file.RecordGuid, sha256 = "abc", format = "ndjson", slice_size = 5000 })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/ipm/bulk/import/create", ImportOf(file, false)).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UC_IPM_003_another_orgs_jobs_and_files_are_not_seen_or_continued()
    {
        var mine = await host.NewOrgAsync("blka");
        var theirs = await host.NewOrgAsync("blkb");
        var file = await UploadAsync(host, mine, Vendors);
        var job = await mine.Post("/ipm/bulk/import/create", ImportOf(file, dryRun: false)).Ok(HttpStatusCode.Created);
        var jobGuid = job.GetProperty("job_guid").GetString();

        await theirs.Post("/ipm/bulk/job/get", new { job_guid = jobGuid }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await theirs.Post("/ipm/bulk/job/list", new { }).Ok()).GetProperty("items").GetArrayLength());
        await theirs.Post("/ipm/bulk/import/continue", new { job_guid = jobGuid, continuation_token = job.GetProperty("continuation_token").GetString() })
            .Problem(HttpStatusCode.NotFound, "not_found");
        // Their import cannot read my file.
        await theirs.Post("/ipm/bulk/import/create", ImportOf(file, dryRun: false)).Problem(HttpStatusCode.UnprocessableEntity, "unknown_reference");

        await ContinueAllAsync(mine, "import", job);
        await theirs.Post("/pvm/vendor/get", new { vendor_code = "acme" }).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, (await mine.Post("/ipm/bulk/job/list", new { kind = "import" }).Ok()).GetProperty("items").GetArrayLength());
    }
}
