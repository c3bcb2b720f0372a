namespace Retail.Crm.Fraud;

/// <summary>
/// <see cref="ICustomerHolds"/> from the hold records: the hold in force (open or confirmed) is found by its unique value
/// <c>in_force</c> = the customer's guid, one lookup, never a scan.
/// </summary>
public sealed class CustomerHolds(RecordStore<FraudHold> holds) : ICustomerHolds
{
    public async Task<string?> OpenHoldOfAsync(string orgcode, string customerGuid, CancellationToken ct = default) =>
        string.IsNullOrWhiteSpace(customerGuid)
            ? null
            : (await holds.FindAsync(orgcode, FraudHold.InForceUnique, FraudApi.GuidKey(customerGuid), ct))?.Record.HoldGuid;
}
