namespace Retail.Shared.Contract;

/// <summary>
/// Where the deployment's operator key comes from: configuration <c>Retail:OperatorKey</c> in the host,
/// the Dapr secret store in Dapr mode. Null when none is configured (then no operator key works).
/// </summary>
public interface IOperatorKeyProvider
{
    ValueTask<string?> GetOperatorKeyAsync(CancellationToken cancellationToken);
}
