using System.Text.Json.Serialization;
using Retail.Shared.Records;

namespace Retail.Uas.PaymentMethods;

/// <summary>
/// A tokenised payment-method reference from a payment provider: never card data. Its own record, so each
/// has a revision and ETag; the primary one is derived (<see cref="PrimaryRule"/>), not a flag to keep in step.
/// </summary>
public sealed record PaymentMethod : Record
{
    public required string PaymentMethodGuid { get; init; }

    public required string UserGuid { get; init; }

    public required string Provider { get; init; }

    public required string Token { get; init; }

    public required string Brand { get; init; }

    public required string Last4 { get; init; }

    public int ExpMonth { get; init; }

    public int ExpYear { get; init; }

    public string? Label { get; init; }

    /// <summary>When this method was last made primary; the latest such choice among live methods wins.</summary>
    public DateTimeOffset? PrimarySince { get; init; }

    [JsonIgnore]
    public override string Key => PaymentMethodGuid;

    public static readonly RecordType<PaymentMethod> Type =
        new("payment_method", p => [new UniqueValue("provider_token", $"{p.Provider}:{p.Token}")]);
}

public sealed record PaymentMethodResponse(
    string PaymentMethodGuid,
    string UserGuid,
    string Provider,
    string Token,
    string Brand,
    string Last4,
    int ExpMonth,
    int ExpYear,
    string? Label,
    bool IsPrimary,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? DoomedAt)
{
    public static PaymentMethodResponse From(PaymentMethod p, bool isPrimary) => new(p.PaymentMethodGuid, p.UserGuid, p.Provider, p.Token,
        p.Brand, p.Last4, p.ExpMonth, p.ExpYear, p.Label, isPrimary, p.Revision, p.CreatedAt, p.UpdatedAt, p.DoomedAt);
}

public sealed record PaymentMethodListResponse(IReadOnlyList<PaymentMethodResponse> Items, string? NextToken);
