using System.Text.Json;

namespace Retail.Cli.Tests;

/// <summary>The <c>retail</c> CLI run in-process against a live in-memory host: profiles, login, bootstrap, errors, bulk jobs, workflows.</summary>
public sealed class CliTests(CliHost host) : IClassFixture<CliHost>
{
    private readonly string _config = host.NewConfigDir();

    private Task<CliRun> Run(params string[] args) => host.RunAsync(_config, args);

    /// <summary>The operator, with the org the command acts in (or none).</summary>
    private Task<CliRun> AsOperator(params string[] args) => Run(["--url", CliHost.Url, "--api-key", CliHost.OperatorKey, .. args]);

    private static string[] Outcomes(CliRun run) =>
        [.. run.Json().GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("kind").GetString()} {s.GetProperty("code").GetString()}: {s.GetProperty("outcome").GetString()}")];

    [Fact]
    public async Task profiles_are_kept_owner_only_and_listed_without_their_credentials()
    {
        var add = await Run("profile", "add", "local", "--url", CliHost.Url, "--api-key", "very-secret-key", "--org", "acme");
        Assert.True(add.Exit == 0, add.ToString());
        var file = Path.Combine(_config, "profiles.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.Equal(0, (await Run("profile", "add", "staging", "--url", "https://gw.example.com/retail")).Exit);

        var list = await Run("profile", "list", "--json");
        Assert.DoesNotContain("very-secret-key", list.Out, StringComparison.Ordinal);
        var rows = list.Json().EnumerateArray().ToList();
        Assert.Equal(["local", "staging"], rows.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal([true, false], rows.Select(r => r.GetProperty("current").GetBoolean()));
        Assert.Equal("api_key", rows[0].GetProperty("auth").GetString());

        Assert.Equal(0, (await Run("profile", "use", "staging")).Exit);
        Assert.Equal(0, (await Run("profile", "remove", "local")).Exit);
        var after = (await Run("--json", "profile", "list")).Json().EnumerateArray().Single();
        Assert.Equal(("staging", true), (after.GetProperty("name").GetString(), after.GetProperty("current").GetBoolean()));
        Assert.Equal(2, (await Run("profile", "use", "nowhere")).Exit);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task bootstrap_from_flags_creates_the_org_its_facilities_and_channel_and_a_rerun_changes_nothing()
    {
        string[] args =
        [
            "bootstrap", "--org", "cli-flags", "--name", "Flags Retail GmbH", "--owner-email", "owner-flags@example.com", "--time-zone", "Europe/Berlin",
            "--country", "DE", "--facility", "store-berlin", "--channel", "pos-berlin:pos", "--market", "de", "--locale", "de-DE", "--currency", "EUR", "--json",
        ];
        var first = await AsOperator(args);
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Equal(
        [
            "owner owner-flags@example.com: signed up (verification mailed)", "org cli-flags: created", "org cli-flags: activated",
            "physical facility site-1: created", "legal facility entity-1: created", "logical facility store-berlin: created",
            "sales channel pos-berlin: created",
        ], Outcomes(first));

        var (status, org) = await host.OperatorPostAsync("/ofm/org/get", new { orgcode = "cli-flags" });
        Assert.Equal((200, "active", "Flags Retail GmbH"), (status, org.GetProperty("status").GetString(), org.GetProperty("legal_name").GetString()));
        var (_, facility) = await host.OperatorPostAsync("/ofm/resolve/facility", new { facility_code = "store-berlin" }, "cli-flags");
        Assert.Equal("logical", facility.GetProperty("facility_type").GetString());
        var (_, channel) = await host.OperatorPostAsync("/ofm/sales-channel/resolve", new { channel_code = "pos-berlin" }, "cli-flags");
        Assert.True(channel.GetProperty("active").GetBoolean());

        var again = await AsOperator(args);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Equal(
        [
            "owner owner-flags@example.com: exists", "org cli-flags: exists", "physical facility site-1: exists", "legal facility entity-1: exists",
            "logical facility store-berlin: exists", "sales channel pos-berlin: exists",
        ], Outcomes(again));
        Assert.Equal(2, (await host.OperatorPostAsync("/ofm/org/get", new { orgcode = "cli-flags" })).Body.GetProperty("revision").GetInt64());

        // The CLI's own list commands see the same.
        var channels = await AsOperator("--org", "cli-flags", "channel", "list", "--json");
        Assert.Equal(["pos-berlin"], channels.Json().GetProperty("items").EnumerateArray().Select(c => c.GetProperty("channel_code").GetString()));
        var table = await AsOperator("--org", "cli-flags", "facility", "list");
        Assert.Contains("store-berlin", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task bootstrap_from_yaml_creates_what_the_file_names_invites_the_members_and_a_rerun_is_idempotent()
    {
        var yaml = Path.Combine(host.DataDir, "bootstrap-" + Guid.NewGuid().ToString("N")[..6] + ".yaml");
        await File.WriteAllTextAsync(yaml, """
            org: cli-yaml
            name: Yaml Retail GmbH
            owner_email: owner-yaml@example.com
            time_zone: Europe/Berlin
            country: DE
            site: hq-site
            legal_entity: hq-entity
            facilities:
              - code: store-munich
                name: Munich store
                kind: store
              - code: dc-north
                kind: warehouse
            channels:
              - code: web-de
                name: Web shop
                kind: ecom
                market: de
                locales: [de-DE, en-GB]
                currency: EUR
                facility: dc-north
            members:
              - email: colleague-yaml@example.com
                role: admin
            """, TestContext.Current.CancellationToken);

        var first = await AsOperator("bootstrap", "--file", yaml, "--json");
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains("logical facility dc-north: created", Outcomes(first));
        Assert.Contains("invite colleague-yaml@example.com: invited", Outcomes(first));

        var (_, dc) = await host.OperatorPostAsync("/ofm/resolve/facility", new { facility_code = "dc-north" }, "cli-yaml");
        Assert.Equal("logical", dc.GetProperty("facility_type").GetString());
        var (_, site) = await host.OperatorPostAsync("/ofm/resolve/facility", new { facility_code = "hq-site" }, "cli-yaml");
        Assert.Equal("physical", site.GetProperty("facility_type").GetString());
        var (_, web) = await host.OperatorPostAsync("/ofm/sales-channel/resolve", new { channel_code = "web-de" }, "cli-yaml");
        Assert.Equal("dc-north", web.GetProperty("record").GetProperty("facility_code").GetString());
        var (_, invites) = await host.OperatorPostAsync("/ofm/member/invite/list", new { status = "pending" }, "cli-yaml");
        var invite = Assert.Single(invites.GetProperty("items").EnumerateArray());
        Assert.Equal(("colleague-yaml@example.com", "admin"), (invite.GetProperty("email").GetString(), invite.GetProperty("role").GetString()));

        var again = await AsOperator("bootstrap", "--file", yaml, "--json");
        Assert.True(again.Exit == 0, again.ToString());
        Assert.All(Outcomes(again), o => Assert.EndsWith(": exists", o, StringComparison.Ordinal));
        Assert.Single((await host.OperatorPostAsync("/ofm/member/invite/list", new { status = "pending" }, "cli-yaml")).Body.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task a_bad_org_code_is_an_api_problem_exit_1_with_its_code()
    {
        var plain = await AsOperator("bootstrap", "--org", "Bad Code!", "--owner-email", "owner-bad@example.com");
        Assert.True(plain.Exit == 1, plain.ToString());
        Assert.StartsWith("validation_failed: ", plain.Error, StringComparison.Ordinal);
        Assert.Contains("orgcode", plain.Error, StringComparison.Ordinal);

        var json = await AsOperator("--json", "bootstrap", "--org", "Bad Code!", "--owner-email", "owner-bad@example.com");
        Assert.Equal(1, json.Exit);
        var problem = JsonDocument.Parse(json.Error).RootElement;
        Assert.Equal(("validation_failed", 400), (problem.GetProperty("code").GetString(), problem.GetProperty("status").GetInt32()));
        Assert.Equal("", json.Out);
    }

    [Fact]
    public async Task without_credentials_or_with_a_wrong_key_the_exit_code_is_4()
    {
        var none = await Run("--url", CliHost.Url, "org", "list");
        Assert.True(none.Exit == 4, none.ToString());
        Assert.StartsWith("no_credentials: ", none.Error, StringComparison.Ordinal);

        var wrong = await Run("--url", CliHost.Url, "--api-key", "not-a-key", "org", "list");
        Assert.True(wrong.Exit == 4, wrong.ToString());
        Assert.StartsWith("unauthenticated: ", wrong.Error, StringComparison.Ordinal);

        // login refuses to keep a key the host does not know.
        Assert.Equal(4, (await Run("--url", CliHost.Url, "--api-key", "not-a-key", "login")).Exit);
        Assert.False(File.Exists(Path.Combine(_config, "profiles.json")));
    }

    [Fact]
    public async Task usage_mistakes_exit_2_and_an_unreachable_host_exits_3()
    {
        Assert.Equal(2, (await AsOperator("catalog", "import", "vendors.ndjson")).Exit);
        Assert.Equal(2, (await AsOperator("no-such-command")).Exit);
        Assert.Equal(2, (await Run("org", "list")).Exit);
        var noOrg = await AsOperator("channel", "list");
        Assert.Equal(2, noOrg.Exit);
        Assert.StartsWith("usage: no org", noOrg.Error, StringComparison.Ordinal);

        // Real sockets to a port nothing listens on.
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["--url", "http://127.0.0.1:1", "--api-key", "k", "org", "list"], stdout, stderr, null, _config,
            TestContext.Current.CancellationToken);
        Assert.Equal(3, exit);
        Assert.StartsWith("unreachable: ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task with_json_a_command_line_mistake_exits_2_and_stderr_is_only_json()
    {
        string[][] mistakes = [["--json", "no-such-command"], ["catalog", "import", "vendors.ndjson", "--json"], ["--json", "facility", "list", "--type", "nowhere"]];
        foreach (var args in mistakes)
        {
            var run = await AsOperator(args);
            Assert.True(run.Exit == 2, run.ToString());
            Assert.Equal("", run.Out);
            var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.NotEmpty(lines);
            Assert.All(lines, line => Assert.Equal("usage", JsonDocument.Parse(line).RootElement.GetProperty("code").GetString()));
        }

        // A person still gets the pointer to --help.
        var plain = await AsOperator("no-such-command");
        Assert.Equal(2, plain.Exit);
        Assert.StartsWith("usage: ", plain.Error, StringComparison.Ordinal);
        Assert.Contains("(retail --help lists the commands)", plain.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_user_logs_in_with_a_passcode_and_later_commands_use_the_stored_session()
    {
        const string email = "cli-login@example.com", passcode = "violet-harbour-57-kettle";
        var (created, _) = await host.OperatorPostAsync("/uas/user/create", new { email });
        Assert.Equal(201, created);
        var (_, verified) = await host.OperatorPostAsync("/uas/user/verify", new { email, token = host.LatestTokenFor(email) });
        var (set, _) = await host.OperatorPostAsync("/uas/passcode/set",
            new { email, passcode, passcode_token = verified.GetProperty("passcode_token").GetString() });
        Assert.Equal(200, set);

        Assert.Equal(0, (await Run("profile", "add", "me", "--url", CliHost.Url)).Exit);
        var login = await Run("login", "--email", email, "--passcode", passcode, "--json");
        Assert.True(login.Exit == 0, login.ToString());
        Assert.Equal("session", login.Json().GetProperty("auth").GetString());
        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_config, "profiles.json"), TestContext.Current.CancellationToken))
            .RootElement.GetProperty("profiles").GetProperty("me");
        Assert.Equal(email, stored.GetProperty("email").GetString());
        Assert.False(string.IsNullOrEmpty(stored.GetProperty("session_guid").GetString()));

        // The session is the credential now: the user creates their own org (pending until the operator activates it).
        var org = await Run("--json", "bootstrap", "--org", "cli-session", "--name", "Session GmbH");
        Assert.Equal(4, org.Exit);
        Assert.Equal("forbidden", JsonDocument.Parse(org.Error).RootElement.GetProperty("code").GetString());
        var mine = await Run("org", "list", "--json");
        Assert.True(mine.Exit == 0, mine.ToString());
        var only = Assert.Single(mine.Json().GetProperty("items").EnumerateArray());
        Assert.Equal(("cli-session", "pending"), (only.GetProperty("orgcode").GetString(), only.GetProperty("status").GetString()));

        var refused = await Run("login", "--email", email, "--passcode", "wrong-passcode-0000");
        Assert.Equal((4, "unauthenticated"), (refused.Exit, refused.Error.Split(':')[0]));
    }

    [Fact]
    public async Task a_catalog_import_runs_slice_by_slice_commits_and_the_records_exist_and_an_export_reads_them_back()
    {
        var org = await AsOperator("bootstrap", "--org", "cli-import", "--owner-email", "owner-import@example.com", "--json");
        Assert.True(org.Exit == 0, org.ToString());
        var file = Path.Combine(host.DataDir, "vendors-" + Guid.NewGuid().ToString("N")[..6] + ".ndjson");
        await File.WriteAllLinesAsync(file,
            Enumerable.Range(1, 7).Select(i => JsonSerializer.Serialize(new { vendor_code = $"vendor-{i}", name = $"Vendor {i}", country = "DE" })),
            TestContext.Current.CancellationToken);

        var import = await AsOperator("--org", "cli-import", "catalog", "import", file, "--entity", "pvm.vendor", "--slice-size", "3");
        Assert.True(import.Exit == 0, import.ToString());
        Assert.Contains("committed job", import.Out, StringComparison.Ordinal);
        Assert.Contains("reconciliation matched: true", import.Out, StringComparison.Ordinal);
        foreach (var i in new[] { 1, 4, 7 })
        {
            var (status, vendor) = await host.OperatorPostAsync("/pvm/vendor/get", new { vendor_code = $"vendor-{i}" }, "cli-import");
            Assert.Equal((200, $"Vendor {i}"), (status, vendor.GetProperty("name").GetString()));
        }

        // The same file again, as JSON: every record unchanged, the reconciliation still matches.
        var rerun = await AsOperator("--org", "cli-import", "catalog", "import", file, "--entity", "pvm.vendor", "--json");
        Assert.True(rerun.Exit == 0, rerun.ToString());
        var answer = rerun.Json();
        Assert.Equal(("committed", 7L, 7L), (answer.GetProperty("status").GetString(), answer.GetProperty("counts").GetProperty("unchanged").GetInt64(),
            answer.GetProperty("report").GetProperty("target_count").GetInt64()));
        Assert.True(answer.GetProperty("report").GetProperty("matched").GetBoolean());

        // A dry run validates and writes nothing; the rejected line is reported.
        var dry = Path.Combine(host.DataDir, "dry-" + Guid.NewGuid().ToString("N")[..6] + ".ndjson");
        await File.WriteAllLinesAsync(dry, ["""{"vendor_code":"dry-1","name":"Dry","country":"DE"}""", """{"vendor_code":"dry-2","name":"No country"}"""],
            TestContext.Current.CancellationToken);
        var validated = await AsOperator("--org", "cli-import", "--json", "catalog", "import", dry, "--entity", "pvm.vendor", "--dry-run");
        Assert.True(validated.Exit == 0, validated.ToString());
        var counts = validated.Json().GetProperty("counts");
        Assert.Equal((1L, 1L), (counts.GetProperty("created").GetInt64(), counts.GetProperty("rejected").GetInt64()));
        Assert.Equal("validated", validated.Json().GetProperty("status").GetString());
        Assert.Equal(404, (await host.OperatorPostAsync("/pvm/vendor/get", new { vendor_code = "dry-1" }, "cli-import")).Status);

        var output = Path.Combine(host.DataDir, "export-" + Guid.NewGuid().ToString("N")[..6] + ".ndjson");
        var export = await AsOperator("--org", "cli-import", "catalog", "export", "--entity", "pvm.vendor", "--out", output, "--part-size", "4", "--json");
        Assert.True(export.Exit == 0, export.ToString());
        Assert.Equal((2, 7L), (export.Json().GetProperty("parts").GetInt32(), export.Json().GetProperty("records").GetInt64()));
        var lines = await File.ReadAllLinesAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"vendor-{i}").Order(),
            lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("vendor_code").GetString()).Order());
    }

    [Fact]
    public async Task on_a_terminal_import_and_export_draw_live_progress_with_a_rate_and_plain_or_json_output_has_no_escape_codes()
    {
        Assert.Equal(0, (await AsOperator("bootstrap", "--org", "cli-progress", "--owner-email", "owner-progress@example.com")).Exit);
        var file = Path.Combine(host.DataDir, "progress-" + Guid.NewGuid().ToString("N")[..6] + ".ndjson");
        await File.WriteAllLinesAsync(file,
            Enumerable.Range(1, 9).Select(i => JsonSerializer.Serialize(new { vendor_code = $"progress-{i}", name = $"Vendor {i}", country = "DE" })),
            TestContext.Current.CancellationToken);
        string[] operatorIn = ["--url", CliHost.Url, "--api-key", CliHost.OperatorKey, "--org", "cli-progress"];

        var terminal = new RecordingTerminal();
        var import = await host.RunAsync(_config, terminal.Console, [.. operatorIn, "catalog", "import", file, "--entity", "pvm.vendor", "--slice-size", "3"]);
        Assert.True(import.Exit == 0, import + "\nterminal:\n" + terminal.Screen);
        Assert.Equal("", import.Out);
        var screen = terminal.Screen;
        Assert.Contains("\u001b[", screen, StringComparison.Ordinal);
        Assert.Contains("importing pvm.vendor", screen, StringComparison.Ordinal);
        // The bar's last frame: complete, with the run's rate (a number, not the "-" shown before one is measured).
        Assert.Matches(@"100%\S* +\d[\d,.]* rec/s", screen);
        Assert.Contains("reconciliation matched: true", screen, StringComparison.Ordinal);

        var output = Path.Combine(host.DataDir, "progress-export-" + Guid.NewGuid().ToString("N")[..6] + ".ndjson");
        terminal = new RecordingTerminal();
        var export = await host.RunAsync(_config, terminal.Console, [.. operatorIn, "catalog", "export", "--entity", "pvm.vendor", "--out", output]);
        Assert.True(export.Exit == 0, export + "\nterminal:\n" + terminal.Screen);
        Assert.Contains("exporting pvm.vendor", terminal.Screen, StringComparison.Ordinal);
        Assert.Contains("downloading", terminal.Screen, StringComparison.Ordinal);
        Assert.Contains("exported 9 records", terminal.Screen, StringComparison.Ordinal);

        // Without a terminal, plain and --json output carry no escape sequence; --json no progress either.
        var plain = await Run([.. operatorIn, "catalog", "import", file, "--entity", "pvm.vendor"]);
        Assert.True(plain.Exit == 0, plain.ToString());
        Assert.Contains("reconciliation matched: true", plain.Out, StringComparison.Ordinal);
        var json = await Run([.. operatorIn, "--json", "catalog", "import", file, "--entity", "pvm.vendor"]);
        Assert.True(json.Exit == 0, json.ToString());
        Assert.Equal("committed", json.Json().GetProperty("status").GetString());
        Assert.DoesNotContain("importing", json.Out, StringComparison.Ordinal);
        foreach (var run in new[] { plain, json })
        {
            Assert.DoesNotContain('\u001b', run.Out);
            Assert.DoesNotContain('\u001b', run.Error);
        }
    }

    [Fact]
    public async Task workflow_watch_follows_a_saga_to_completion_and_status_shows_it()
    {
        Assert.Equal(0, (await AsOperator("bootstrap", "--org", "cli-flow", "--owner-email", "owner-flow@example.com")).Exit);
        using (var client = host.CreateClient())
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/workflows/workflow/start")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { name = "FanOutSaga", instance_id = "cli-flow-1", input = new { reference = "r-1" } }),
        })
        {
            request.Headers.Add("x-api-key", CliHost.OperatorKey);
            request.Headers.Add("x-orgcode", "cli-flow");
            request.Headers.Add("Idempotency-Key", "cli-flow-1");
            using var started = await client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var watch = await AsOperator("--org", "cli-flow", "workflow", "watch", "cli-flow-1", "--interval", "0.2", "--timeout", "60");
        Assert.True(watch.Exit == 0, watch.ToString());
        Assert.Contains("cli-flow-1: completed", watch.Out, StringComparison.Ordinal);

        var status = await AsOperator("--org", "cli-flow", "--json", "workflow", "status", "cli-flow-1");
        Assert.Equal(("completed", "FanOutSaga"), (status.Json().GetProperty("runtime_status").GetString(), status.Json().GetProperty("name").GetString()));
        Assert.Equal(1, (await AsOperator("--org", "cli-flow", "workflow", "status", "no-such-instance")).Exit);
    }

    [Fact]
    public async Task an_org_export_is_requested_waited_for_and_downloaded_with_every_file_matching_the_manifest()
    {
        var org = await AsOperator("bootstrap", "--org", "cli-export", "--owner-email", "owner-export@example.com", "--json");
        Assert.True(org.Exit == 0, org.ToString());
        var ct = TestContext.Current.CancellationToken;

        // No export yet: the API's problem, exit 1.
        var none = await AsOperator("--org", "cli-export", "export", "download", "--out", Path.Combine(host.DataDir, "none"));
        Assert.Equal(1, none.Exit);
        Assert.Contains("not_found", none.Error, StringComparison.Ordinal);

        var requested = await AsOperator("--org", "cli-export", "--json", "export", "request", "--wait", "--timeout", "120");
        Assert.True(requested.Exit == 0, requested.ToString());
        var export = requested.Json();
        Assert.Equal("completed", export.GetProperty("status").GetString());
        var exportGuid = export.GetProperty("export_guid").GetString()!;

        var folder = Path.Combine(host.DataDir, "export-" + Guid.NewGuid().ToString("N")[..6]);
        var downloaded = await AsOperator("--org", "cli-export", "--json", "export", "download", exportGuid, "--out", folder);
        Assert.True(downloaded.Exit == 0, downloaded.ToString());
        var summary = downloaded.Json();

        using var manifest = JsonDocument.Parse(Gunzip(await File.ReadAllBytesAsync(Path.Combine(folder, "manifest.json.gz"), ct)));
        Assert.Equal(exportGuid, manifest.RootElement.GetProperty("export_guid").GetString());
        long records = 0;
        var listed = 0;
        foreach (var file in manifest.RootElement.GetProperty("services").EnumerateArray().SelectMany(s => s.GetProperty("files").EnumerateArray()))
        {
            var lines = System.Text.Encoding.UTF8.GetString(Gunzip(await File.ReadAllBytesAsync(Path.Combine(folder, file.GetProperty("name").GetString()!), ct)))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(file.GetProperty("records").GetInt64(), lines.Length);
            records += lines.Length;
            listed++;
        }
        Assert.True(records > 0);
        Assert.Equal((listed, records), (summary.GetProperty("files").GetInt32(), summary.GetProperty("records").GetInt64()));
        Assert.Equal(listed + 1, Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length);

        var status = await AsOperator("--org", "cli-export", "export", "status");
        Assert.True(status.Exit == 0, status.ToString());
        Assert.Contains($"export {exportGuid}: completed", status.Out, StringComparison.Ordinal);
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
