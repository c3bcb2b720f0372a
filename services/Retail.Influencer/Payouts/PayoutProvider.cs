using System.Collections.Concurrent;
using Retail.Shared;

namespace Retail.Influencer.Payouts;

/// <summary>What the payout provider answered: paid (with its reference), declined (with its reason), or no answer.</summary>
public enum PayoutOutcomeKind
{
    Paid,
    Declined,
    Unavailable,
}

public sealed record PayoutOutcome(PayoutOutcomeKind Kind, string? ProviderRef = null, string? Reason = null)
{
    public static PayoutOutcome Paid(string providerRef) => new(PayoutOutcomeKind.Paid, providerRef);

    public static PayoutOutcome Declined(string reason) => new(PayoutOutcomeKind.Declined, null, reason);

    public static readonly PayoutOutcome Unavailable = new(PayoutOutcomeKind.Unavailable);
}

/// <summary>Send <see cref="AmountMinor"/> to the influencer's payout method.</summary>
/// <param name="IdempotencyKey">The payout guid: the same key is the same transfer at the provider, so a re-drive never pays twice.</param>
/// <param name="MethodRef">The provider's token of where the money goes (<c>pm_…</c>).</param>
public sealed record PayoutCommand(string Orgcode, string IdempotencyKey, string MethodRef, long AmountMinor, string Currency);

/// <summary>
/// The payout provider Influencer pays through. Idempotent by <see cref="PayoutCommand.IdempotencyKey"/>: a call repeated
/// after an unavailable answer, by a retried submit or by the sweep, answers the first transfer and never pays twice.
/// The host registers <see cref="TestPayoutProvider"/>; a real provider replaces it in DI.
/// </summary>
public interface IPayoutProvider
{
    Task<PayoutOutcome> PayAsync(PayoutCommand command, CancellationToken ct);
}

/// <summary>
/// The host's deterministic payout provider. The method ref decides: <c>pm_decline…</c> is declined
/// (<c>payout_method_declined</c>); <c>pm_unavailable…</c> answers nothing on the first call with a key (and pays nothing),
/// then pays a retry with the same key; anything else is paid. <see cref="Transfers"/> counts what was really paid per key,
/// so tests can prove "once".
/// </summary>
public sealed class TestPayoutProvider : IPayoutProvider
{
    public const string DeclineMethod = "pm_decline";
    public const string UnavailableMethod = "pm_unavailable";

    private readonly ConcurrentDictionary<string, PayoutOutcome> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _unavailable = new(StringComparer.Ordinal);

    /// <summary>How many times each idempotency key was actually paid out (at most once), and for how much.</summary>
    public ConcurrentDictionary<string, long> Transfers { get; } = new(StringComparer.Ordinal);

    /// <summary>Every call made, answered or not (a re-drive is a call).</summary>
    public int Calls => _calls;

    private int _calls;

    public Task<PayoutOutcome> PayAsync(PayoutCommand command, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        var key = $"{command.Orgcode}|{command.IdempotencyKey}";
        if (_answered.TryGetValue(key, out var earlier))
        {
            return Task.FromResult(earlier);
        }
        if (command.MethodRef.StartsWith(DeclineMethod, StringComparison.Ordinal))
        {
            return Task.FromResult(_answered.GetOrAdd(key, PayoutOutcome.Declined("payout_method_declined")));
        }
        if (command.MethodRef.StartsWith(UnavailableMethod, StringComparison.Ordinal) && _unavailable.TryAdd(key, true))
        {
            return Task.FromResult(PayoutOutcome.Unavailable);
        }
        var outcome = _answered.GetOrAdd(key, _ => PayoutOutcome.Paid($"po_{Ids.NewGuid():N}"));
        Transfers.TryAdd(key, command.AmountMinor);
        return Task.FromResult(outcome);
    }
}
