namespace Retail.Crm.GiftCards;

/// <summary>
/// Lets one ledger change per card run at a time in this process, so that a burst of redemptions of one card queues
/// instead of losing ETag checks and retrying. Only an optimisation: replicas do not share it, and the card's ETag is what
/// guarantees that no two changes both win. Striped (a fixed set of semaphores), so it never grows with the cards.
/// </summary>
public sealed class GiftCardGate
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> EnterAsync(string orgcode, string giftcardGuid, CancellationToken ct)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode($"{orgcode}|{giftcardGuid}") % (uint)_stripes.Length)];
        await stripe.WaitAsync(ct);
        return new Release(stripe);
    }

    private sealed class Release(SemaphoreSlim stripe) : IDisposable
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
