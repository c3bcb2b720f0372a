using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Pmc;

/// <summary>Runs on hosts of their own: manual runs (one stage per step, cancel between stages, a host restart in the middle) and a run of many short workflow generations.</summary>
public sealed class RunManualTests
{
    [Fact]
    public async Task a_manual_run_advances_one_stage_per_step_and_refuses_a_step_while_a_stage_runs()
    {
        await using var factory = RunSteps.Host(pageSize: 2);
        using var @operator = factory.CreateOperatorClient();
        var org = await PmcHost.NewOrgAsync(factory, @operator);
        await org.NewStyle("polo", variants: 2, gtinBase: 740_000_000_000);
        await org.NewStyle("crew", variants: 1, gtinBase: 741_000_000_000);

        var started = await org.StartRun(new { kind = "all" }, mode: "manual");
        var selected = await org.Waiting(started.Guid());
        Assert.Equal("awaiting_step", selected.Status());
        Assert.Equal("evaluate", selected.Stage());
        Assert.Equal(3, selected.Count("styles_selected"));
        Assert.Equal(0, selected.Count("styles_evaluated"));
        await org.Post("/pmc/publish/run/manifest/presign", new { run_guid = started.Guid() })
            .Problem(HttpStatusCode.UnprocessableEntity, "manifest_not_ready");

        var stepped = await org.Step(started.Guid()).Ok();
        Assert.Equal("running", stepped.Status());
        await org.Step(started.Guid()).Problem(HttpStatusCode.Conflict, "run_not_waiting");
        var evaluated = await org.Waiting(started.Guid());
        Assert.Equal("write", evaluated.Stage());
        Assert.Equal(3, evaluated.Count("styles_evaluated"));
        Assert.Equal(9, evaluated.Count("variants_published"));
        Assert.Equal(0, evaluated.Count("revisions_written"));
        // The manifest list shows the verdicts while the run goes on; revisions come at write.
        var entries = await org.Manifest(started.Guid());
        Assert.Equal(9, entries.Count);
        Assert.All(entries, e => Assert.Equal(System.Text.Json.JsonValueKind.Null, e.GetProperty("revision_no").ValueKind));

        await org.Step(started.Guid()).Ok();
        var written = await org.Waiting(started.Guid());
        Assert.Equal("manifest", written.Stage());
        Assert.Equal(3, written.Count("revisions_written"));
        Assert.All(await org.Manifest(started.Guid()), e => Assert.Equal(1, e.GetProperty("revision_no").GetInt32()));

        await org.Step(started.Guid()).Ok();
        var manifested = await org.Waiting(started.Guid());
        Assert.Equal("finish", manifested.Stage());
        Assert.Equal("awaiting_step", manifested.Status());
        var part = Assert.Single((await org.Post("/pmc/publish/run/manifest/presign", new { run_guid = started.Guid() }).Ok())
            .GetProperty("parts").EnumerateArray());
        Assert.Equal(9, (await factory.DownloadPart(part.Text("download_url")!)).Count);

        await org.Step(started.Guid()).Ok();
        var done = await org.Finish(started.Guid());
        Assert.Equal("completed", done.Status());
        Assert.Equal("done", done.Stage());
        await org.Step(started.Guid()).Problem(HttpStatusCode.Conflict, "run_finished");

        // An auto run is never waiting for a step.
        var auto = await org.StartRun(new { kind = "style", guid = org.StyleGuid });
        using var early = await org.Step(auto.Guid());
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains(await early.ProblemCodeAsync(), new[] { "run_not_waiting", "run_finished" });
    }

    [Fact]
    public async Task a_manual_run_cancelled_after_select_ends_cancelled_and_evaluates_nothing_more()
    {
        await using var factory = RunSteps.Host(pageSize: 2);
        using var @operator = factory.CreateOperatorClient();
        var org = await PmcHost.NewOrgAsync(factory, @operator);
        var started = await org.StartRun(new { kind = "style", guid = org.StyleGuid }, mode: "manual", goOnline: true);
        var selected = await org.Waiting(started.Guid());
        Assert.Equal("evaluate", selected.Stage());

        var cancelled = await org.Cancel(started.Guid()).Ok();
        Assert.Equal("cancelled", cancelled.Status());
        await org.Step(started.Guid()).Problem(HttpStatusCode.Conflict, "run_finished");
        await org.Cancel(started.Guid()).Problem(HttpStatusCode.Conflict, "run_finished");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var after = await org.Run(started.Guid());
        Assert.Equal("cancelled", after.Status());
        Assert.Equal("evaluate", after.Stage());
        Assert.Equal(1, after.Count("styles_selected"));
        Assert.Equal(0, after.Count("styles_evaluated"));
        Assert.Equal(0, after.Count("revisions_written"));
        Assert.Empty(await org.Manifest(started.Guid()));
        Assert.NotNull(after.Text("finished_at"));
    }

    [Fact]
    public async Task a_manual_run_goes_on_after_a_host_restart_and_completes_with_the_right_counts()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            PmcOrg org;
            string session;
            string runGuid;
            var first = RunSteps.Host(pageSize: 2, dataDir);
            try
            {
                using var @operator = first.CreateOperatorClient();
                org = await PmcHost.NewOrgAsync(first, @operator);
                session = org.Owner.Client.DefaultRequestHeaders.GetValues(CredentialHeaders.Session).Single();
                await org.NewStyle("polo", variants: 2, gtinBase: 750_000_000_000);
                await org.NewStyle("crew", variants: 3, gtinBase: 751_000_000_000);
                runGuid = (await org.StartRun(new { kind = "all" }, mode: "manual")).Guid();
                Assert.Equal("evaluate", (await org.Waiting(runGuid)).Stage());
                await org.Step(runGuid).Ok();
                var evaluated = await org.Waiting(runGuid);
                Assert.Equal("write", evaluated.Stage());
                Assert.Equal(11, evaluated.Count("variants_published"));
            }
            finally
            {
                await first.DisposeAsync();
            }

            await using var second = RunSteps.Host(pageSize: 2, dataDir);
            var client = second.CreateClient();
            client.DefaultRequestHeaders.Add(CredentialHeaders.Session, session);
            var restarted = org with { Owner = org.Owner with { Client = client } };
            var waiting = await restarted.Run(runGuid);
            Assert.Equal("awaiting_step", waiting.Status());
            Assert.Equal("write", waiting.Stage());
            foreach (var next in new[] { "manifest", "finish" })
            {
                await restarted.Step(runGuid).Ok();
                Assert.Equal(next, (await restarted.Waiting(runGuid)).Stage());
            }
            await restarted.Step(runGuid).Ok();
            var done = await restarted.Finish(runGuid);
            Assert.Equal("completed", done.Status());
            Assert.Equal(3, done.Count("styles_selected"));
            Assert.Equal(3, done.Count("styles_evaluated"));
            Assert.Equal(11, done.Count("variants_selected"));
            Assert.Equal(11, done.Count("variants_published"));
            Assert.Equal(3, done.Count("revisions_written"));
            var manifest = await restarted.Manifest(runGuid);
            Assert.Equal(11, manifest.Count);
            Assert.All(manifest, e => Assert.Equal(1, e.GetProperty("revision_no").GetInt32()));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task a_run_of_many_pages_continues_as_new_workflow_generations_and_completes_with_every_style()
    {
        await using var factory = RunSteps.Host(pageSize: 1);
        factory.Settings["Pmc:Runs:PagesPerGeneration"] = "2";
        using var @operator = factory.CreateOperatorClient();
        var org = await PmcHost.NewOrgAsync(factory, @operator);
        await org.NewStyle("polo", variants: 2, gtinBase: 780_000_000_000);
        await org.NewStyle("crew", variants: 3, gtinBase: 781_000_000_000);
        await org.NewStyle("henley", variants: 1, gtinBase: 782_000_000_000);

        var run = await org.Finish((await org.StartRun(new { kind = "all" })).Guid());
        Assert.Equal("completed", run.Status());
        Assert.Equal(4, run.Count("styles_selected"));
        Assert.Equal(4, run.Count("styles_evaluated"));
        Assert.Equal(12, run.Count("variants_published"));
        Assert.Equal(4, run.Count("revisions_written"));
        Assert.Equal(12, (await org.Manifest(run.Guid())).Count);
    }
}
