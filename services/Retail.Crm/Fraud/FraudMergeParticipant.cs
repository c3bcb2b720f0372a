using Retail.Crm.Customers;
using Retail.Crm.Merge;

namespace Retail.Crm.Fraud;

/// <summary>
/// A merge moves the merged customer's holds, assessments and order projection to the survivor, in the merge's batch.
/// At most one hold stays in force: when both customers have one, a confirmed hold wins over an open one, else the
/// survivor's own; the other ends <c>superseded</c> (<c>fraud.hold_resolved</c>). A hold moved in force publishes
/// <c>fraud.hold_moved</c>, so SCM blocks the survivor and no longer the merged customer.
/// </summary>
public sealed class FraudMergeParticipant(
    RecordStore<FraudHold> holds,
    RecordStore<FraudAssessment> assessments,
    RecordStore<CustomerOrderHistory> histories) : ICustomerMergeParticipant
{
    private const int PageSize = 200;

    public string Name => "fraud";

    public async Task<object?> StageAsync(string orgcode, Customer survivor, Customer merged, RecordBatch batch, CancellationToken ct)
    {
        var to = survivor.CustomerGuid;
        var from = merged.CustomerGuid;
        var movedHolds = await StageHoldsAsync(orgcode, to, from, batch, ct);
        var movedAssessments = 0;
        string? token = null;
        do
        {
            var page = await assessments.ListAsync(orgcode, [StateFilter.Eq("customer_guid", from)], PageSize, token,
                sort: [new StateSort("assessment_guid")], ct: ct);
            var loaded = await assessments.LoadManyAsync(orgcode, page.Items.Select(a => a.AssessmentGuid).ToList(), ct);
            foreach (var assessment in loaded.Values)
            {
                assessments.Update(batch, orgcode, assessment, assessment.Record with { CustomerGuid = to, MovedFrom = from });
                movedAssessments++;
            }
            token = page.NextToken;
        }
        while (token is not null);
        var orders = 0L;
        if (await histories.GetAsync(orgcode, from, ct: ct) is { } mergedHistory)
        {
            var survivorHistory = await histories.GetAsync(orgcode, to, ct: ct);
            var absorbed = (survivorHistory?.Record ?? new CustomerOrderHistory { CustomerGuid = to }).Absorb(mergedHistory.Record);
            if (survivorHistory is null)
            {
                histories.Create(batch, orgcode, absorbed);
            }
            else
            {
                histories.Update(batch, orgcode, survivorHistory, absorbed);
            }
            histories.Doom(batch, orgcode, mergedHistory);
            orders = mergedHistory.Record.OrdersPlaced;
        }
        return movedHolds == 0 && movedAssessments == 0 && orders == 0
            ? null
            : new { holds = movedHolds, assessments = movedAssessments, orders };
    }

    private async Task<int> StageHoldsAsync(string orgcode, string to, string from, RecordBatch batch, CancellationToken ct)
    {
        var mine = new List<Loaded<FraudHold>>();
        string? token = null;
        do
        {
            var page = await holds.ListAsync(orgcode, [StateFilter.Eq("customer_guid", from)], PageSize, token, sort: [new StateSort("hold_guid")], ct: ct);
            mine.AddRange((await holds.LoadManyAsync(orgcode, page.Items.Select(h => h.HoldGuid).ToList(), ct)).Values);
            token = page.NextToken;
        }
        while (token is not null);
        if (mine.Count == 0)
        {
            return 0;
        }
        var survivorsHold = await holds.FindAsync(orgcode, FraudHold.InForceUnique, to, ct);
        var mergedInForce = mine.FirstOrDefault(h => h.Record.InForce);
        Loaded<FraudHold>? superseded = null;
        if (survivorsHold is not null && mergedInForce is not null)
        {
            var mergedWins = mergedInForce.Record.Status == HoldStatus.Confirmed && survivorsHold.Record.Status == HoldStatus.Open;
            var (loser, winner) = mergedWins ? (survivorsHold, mergedInForce) : (mergedInForce, survivorsHold);
            superseded = loser;
            // Staged first: it frees the survivor's in-force value before a moved hold takes it.
            var ended = loser.Record with { Status = HoldStatus.Superseded, SupersededBy = winner.Record.HoldGuid, CustomerGuid = to,
                MovedFrom = loser == mergedInForce ? from : loser.Record.MovedFrom };
            holds.Update(batch, orgcode, loser, ended, "status_changed",
                [FraudEvents.Hold(CrmEvents.FraudHoldResolved, orgcode, ended, loser.Record.Revision + 1)]);
        }
        foreach (var hold in mine.Where(h => !ReferenceEquals(h, superseded)))
        {
            var moved = hold.Record with { CustomerGuid = to, MovedFrom = from };
            holds.Update(batch, orgcode, hold, moved, "updated",
                moved.InForce ? [FraudEvents.Hold(CrmEvents.FraudHoldMoved, orgcode, moved, hold.Record.Revision + 1)] : null);
        }
        return mine.Count;
    }
}
