using System.Security.Cryptography;
using System.Text;
using Dapr.Workflow;
using Retail.Pmc.Products;

namespace Retail.Pmc.Runs.Activities;

/// <summary>
/// Finish: the run completes. With <c>go_online</c> and at least one revision, its products go online together as a
/// pack through <see cref="ProductSwitch"/>, with the pack record and the run's completion in the same transaction, so
/// a cancel and a finish never both win; otherwise the run's completion commits on its own.
/// </summary>
public sealed class FinishRunActivity(RunLedger ledger, RecordStore<RunItem> items, RecordStore<Pack> packs, RevisionWriter writer,
    ProductSwitch products) : WorkflowActivity<RunPageInput, RunPage>
{
    public override async Task<RunPage> RunAsync(WorkflowActivityContext context, RunPageInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        string? refusal = null;
        for (var attempt = 0; attempt < RunLedger.Attempts; attempt++)
        {
            var loaded = await ledger.Runs.GetAsync(org, input.RunGuid);
            if (loaded is null)
            {
                return new RunPage(RunStage.Done, RunStatus.Failed, false, true);
            }
            var run = loaded.Record;
            if (run.IsFinished || run.Stage != RunStage.Finish)
            {
                return RunLedger.Where(run);
            }
            var now = ledger.Now;
            var done = run with { Status = RunStatus.Completed, Stage = RunStage.Done, FinishedAt = now };
            var online = run.GoOnline ? await PackItemsAsync(org, run) : [];
            if (online.Count > Pack.MaxItems)
            {
                throw new InvalidOperationException($"the run has {online.Count} products; a pack takes at most {Pack.MaxItems}");
            }
            if (online.Count > 0)
            {
                var packGuid = PackGuidOf(run.RunGuid);
                done = done with { PackGuid = packGuid };
                var result = await products.GoOnlineAsync(org, run.ChannelCode, packGuid, online,
                    async (batch, ct) =>
                    {
                        packs.Create(batch, org, new Pack
                        {
                            PackGuid = packGuid,
                            ChannelCode = run.ChannelCode,
                            Name = $"Publish run {run.RunGuid}",
                            Reason = run.Reason,
                            Items = online,
                            Status = PackStatus.Completed,
                            RunGuid = run.RunGuid,
                            CreatedBy = run.StartedBy,
                            CompletedAt = now,
                            CompletedBy = run.StartedBy,
                        });
                        Complete(batch, org, loaded, done);
                        await StageLastRunAsync(batch, org, done, ct);
                        return null;
                    }, default);
                if (result.Problem is null)
                {
                    return RunLedger.Where(done);
                }
                refusal = result.Problem.ProblemDetails.Detail ?? result.Problem.ProblemDetails.Title;
                continue;
            }
            var single = new RecordBatch();
            Complete(single, org, loaded, done);
            await StageLastRunAsync(single, org, done, default);
            if ((await single.CommitAsync()).Succeeded)
            {
                return RunLedger.Where(done);
            }
        }
        throw new InvalidOperationException($"publish run {input.RunGuid} could not finish: {refusal ?? "it kept changing"}");
    }

    /// <summary>The same pack guid on every attempt of this run's finish (a UUID made from the run's).</summary>
    public static string PackGuidOf(string runGuid)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"pmc-pack:{runGuid}")).AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    private void Complete(RecordBatch batch, string org, Loaded<PublishRun> loaded, PublishRun done) =>
        ledger.Runs.Update(batch, org, loaded, done, "status_changed", [RunLedger.Changed(PmcEvents.RunFinished, org, done)]);

    private Task StageLastRunAsync(RecordBatch batch, string org, PublishRun done, CancellationToken ct) =>
        writer.StageRunFinishedAsync(batch, org, done.ChannelCode, done.RunGuid, done.FinishedAt!.Value, ct);

    /// <summary>Every product the run wrote or found unchanged, at its revision, in selection order.</summary>
    private async Task<IReadOnlyList<PackItem>> PackItemsAsync(string org, PublishRun run)
    {
        var online = new List<PackItem>();
        string? token = null;
        do
        {
            var page = await items.ListAsync(org, [StateFilter.Eq("run_guid", run.RunGuid)], Paging.MaxLimit, token, sort: [new StateSort("seq")]);
            online.AddRange(page.Items.Where(i => i.RevisionNo is not null).Select(i => new PackItem(i.StyleGuid, i.RevisionNo!.Value)));
            token = page.NextToken;
        }
        while (token is not null);
        return online;
    }
}
