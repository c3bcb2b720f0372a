using System.Security.Cryptography;
using System.Text;
using Retail.Shared.Invocation;

namespace Retail.Scm.Payments;

/// <summary>
/// Tender kind <c>gift_card</c>: the card's code comes in the capture request's <c>payment_method_token</c>, and the
/// money is taken by CRM's gift-card ledger through service invocation: capture redeems
/// (<c>/giftcard/redeem</c>), void and refund restore (<c>/giftcard/restore</c>). Every call carries a deterministic
/// reference and Idempotency-Key made from SCM's own provider key, so a retried capture never redeems twice. CRM's
/// refusals (balance too low, expired, blocked, unknown code, owner on hold) are declines with CRM's code as the reason;
/// an unreachable CRM is a timeout (nothing is known to have happened; a retry with the same key is safe). The tender
/// keeps <c>giftcard:{giftcard_guid}</c> as its payment method, never the code.
/// </summary>
public sealed class GiftCardTenderProvider(IServiceInvoker invoker) : IPaymentProvider
{
    public const string TenderKind = "gift_card";
    public const string ProviderName = "crm:giftcard";
    private const string Crm = "crm";

    public string Name => ProviderName;

    public async Task<PaymentOutcome> CaptureAsync(CaptureCommand command, CancellationToken ct)
    {
        var reference = Reference("scm-tender", command.IdempotencyKey);
        return await CallAsync("/giftcard/redeem",
            new { code = command.Token, amount_minor = command.AmountMinor, currency = command.Currency, reference }, command.Orgcode, reference, ct,
            moved => PaymentOutcome.Approved(reference, $"giftcard:{moved.GiftcardGuid}"));
    }

    public Task<PaymentOutcome> VoidAsync(VoidCommand command, CancellationToken ct) =>
        RestoreAsync(command.Orgcode, command.CaptureRef, command.AmountMinor, Reference("scm-void", command.IdempotencyKey), ct);

    public Task<PaymentOutcome> RefundAsync(RefundCommand command, CancellationToken ct) =>
        RestoreAsync(command.Orgcode, command.CaptureRef, command.AmountMinor, Reference("scm-refund", command.IdempotencyKey), ct);

    /// <summary>A redemption is final at CRM: there is nothing to settle, and the batch records it as settled here.</summary>
    public Task<PaymentOutcome> SettleAsync(SettleCommand command, CancellationToken ct) =>
        Task.FromResult(PaymentOutcome.Approved(Reference("giftcard-settle", command.IdempotencyKey)));

    private Task<PaymentOutcome> RestoreAsync(string orgcode, string redeemReference, long amountMinor, string reference, CancellationToken ct) =>
        CallAsync("/giftcard/restore", new { redeem_reference = redeemReference, amount_minor = amountMinor, reference }, orgcode, reference, ct,
            moved => PaymentOutcome.Approved(moved.EntryGuid));

    private async Task<PaymentOutcome> CallAsync(string path, object body, string orgcode, string reference, CancellationToken ct,
        Func<CrmGiftCardMovement, PaymentOutcome> approved)
    {
        try
        {
            var moved = await invoker.SendAsync<CrmGiftCardMovement>(Crm, path, body, new InvocationOptions(orgcode, reference), ct);
            return approved(moved);
        }
        catch (ServiceRefusedException refused)
        {
            return PaymentOutcome.Declined(refused.Code == "not_found" ? "giftcard_not_found" : refused.Code);
        }
        catch (DependencyUnavailableException)
        {
            return PaymentOutcome.TimedOut;
        }
    }

    /// <summary>A CRM reference from SCM's key: as it is while short, else its hash (CRM takes references of up to 200 characters).</summary>
    private static string Reference(string prefix, string key) =>
        key.Length <= 150 ? $"{prefix}:{key}" : $"{prefix}:sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";

    /// <summary>CRM's answer to redeem and restore, as SCM reads it.</summary>
    private sealed record CrmGiftCardMovement(string EntryGuid, string GiftcardGuid, long AmountMinor, string Currency, long BalanceAfterMinor);
}

/// <summary>The provider a tender goes through: gift cards through CRM, every other kind through the payment provider.</summary>
public sealed class PaymentProviders(IPaymentProvider payments, GiftCardTenderProvider giftCards)
{
    public IPaymentProvider ForKind(string kind) => kind == GiftCardTenderProvider.TenderKind ? giftCards : payments;

    /// <summary>The provider that captured <paramref name="tender"/>, which voids, refunds and settles it.</summary>
    public IPaymentProvider Of(Tender tender) => Named(tender.Provider);

    public IPaymentProvider Named(string provider) => provider == GiftCardTenderProvider.ProviderName ? giftCards : payments;
}

public static class GiftCardTenderSetup
{
    public static IServiceCollection AddGiftCardTender(this IServiceCollection services)
    {
        services.AddScoped<GiftCardTenderProvider>();
        services.AddScoped<PaymentProviders>();
        return services;
    }
}
