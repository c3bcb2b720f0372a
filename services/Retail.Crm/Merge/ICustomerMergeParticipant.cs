using Retail.Crm.Customers;

namespace Retail.Crm.Merge;

/// <summary>
/// What a customer merge asks of each CRM area that holds records of a customer (consent, flags, loyalty ledgers, gift
/// cards, holds, certificates). The merge loads the two customers, then asks every participant (registered as
/// <c>IEnumerable&lt;ICustomerMergeParticipant&gt;</c>) to stage its moves into the SAME <see cref="RecordBatch"/> with the
/// ETags it read, and commits once: a redemption racing the merge either lands before it (and is moved) or fails its ETag
/// check and is retried against the survivor — nothing is lost or counted twice.
/// </summary>
public interface ICustomerMergeParticipant
{
    /// <summary>A short name for the merge record's summary (<c>loyalty</c>, <c>giftcards</c>, …).</summary>
    string Name { get; }

    /// <summary>
    /// Stages this area's moves from <paramref name="merged"/> to <paramref name="survivor"/> in <paramref name="batch"/>
    /// and answers what it moved (for the merge record, e.g. <c>{ "points": 120, "cards": 2 }</c>), or null for nothing.
    /// </summary>
    Task<object?> StageAsync(string orgcode, Customer survivor, Customer merged, RecordBatch batch, CancellationToken ct);
}
