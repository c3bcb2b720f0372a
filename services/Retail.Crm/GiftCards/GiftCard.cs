using System.Text.Json.Serialization;

namespace Retail.Crm.GiftCards;

/// <summary><c>active ⇄ blocked</c>. Expiry is not a status: a card past <see cref="GiftCard.ExpiresAt"/> is <c>expired</c> by time.</summary>
public enum GiftCardStatus
{
    Active,
    Blocked,
}

/// <summary>
/// A stored-value card (UC-CRM-004). Its code is never stored: only an HMAC of it (<see cref="CodeHash"/>, unique in the
/// org, the lookup a redemption goes through) and its last four characters for display. <see cref="BalanceMinor"/> is
/// the ledger's running balance, changed only together with a <see cref="GiftCardEntry"/> in one ETag-checked batch, and
/// never below zero. <see cref="CustomerGuid"/> is the owner, when the card has one (a merge re-points it to the survivor).
/// </summary>
public sealed record GiftCard : Record
{
    public required string GiftcardGuid { get; init; }

    /// <summary>HMAC-SHA256 of the org and the normalised code (<see cref="GiftCardCodeHasher"/>); never shown by the API.</summary>
    public required string CodeHash { get; init; }

    public required string CodeLast4 { get; init; }

    public required string Currency { get; init; }

    public required long InitialBalanceMinor { get; init; }

    public required long BalanceMinor { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public GiftCardStatus Status { get; init; } = GiftCardStatus.Active;

    public string? BlockedReason { get; init; }

    public string? CustomerGuid { get; init; }

    /// <summary>The reference the card was issued under (idempotent per reference).</summary>
    public required string IssueReference { get; init; }

    public required string IssuedBy { get; init; }

    [JsonIgnore]
    public override string Key => GiftcardGuid;

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } at && at <= now;

    public static readonly StateMachine<GiftCardStatus> Lifecycle = new(new Dictionary<GiftCardStatus, GiftCardStatus[]>
    {
        [GiftCardStatus.Active] = [GiftCardStatus.Blocked],
        [GiftCardStatus.Blocked] = [GiftCardStatus.Active],
    });

    public static readonly RecordType<GiftCard> Type = new RecordType<GiftCard>("giftcard", c => [new UniqueValue("code_hash", c.CodeHash)])
        .IndexBy("customer_guid", "status")
        .IndexBy("status");
}

/// <summary>What a ledger entry did to its card's balance.</summary>
public enum GiftCardEntryKind
{
    /// <summary>The initial balance (+).</summary>
    Issue,

    /// <summary>Money spent (−).</summary>
    Redeem,

    /// <summary>A redemption given back, in full or in part (+): a void or a refund of what it paid for.</summary>
    Restore,
}

/// <summary>
/// One immutable movement of a card's balance. <see cref="Reference"/> is unique per org and kind
/// (<c>redeem:{reference}</c>), so a replayed redemption finds the first one instead of spending twice.
/// </summary>
public sealed record GiftCardEntry : Record
{
    public required string EntryGuid { get; init; }

    public required string GiftcardGuid { get; init; }

    public required GiftCardEntryKind Kind { get; init; }

    /// <summary>Always positive; <see cref="Kind"/> says which way it moved the balance.</summary>
    public required long AmountMinor { get; init; }

    public required string Currency { get; init; }

    public required long BalanceAfterMinor { get; init; }

    /// <summary>The caller's reference (an order, a tender, a return), as given.</summary>
    public required string Reference { get; init; }

    /// <summary>For a restore: the redemption it gives back.</summary>
    public string? RestoresEntryGuid { get; init; }

    /// <summary>The card's owner when the entry was made.</summary>
    public string? CustomerGuid { get; init; }

    public required string CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => EntryGuid;

    /// <summary>The unique value of a reference of one kind: <c>redeem:order-1</c>.</summary>
    public static string ReferenceKey(GiftCardEntryKind kind, string reference) => $"{Retail.Shared.Json.SnakeCase.Name(kind)}:{reference}";

    public static readonly RecordType<GiftCardEntry> Type = new RecordType<GiftCardEntry>("giftcard_entry",
            e => [new UniqueValue("reference", ReferenceKey(e.Kind, e.Reference))])
        .IndexBy("giftcard_guid")
        .IndexBy("restores_entry_guid");
}
