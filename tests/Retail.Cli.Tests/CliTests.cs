using System.Net;
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

    /// <summary>Runs the CLI through <paramref name="handler"/> instead of the host: a stub answering what the host cannot be made to.</summary>
    private async Task<CliRun> RunThrough(HttpMessageHandler handler, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, handler, _config, TestContext.Current.CancellationToken);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    private async Task StartWorkflowAsync(string org, string name, string instanceId, object? input)
    {
        var (status, body) = await host.OperatorPostAsync("/workflows/workflow/start", new { name, instance_id = instanceId, input }, org);
        Assert.True(status == 200, body.ToString());
    }

    [Fact]
    public async Task profiles_are_kept_owner_only_and_listed_without_their_credentials()
    {
        var add = await Run("profile", "add", "local", "--url", CliHost.Url, "--api-key", "very-secret-key", "--org", "acme");
        Assert.True(add.Exit == 0, add.ToString());
        var file = Path.Combine(_config, "profiles.json");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_config));
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
            "--country", "DE", "--facility", "store-berlin", "--channel", "pos-berlin:pos", "--market", "de", "--locale", "de-DE", "--currency", "EUR",
            "--invite", "colleague-flags@example.com:admin", "--invite", "helper-flags@example.com", "--json",
        ];
        var first = await AsOperator(args);
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Equal(
        [
            "owner owner-flags@example.com: signed up (verification mailed)", "org cli-flags: created", "org cli-flags: activated",
            "physical facility site-1: created", "legal facility entity-1: created", "logical facility store-berlin: created",
            "sales channel pos-berlin: created", "invite colleague-flags@example.com: invited", "invite helper-flags@example.com: invited",
        ], Outcomes(first));

        var (status, org) = await host.OperatorPostAsync("/ofm/org/get", new { orgcode = "cli-flags" });
        Assert.Equal((200, "active", "Flags Retail GmbH"), (status, org.GetProperty("status").GetString(), org.GetProperty("legal_name").GetString()));
        var (_, facility) = await host.OperatorPostAsync("/ofm/resolve/facility", new { facility_code = "store-berlin" }, "cli-flags");
        Assert.Equal("logical", facility.GetProperty("facility_type").GetString());
        var (_, channel) = await host.OperatorPostAsync("/ofm/sales-channel/resolve", new { channel_code = "pos-berlin" }, "cli-flags");
        Assert.True(channel.GetProperty("active").GetBoolean());
        var (_, invites) = await host.OperatorPostAsync("/ofm/member/invite/list", new { status = "pending" }, "cli-flags");
        Assert.Equal([("colleague-flags@example.com", "admin"), ("helper-flags@example.com", "member")], invites.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("email").GetString(), i.GetProperty("role").GetString())).Order());

        var again = await AsOperator(args);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.Equal(
        [
            "owner owner-flags@example.com: exists", "org cli-flags: exists", "physical facility site-1: exists", "legal facility entity-1: exists",
            "logical facility store-berlin: exists", "sales channel pos-berlin: exists", "invite colleague-flags@example.com: exists",
            "invite helper-flags@example.com: exists",
        ], Outcomes(again));
        Assert.Equal(2, (await host.OperatorPostAsync("/ofm/member/invite/list", new { status = "pending" }, "cli-flags")).Body.GetProperty("items").GetArrayLength());
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
    public async Task facilities_a_channel_and_an_invite_created_one_by_one_are_there_and_the_accepted_member_is_listed()
    {
        Assert.Equal(0, (await AsOperator("bootstrap", "--org", "cli-data", "--owner-email", "owner-data@example.com")).Exit);
        string[] inOrg = ["--org", "cli-data", "--json"];

        var site = await AsOperator([.. inOrg, "facility", "create", "--type", "physical", "--code", "site-data", "--name", "Data site", "--time-zone", "Europe/Berlin"]);
        Assert.True(site.Exit == 0, site.ToString());
        var entity = await AsOperator([.. inOrg, "facility", "create", "--type", "legal", "--code", "entity-data", "--name", "Data Retail GmbH", "--country", "DE"]);
        Assert.True(entity.Exit == 0, entity.ToString());
        var store = await AsOperator([.. inOrg, "facility", "create", "--code", "store-data", "--name", "Data store", "--kind", "store",
            "--physical", "site-data", "--legal", "entity-data"]);
        Assert.True(store.Exit == 0, store.ToString());
        Assert.Equal("store-data", store.Json().GetProperty("facility_code").GetString());
        foreach (var (type, code) in new[] { ("physical", "site-data"), ("legal", "entity-data"), ("logical", "store-data") })
        {
            var (status, resolved) = await host.OperatorPostAsync("/ofm/resolve/facility", new { facility_code = code }, "cli-data");
            Assert.Equal((200, type), (status, resolved.GetProperty("facility_type").GetString()));
            var listed = await AsOperator([.. inOrg, "facility", "list", "--type", type]);
            Assert.Equal([code], listed.Json().GetProperty("items").EnumerateArray().Select(f => f.GetProperty("facility_code").GetString()));
        }
        // No --name: the code is the name, as in bootstrap, so the request is valid and the code's uniqueness refuses it.
        var again = await AsOperator("--org", "cli-data", "facility", "create", "--code", "store-data", "--physical", "site-data", "--legal", "entity-data");
        Assert.Equal((1, "duplicate"), (again.Exit, again.Error.Split(':')[0]));

        var channel = await AsOperator([.. inOrg, "channel", "create", "--code", "web-data", "--name", "Data web shop", "--market", "de",
            "--locale", "de-DE", "--locale", "en-GB", "--currency", "EUR", "--facility", "store-data"]);
        Assert.True(channel.Exit == 0, channel.ToString());
        var (_, web) = await host.OperatorPostAsync("/ofm/sales-channel/resolve", new { channel_code = "web-data" }, "cli-data");
        var record = web.GetProperty("record");
        Assert.Equal(("ecom", "store-data", "EUR"), (record.GetProperty("kind").GetString(), record.GetProperty("facility_code").GetString(),
            record.GetProperty("currency").GetString()));
        Assert.Equal(["de-DE", "en-GB"], record.GetProperty("locale_codes").EnumerateArray().Select(l => l.GetString()));
        var channels = await AsOperator("--org", "cli-data", "channel", "list");
        Assert.Contains("Data web shop", channels.Out, StringComparison.Ordinal);

        // Invited by the CLI, accepted by the colleague (signed in), listed by the CLI.
        const string colleague = "colleague-data@example.com";
        var userGuid = await host.CreateUserWithPasscodeAsync(colleague, "amber-lantern-42-orchard");
        var invite = await AsOperator([.. inOrg, "member", "invite", colleague, "--role", "admin"]);
        Assert.True(invite.Exit == 0, invite.ToString());
        var (_, pending) = await host.OperatorPostAsync("/ofm/member/invite/list", new { status = "pending" }, "cli-data");
        var listedInvite = Assert.Single(pending.GetProperty("items").EnumerateArray());
        Assert.Equal((colleague, "admin"), (listedInvite.GetProperty("email").GetString(), listedInvite.GetProperty("role").GetString()));
        Assert.Empty((await AsOperator([.. inOrg, "member", "list"])).Json().GetProperty("items").EnumerateArray());

        var signIn = Path.Combine(host.DataDir, "colleague-" + Guid.NewGuid().ToString("N")[..6]);
        var login = await host.RunAsync(signIn, "--url", CliHost.Url, "login", "--email", colleague, "--passcode", "amber-lantern-42-orchard");
        Assert.True(login.Exit == 0, login.ToString());
        var session = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(signIn, "profiles.json"), TestContext.Current.CancellationToken))
            .RootElement.GetProperty("profiles").GetProperty("default").GetProperty("session_guid").GetString()!;
        var (accepted, _) = await host.UserPostAsync(session, "/ofm/member/invite/accept",
            new { invite_guid = invite.Json().GetProperty("invite_guid").GetString() }, "cli-data");
        Assert.Equal(200, accepted);

        var members = await AsOperator([.. inOrg, "member", "list"]);
        Assert.True(members.Exit == 0, members.ToString());
        var member = Assert.Single(members.Json().GetProperty("items").EnumerateArray());
        Assert.Equal((userGuid, "admin"), (member.GetProperty("user_guid").GetString(), member.GetProperty("role").GetString()));
        var table = await AsOperator("--org", "cli-data", "member", "list");
        Assert.Contains(userGuid, table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task login_with_a_good_api_key_stores_it_and_a_later_command_needs_no_flags()
    {
        var org = await AsOperator("bootstrap", "--org", "cli-keyed", "--owner-email", "owner-keyed@example.com", "--facility", "store-keyed");
        Assert.True(org.Exit == 0, org.ToString());

        var login = await Run("--url", CliHost.Url, "--api-key", CliHost.OperatorKey, "--org", "cli-keyed", "login", "--json");
        Assert.True(login.Exit == 0, login.ToString());
        Assert.Equal(("default", "api_key"), (login.Json().GetProperty("profile").GetString(), login.Json().GetProperty("auth").GetString()));
        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_config, "profiles.json"), TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("default", stored.GetProperty("current").GetString());
        Assert.Equal((CliHost.OperatorKey, "cli-keyed"),
            (stored.GetProperty("profiles").GetProperty("default").GetProperty("api_key").GetString(), stored.GetProperty("profiles").GetProperty("default").GetProperty("org").GetString()));

        // No --url, --api-key or --org: the profile's key and org are sent.
        var facilities = await Run("facility", "list", "--json");
        Assert.True(facilities.Exit == 0, facilities.ToString());
        Assert.Equal(["store-keyed"], facilities.Json().GetProperty("items").EnumerateArray().Select(f => f.GetProperty("facility_code").GetString()));
        var current = await Run("org", "get", "--json");
        Assert.Equal(("cli-keyed", "active"), (current.Json().GetProperty("orgcode").GetString(), current.Json().GetProperty("status").GetString()));
    }

    [Fact]
    public async Task a_5xx_answer_exits_3_with_the_problem_on_stderr()
    {
        var problem = """{"type":"about:blank","title":"Internal Server Error","status":500,"code":"internal_error","detail":"the store is on fire"}""";
        using (var handler = new FixedAnswerHandler(HttpStatusCode.InternalServerError, problem, "application/problem+json"))
        {
            var plain = await RunThrough(handler, "--url", "http://retail.test", "--api-key", "k", "org", "list");
            Assert.True(plain.Exit == 3, plain.ToString());
            Assert.Equal("internal_error: the store is on fire", plain.Error.TrimEnd());
            var json = await RunThrough(handler, "--url", "http://retail.test", "--api-key", "k", "--json", "org", "list");
            Assert.Equal(3, json.Exit);
            var answered = JsonDocument.Parse(json.Error).RootElement;
            Assert.Equal(("internal_error", 500), (answered.GetProperty("code").GetString(), answered.GetProperty("status").GetInt32()));
        }

        // A gateway's error page, not a problem document: still exit 3, with the status in the code.
        using var gateway = new FixedAnswerHandler(HttpStatusCode.BadGateway, "<html>502 Bad Gateway</html>", "text/html");
        var proxied = await RunThrough(gateway, "--url", "http://retail.test", "--api-key", "k", "--org", "acme", "channel", "list");
        Assert.True(proxied.Exit == 3, proxied.ToString());
        Assert.StartsWith("http_502: <html>502 Bad Gateway</html>", proxied.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task workflow_watch_exits_1_when_the_instance_fails_and_3_when_it_outlasts_its_timeout()
    {
        Assert.Equal(0, (await AsOperator("bootstrap", "--org", "cli-flow-end", "--owner-email", "owner-flow-end@example.com")).Exit);
        // FanOutSaga refuses a missing input: the instance fails.
        await StartWorkflowAsync("cli-flow-end", "FanOutSaga", "cli-fails-1", null);
        var failed = await AsOperator("--org", "cli-flow-end", "workflow", "watch", "cli-fails-1", "--interval", "0.2", "--timeout", "60");
        Assert.True(failed.Exit == 1, failed.ToString());
        Assert.Contains("cli-fails-1: failed", failed.Out, StringComparison.Ordinal);

        // ApprovalSaga waits an hour for its approval: the watch gives up first.
        await StartWorkflowAsync("cli-flow-end", "ApprovalSaga", "cli-waits-1", new { reference = "r-1", timeout_seconds = 3600 });
        var waiting = await AsOperator("--org", "cli-flow-end", "workflow", "watch", "cli-waits-1", "--interval", "0.2", "--timeout", "1");
        Assert.True(waiting.Exit == 3, waiting.ToString());
        Assert.Equal("timeout: cli-waits-1 is still running after 1 s", waiting.Error.TrimEnd());
        var json = await AsOperator("--org", "cli-flow-end", "--json", "workflow", "watch", "cli-waits-1", "--interval", "0.2", "--timeout", "1");
        Assert.Equal(3, json.Exit);
        Assert.Equal("timeout", JsonDocument.Parse(json.Error).RootElement.GetProperty("code").GetString());
        Assert.Equal("", json.Out);
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
        await host.CreateUserWithPasscodeAsync(email, passcode);

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
