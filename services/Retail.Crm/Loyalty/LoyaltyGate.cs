namespace Retail.Crm.Loyalty;

/// <summary>
/// In-process queueing of ledger changes per (org, customer): 1,024 striped semaphores, so concurrent redemptions of one
/// customer in this process wait their turn instead of burning their retries on each other. Only a courtesy: replicas
/// do not share it, and the account's ETag is what keeps the balance right.
/// </summary>
public sealed class LoyaltyGate
{
    private const int Stripes = 1024;

    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> AcquireAsync(string orgcode, string customerGuid, CancellationToken ct)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode($"{orgcode}|{customerGuid}") % Stripes)];
        await stripe.WaitAsync(ct);
        return new Held(stripe);
    }

    private sealed class Held(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
