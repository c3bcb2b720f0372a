using System.Collections.Concurrent;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Retail.Shared;
using Retail.Shared.Json;

namespace Retail.Scm.Payments;

/// <summary>What a provider answered: approved (with its reference), declined (with its reason), or no answer in time.</summary>
public enum PaymentOutcomeKind
{
    Approved,
    Declined,
    Timeout,
}

/// <param name="ProviderRef">The provider's reference of the charge, refund or void (approved only).</param>
/// <param name="Reason">The provider's decline reason (declined only); never a card number or a token.</param>
/// <param name="MethodRef">What the tender keeps as its payment method instead of the presented token (a gift card's code is never kept).</param>
public sealed record PaymentOutcome(PaymentOutcomeKind Kind, string? ProviderRef = null, string? Reason = null, string? MethodRef = null)
{
    public static PaymentOutcome Approved(string providerRef, string? methodRef = null) => new(PaymentOutcomeKind.Approved, providerRef, null, methodRef);

    public static PaymentOutcome Declined(string reason) => new(PaymentOutcomeKind.Declined, null, reason);

    public static readonly PaymentOutcome TimedOut = new(PaymentOutcomeKind.Timeout);
}

/// <summary>Authorize and capture <see cref="AmountMinor"/> on a tokenised payment method.</summary>
/// <param name="IdempotencyKey">The same key is the same charge at the provider: a retry never charges twice.</param>
/// <param name="Reference">What the charge is for (the order number), for the provider's statement.</param>
public sealed record CaptureCommand(string Orgcode, string IdempotencyKey, string Token, long AmountMinor, string Currency, string Reference);

/// <summary>Void (or refund in full) a capture that is not settled.</summary>
public sealed record VoidCommand(string Orgcode, string IdempotencyKey, string CaptureRef, long AmountMinor, string Currency);

/// <summary>Give back part or all of a capture.</summary>
public sealed record RefundCommand(string Orgcode, string IdempotencyKey, string CaptureRef, long AmountMinor, string Currency);

/// <summary>Close a day's captures into a settlement batch at the provider.</summary>
public sealed record SettleCommand(string Orgcode, string IdempotencyKey, string BatchGuid, string BusinessDay, IReadOnlyList<string> CaptureRefs,
    long AmountMinor);

/// <summary>
/// The payment provider SCM's tenders, refunds and settlements go through. Every call carries an idempotency key so that
/// a retry after a timeout has its effect once. The host ships <see cref="TestPaymentProvider"/> (embedded mode) and
/// <see cref="DaprBindingPaymentProvider"/> (Dapr mode, an output binding to the real provider).
/// </summary>
public interface IPaymentProvider
{
    string Name { get; }

    Task<PaymentOutcome> CaptureAsync(CaptureCommand command, CancellationToken ct);

    Task<PaymentOutcome> VoidAsync(VoidCommand command, CancellationToken ct);

    Task<PaymentOutcome> RefundAsync(RefundCommand command, CancellationToken ct);

    Task<PaymentOutcome> SettleAsync(SettleCommand command, CancellationToken ct);
}

/// <summary>Configuration section <c>Scm:Payments</c>.</summary>
public sealed class PaymentOptions
{
    public const string Section = "Scm:Payments";

    /// <summary><c>test</c> (the deterministic test provider) or <c>dapr</c> (the output binding); default: by runtime mode.</summary>
    public string? Provider { get; set; }

    /// <summary>The Dapr output binding's component name (components/payments.yaml).</summary>
    public string BindingName { get; set; } = "payments";

    /// <summary>How long one provider call may take before it counts as a timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// The host's deterministic provider (embedded mode, tests). The token decides: <c>tok_decline…</c> is declined
/// (<c>card_declined</c>); <c>tok_timeout…</c> answers nothing in time on the first call with an idempotency key (and
/// charges nothing), then approves a retry with the same key; anything else (<c>tok_approve</c>, UAS's <c>pm_…</c>) is
/// approved. Every call is idempotent by key: the same key answers the first approval again and never charges twice.
/// <see cref="Charges"/> counts what was really captured per key, so tests can prove "once".
/// </summary>
public sealed class TestPaymentProvider : IPaymentProvider
{
    public const string ApproveToken = "tok_approve";
    public const string DeclineToken = "tok_decline";
    public const string TimeoutToken = "tok_timeout";

    private readonly ConcurrentDictionary<string, PaymentOutcome> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _timedOut = new(StringComparer.Ordinal);

    public string Name => "test";

    /// <summary>How many times each idempotency key was actually charged, refunded, voided or settled (at most once).</summary>
    public ConcurrentDictionary<string, int> Charges { get; } = new(StringComparer.Ordinal);

    public Task<PaymentOutcome> CaptureAsync(CaptureCommand command, CancellationToken ct)
    {
        var key = $"{command.Orgcode}|capture|{command.IdempotencyKey}";
        if (_answered.TryGetValue(key, out var earlier))
        {
            return Task.FromResult(earlier);
        }
        if (command.Token.StartsWith(DeclineToken, StringComparison.Ordinal))
        {
            return Task.FromResult(_answered.GetOrAdd(key, PaymentOutcome.Declined("card_declined")));
        }
        if (command.Token.StartsWith(TimeoutToken, StringComparison.Ordinal) && _timedOut.TryAdd(key, true))
        {
            return Task.FromResult(PaymentOutcome.TimedOut);
        }
        return Task.FromResult(Approve(key, "ch"));
    }

    public Task<PaymentOutcome> VoidAsync(VoidCommand command, CancellationToken ct) =>
        Task.FromResult(_answered.TryGetValue($"{command.Orgcode}|void|{command.IdempotencyKey}", out var earlier)
            ? earlier
            : Approve($"{command.Orgcode}|void|{command.IdempotencyKey}", "vd"));

    public Task<PaymentOutcome> RefundAsync(RefundCommand command, CancellationToken ct) =>
        Task.FromResult(_answered.TryGetValue($"{command.Orgcode}|refund|{command.IdempotencyKey}", out var earlier)
            ? earlier
            : Approve($"{command.Orgcode}|refund|{command.IdempotencyKey}", "re"));

    public Task<PaymentOutcome> SettleAsync(SettleCommand command, CancellationToken ct) =>
        Task.FromResult(_answered.TryGetValue($"{command.Orgcode}|settle|{command.IdempotencyKey}", out var earlier)
            ? earlier
            : Approve($"{command.Orgcode}|settle|{command.IdempotencyKey}", "st"));

    private PaymentOutcome Approve(string key, string prefix)
    {
        var outcome = _answered.GetOrAdd(key, _ => PaymentOutcome.Approved($"{prefix}_{Ids.NewGuid():N}"));
        Charges.AddOrUpdate(key, 1, (_, n) => n);
        return outcome;
    }
}

/// <summary>
/// The provider behind a Dapr output binding (<c>components/payments.yaml</c>: <c>bindings.http</c> to the provider's
/// gateway): operation <c>post</c> to path <c>/capture</c>, <c>/void</c>, <c>/refund</c> or <c>/settle</c>, the command as
/// JSON, the idempotency key as the <c>Idempotency-Key</c> header (bindings.http sends capitalised metadata as headers).
/// The gateway answers 200 with <c>{"status": "approved"|"declined", "provider_ref", "reason"}</c>. No answer in time, a
/// non-2xx answer or a sidecar that cannot reach the gateway is a timeout: nothing is known to have happened, and the
/// caller retries with the same key (the gateway dedupes on it).
/// </summary>
public sealed class DaprBindingPaymentProvider(DaprClient dapr, PaymentOptions options) : IPaymentProvider
{
    public string Name => "dapr:" + options.BindingName;

    public Task<PaymentOutcome> CaptureAsync(CaptureCommand command, CancellationToken ct) =>
        InvokeAsync("capture", command.IdempotencyKey, command.Orgcode, command, ct);

    public Task<PaymentOutcome> VoidAsync(VoidCommand command, CancellationToken ct) =>
        InvokeAsync("void", command.IdempotencyKey, command.Orgcode, command, ct);

    public Task<PaymentOutcome> RefundAsync(RefundCommand command, CancellationToken ct) =>
        InvokeAsync("refund", command.IdempotencyKey, command.Orgcode, command, ct);

    public Task<PaymentOutcome> SettleAsync(SettleCommand command, CancellationToken ct) =>
        InvokeAsync("settle", command.IdempotencyKey, command.Orgcode, command, ct);

    private async Task<PaymentOutcome> InvokeAsync<T>(string operation, string idempotencyKey, string orgcode, T command, CancellationToken ct)
    {
        var request = new BindingRequest(options.BindingName, "post") { Data = JsonSerializer.SerializeToUtf8Bytes(command, RetailJson.Storage) };
        request.Metadata["path"] = "/" + operation;
        request.Metadata["Idempotency-Key"] = idempotencyKey;
        request.Metadata["Content-Type"] = "application/json";
        request.Metadata["X-Orgcode"] = orgcode;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        BindingResponse response;
        try
        {
            response = await dapr.InvokeBindingAsync(request, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return PaymentOutcome.TimedOut;
        }
        catch (DaprException)
        {
            return PaymentOutcome.TimedOut;
        }
        var answer = response.Data.Length == 0 ? null : JsonSerializer.Deserialize<ProviderAnswer>(response.Data.Span, RetailJson.Storage);
        return answer?.Status switch
        {
            "approved" when !string.IsNullOrEmpty(answer.ProviderRef) => PaymentOutcome.Approved(answer.ProviderRef),
            "declined" => PaymentOutcome.Declined(string.IsNullOrEmpty(answer.Reason) ? "declined" : answer.Reason),
            _ => PaymentOutcome.TimedOut,
        };
    }

    private sealed record ProviderAnswer(string? Status, string? ProviderRef, string? Reason);
}
