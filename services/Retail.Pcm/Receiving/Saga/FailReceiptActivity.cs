using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Retail.Pcm.Buying;
using Retail.Shared;
using Retail.Shared.Collaboration;

namespace Retail.Pcm.Receiving.Saga;

/// <summary>
/// Compensation: ICS refused the receipt, so it is <c>failed</c> with ICS's code and detail, the PO's lines give back what
/// it counted in <c>received</c>, and the member who recorded it finds an inbox item about it, all in one batch with
/// receipt.failed. A receipt no longer <c>recorded</c> was handled by an earlier attempt: nothing happens.
/// </summary>
public sealed class FailReceiptActivity(RecordStore<Receipt> receipts, RecordStore<PurchaseOrder> pos, IServiceProvider services, TimeProvider clock)
    : WorkflowActivity<FailReceiptInput, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, FailReceiptInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var org = input.Orgcode;
        var inbox = services.GetRequiredKeyedService<CollaborationKit>(PcmModule.Id).Inbox;
        for (var attempt = 0; attempt < CompleteReceiptActivity.Attempts; attempt++)
        {
            var loaded = await receipts.GetAsync(org, input.ReceiptGuid);
            if (loaded is null || loaded.Record.Status != ReceiptStatus.Recorded)
            {
                return loaded is null ? "missing" : Retail.Shared.Json.SnakeCase.Name(loaded.Record.Status);
            }
            var po = await pos.GetAsync(org, loaded.Record.PoGuid) ?? throw new InvalidOperationException($"receipt {input.ReceiptGuid}: its PO is gone");
            var detail = input.Detail is { Length: > 1000 } text ? text[..1000] : input.Detail;
            var receipt = loaded.Record with { Status = ReceiptStatus.Failed, FailureCode = input.Code, FailureDetail = detail, FailedAt = clock.GetUtcNow() };
            var batch = new RecordBatch();
            receipts.Update(batch, org, loaded, receipt, "status_changed",
                [ReceivingEvents.Of(PcmEvents.ReceiptFailed, org, receipt, loaded.Record.Revision + 1)]);
            pos.Update(batch, org, po, ReceiptRules.GivenBack(po.Record, receipt));
            if (Guid.TryParse(receipt.ReceivedBy, out var member))
            {
                inbox.Create(batch, org, new InboxItem
                {
                    InboxItemGuid = Ids.New(),
                    Title = $"Receipt against {receipt.PoNumber} was not stocked",
                    Body = $"ICS refused it ({input.Code}): {detail}. The PO's received quantities were given back; record it again once fixed.",
                    SubjectEntity = Receipt.Type.Entity,
                    SubjectKey = receipt.ReceiptGuid,
                    Assignee = new Assignee(AssigneeKind.Member, member.ToString()),
                    Priority = InboxPriority.High,
                    CreatedBy = "service:pcm",
                });
            }
            var write = await batch.CommitAsync();
            if (write.Succeeded)
            {
                return "failed";
            }
        }
        throw new InvalidOperationException($"receipt {input.ReceiptGuid}: its PO kept changing while it was compensated");
    }
}
