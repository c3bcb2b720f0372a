namespace Retail.Pmc.Products;

/// <summary>What a switch did: written, or the problem that stopped all of it (nothing changed then).</summary>
public sealed record SwitchResult(ProblemHttpResult? Problem, IReadOnlyList<ChannelProduct> Products);

/// <summary>
/// Moves pointers and takes products online. Every pointer write of PMC goes through here (pointer/online endpoints,
/// pack complete, a run's go-online finish), so the storefront read side is told the same way each time.
/// </summary>
public sealed class ProductSwitch
{
    /// <summary>
    /// Sets each item's pointer to its revision and takes it online, all in ONE state transaction together with whatever
    /// <paramref name="stageExtra"/> stages in the same batch (a pack's or a run's own record), with
    /// <c>pmc.pack.completed</c>; then tells the storefront index. Each item's revision must exist (else 422
    /// <c>unknown_revision</c> and nothing changes). A concurrent change of one of the products is retried a few times.
    /// </summary>
    public Task<SwitchResult> GoOnlineAsync(string orgcode, string channelCode, string packGuid, IReadOnlyList<PackItem> items,
        Func<RecordBatch, CancellationToken, Task<ProblemHttpResult?>> stageExtra, CancellationToken ct) =>
        throw new NotImplementedException("products helper");
}
