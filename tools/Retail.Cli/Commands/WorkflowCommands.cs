using System.CommandLine;
using System.Text.Json;

namespace Retail.Cli.Commands;

/// <summary><c>retail workflow status|watch</c>: a saga instance of the workflows app, read once or polled until it ends.</summary>
public static class WorkflowCommands
{
    private static readonly HashSet<string> Ended = ["completed", "failed", "terminated", "canceled"];

    public static Command Build(CommandFactory commands)
    {
        var workflow = new Command("workflow", "Workflow (saga) instances of the workflows app");

        var statusId = new Argument<string>("id") { Description = "Instance id" };
        var status = new Command("status", "Show an instance's status, input, output and failure") { statusId };
        commands.Action(status, async (context, ct) =>
            context.Output.Record(await GetAsync(context.Api, context.Value(statusId)!, ct)));

        var watchId = new Argument<string>("id") { Description = "Instance id" };
        var interval = new Option<double>("--interval") { Description = "Seconds between polls", DefaultValueFactory = _ => 2 };
        var timeout = new Option<double?>("--timeout") { Description = "Give up after this many seconds (exit 3)" };
        var watch = new Command("watch", "Poll an instance until it ends; exit 0 when completed, 1 when failed, terminated or canceled")
        {
            watchId, interval, timeout,
        };
        commands.Action(watch, async (context, ct) =>
        {
            var id = context.Value(watchId)!;
            var every = TimeSpan.FromSeconds(Math.Max(0.1, context.Value(interval)));
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (context.Value(timeout) is { } seconds)
            {
                limit.CancelAfter(TimeSpan.FromSeconds(seconds));
            }
            string? seen = null;
            while (true)
            {
                JsonElement instance;
                try
                {
                    instance = await GetAsync(context.Api, id, limit.Token);
                    var runtime = Output.Field(instance, "runtime_status");
                    if (runtime != seen)
                    {
                        context.Output.Note($"{Output.Field(instance, "updated_at")} {Spectre.Console.Markup.Escape(id)}: {runtime}");
                        seen = runtime;
                    }
                    if (Ended.Contains(runtime))
                    {
                        context.Output.Record(instance);
                        return runtime == "completed" ? CliApp.Ok : CliApp.ApiProblem;
                    }
                    await Task.Delay(every, limit.Token);
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    await context.Output.ProblemAsync("timeout", $"{id} is still {seen} after {context.Value(timeout)} s");
                    return CliApp.Unreachable;
                }
            }
        });

        workflow.Subcommands.Add(status);
        workflow.Subcommands.Add(watch);
        return workflow;
    }

    private static Task<JsonElement> GetAsync(RetailApi api, string id, CancellationToken ct) =>
        api.PostAsync("/workflows/workflow/get", new { instance_id = id }, ct, api.RequireOrg());
}
