using FluentValidation;

namespace Retail.Crm.GiftCards;

/// <param name="InitialBalanceMinor">The card's value in minor units of <paramref name="Currency"/>.</param>
/// <param name="ExpiresAt">When it stops being redeemable; none: never.</param>
/// <param name="CustomerGuid">The owner (a live customer); redemptions are then blocked while the owner is on hold.</param>
/// <param name="Reference">What the card is issued for (an order, a promotion): the same reference answers the same card.</param>
public sealed record IssueGiftCardRequest(string? Currency, long? InitialBalanceMinor, DateTimeOffset? ExpiresAt, string? CustomerGuid, string? Reference);

/// <param name="Reference">What the money pays for (an order, a tender): the same reference answers the first redemption.</param>
public sealed record RedeemGiftCardRequest(string? Code, long? AmountMinor, string? Currency, string? Reference);

/// <param name="RedeemReference">The reference the redemption was made with.</param>
/// <param name="AmountMinor">How much to give back; default all of the redemption that is not given back yet.</param>
/// <param name="Reference">This restore's own reference (a void, a refund); default the redemption's reference.</param>
public sealed record RestoreGiftCardRequest(string? RedeemReference, long? AmountMinor, string? Reference);

public sealed record GiftCardBalanceRequest(string? Code);

public sealed record GiftCardKey(string? GiftcardGuid);

public sealed record GiftCardListRequest(string? CustomerGuid, GiftCardStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record GiftCardEntryListRequest(string? GiftcardGuid, int? Limit, string? NextToken) : IPagedRequest;

public sealed record SetGiftCardStatusRequest(string? GiftcardGuid, GiftCardStatus? Status, string? Reason, long? ExpectedRevision);

/// <summary>A card as the API shows it: never its code nor the code's hash, only the last four characters.</summary>
public sealed record GiftCardView(string GiftcardGuid, string CodeLast4, string Currency, long InitialBalanceMinor, long BalanceMinor,
    GiftCardStatus Status, bool Expired, DateTimeOffset? ExpiresAt, string? CustomerGuid, string IssueReference, string IssuedBy, string? BlockedReason,
    long Revision, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static GiftCardView Of(GiftCard c, DateTimeOffset now) =>
        new(c.GiftcardGuid, c.CodeLast4, c.Currency, c.InitialBalanceMinor, c.BalanceMinor, c.Status, c.IsExpiredAt(now), c.ExpiresAt, c.CustomerGuid,
            c.IssueReference, c.IssuedBy, c.BlockedReason, c.Revision, c.CreatedAt, c.UpdatedAt);
}

/// <param name="Code">The card's code, grouped: in the first answer only. A replay of the reference answers null.</param>
/// <param name="Replayed">True when the reference had issued this card before.</param>
public sealed record GiftCardIssuedView(string? Code, bool Replayed, GiftCardView Giftcard);

/// <summary>What a holder of the code may learn: the balance, currency, expiry and status; nothing about the owner.</summary>
public sealed record GiftCardBalanceView(string CodeLast4, long BalanceMinor, string Currency, DateTimeOffset? ExpiresAt, GiftCardStatus Status, bool Expired);

/// <summary>A redemption or restore as answered: the entry and the balance right after it.</summary>
public sealed record GiftCardMovementView(string EntryGuid, string GiftcardGuid, string CodeLast4, GiftCardEntryKind Kind, long AmountMinor, string Currency,
    long BalanceAfterMinor, string Reference, string? RestoresEntryGuid, DateTimeOffset CreatedAt, bool Replayed)
{
    public static GiftCardMovementView Of(GiftCardEntry e, string codeLast4, bool replayed) =>
        new(e.EntryGuid, e.GiftcardGuid, codeLast4, e.Kind, e.AmountMinor, e.Currency, e.BalanceAfterMinor, e.Reference, e.RestoresEntryGuid, e.CreatedAt,
            replayed);
}

internal static class GiftCardRules
{
    public const long MaxAmountMinor = 1_000_000_000_000;
    public const int MaxReference = 200;

    public static IRuleBuilderOptions<T, long?> Amount<T>(this IRuleBuilder<T, long?> rule) =>
        rule.InclusiveBetween(1, MaxAmountMinor).WithMessage($"must be 1–{MaxAmountMinor}");

    public static IRuleBuilderOptions<T, string?> Code<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("is required").Must(c => GiftCardCodes.Normalize(c) is not null)
            .WithMessage($"must be {GiftCardCodes.Length} characters of {GiftCardCodes.Alphabet} (dashes and spaces are ignored)");

    /// <summary>A guid as stored (lower-case, hyphenated), however the request spelled it.</summary>
    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();

    public static string CurrencyOf(string currency) => currency.Trim().ToUpperInvariant();
}

public sealed class IssueGiftCardRequestValidator : AbstractValidator<IssueGiftCardRequest>
{
    public IssueGiftCardRequestValidator()
    {
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
        RuleFor(r => r.InitialBalanceMinor).NotNull().WithMessage("is required").Amount();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
        RuleFor(r => r.Reference).RequiredText(GiftCardRules.MaxReference);
    }
}

public sealed class RedeemGiftCardRequestValidator : AbstractValidator<RedeemGiftCardRequest>
{
    public RedeemGiftCardRequestValidator()
    {
        RuleFor(r => r.Code).Code();
        RuleFor(r => r.AmountMinor).NotNull().WithMessage("is required").Amount();
        RuleFor(r => r.Currency).NotEmpty().WithMessage("is required").Currency();
        RuleFor(r => r.Reference).RequiredText(GiftCardRules.MaxReference);
    }
}

public sealed class RestoreGiftCardRequestValidator : AbstractValidator<RestoreGiftCardRequest>
{
    public RestoreGiftCardRequestValidator()
    {
        RuleFor(r => r.RedeemReference).RequiredText(GiftCardRules.MaxReference);
        RuleFor(r => r.AmountMinor).Amount().When(r => r.AmountMinor is not null);
        RuleFor(r => r.Reference).Text(GiftCardRules.MaxReference);
    }
}

public sealed class GiftCardBalanceRequestValidator : AbstractValidator<GiftCardBalanceRequest>
{
    public GiftCardBalanceRequestValidator() => RuleFor(r => r.Code).Code();
}

public sealed class GiftCardKeyValidator : AbstractValidator<GiftCardKey>
{
    public GiftCardKeyValidator() => RuleFor(r => r.GiftcardGuid).RequiredGuid();
}

public sealed class GiftCardListRequestValidator : AbstractValidator<GiftCardListRequest>
{
    public GiftCardListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
    }
}

public sealed class GiftCardEntryListRequestValidator : AbstractValidator<GiftCardEntryListRequest>
{
    public GiftCardEntryListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.GiftcardGuid).RequiredGuid();
    }
}

public sealed class SetGiftCardStatusRequestValidator : AbstractValidator<SetGiftCardStatusRequest>
{
    public SetGiftCardStatusRequestValidator()
    {
        RuleFor(r => r.GiftcardGuid).RequiredGuid();
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Reason).Text(500);
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }
}
