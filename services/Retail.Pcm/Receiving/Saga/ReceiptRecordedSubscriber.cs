using System.Text.Json;
using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Json;
using Retail.Workflows.Scheduling;

namespace Retail.Pcm.Receiving.Saga;

/// <summary>
/// receipt.recorded (PCM's own event, committed with the receipt) starts the receipt's saga when it has not started: the
/// handler of /receipt/record starts it right after the commit, and this covers a process that stopped in between.
/// Starting twice is a duplicate the scheduler refuses, so a repeated delivery does nothing.
/// </summary>
public static class ReceiptRecordedSubscriber
{
    public static IEndpointRouteBuilder MapReceiptRecordedSubscriber(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/receipt-recorded", OnReceiptRecorded).WithTopic(pubSub, PcmEvents.ReceiptRecorded).RequireInternal().ExcludeFromDescription();
        return routes;
    }

    /// <summary>A start that fails here throws, so the delivery fails and the event comes again (at least once).</summary>
    public static async Task<Results<Ok, BadRequest>> OnReceiptRecorded(HttpContext http, RecordStore<Receipt> receipts, IWorkflowScheduler scheduler,
        CancellationToken ct)
    {
        var (orgcode, recorded) = await OrgEventBody.ReadAsync<ReceiptChanged>(http, ct);
        if (orgcode is null || recorded is not { ReceiptGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        var receipt = (await receipts.GetAsync(orgcode, recorded.ReceiptGuid, ct: ct))?.Record;
        if (receipt is { Status: ReceiptStatus.Recorded } && await scheduler.GetAsync(Receipt.InstanceIdOf(orgcode, receipt.ReceiptGuid), ct) is null)
        {
            var input = JsonSerializer.SerializeToElement(new ProcureToStockInput(orgcode, receipt.ReceiptGuid), RetailJson.Storage);
            await scheduler.StartAsync(nameof(ProcureToStockWorkflow), Receipt.InstanceIdOf(orgcode, receipt.ReceiptGuid), input, ct);
        }
        return TypedResults.Ok();
    }
}
