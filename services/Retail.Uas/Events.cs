namespace Retail.Uas;

/// <summary>The business events UAS publishes (topic = type). Listed in README.md.</summary>
public static class UasEvents
{
    public const string UserCreated = "user.created";
    public const string UserVerified = "user.verified";
    public const string PasscodeChanged = "passcode.changed";
    public const string PaymentMethodAdded = "payment_method.added";
    public const string PaymentMethodRemoved = "payment_method.removed";
}

public sealed record UserCreated(string UserGuid, string Email, DateTimeOffset CreatedAt);

public sealed record UserVerified(string UserGuid, string Email, DateTimeOffset VerifiedAt);

/// <param name="Reason"><c>first_set</c>, <c>change</c> or <c>reset</c>.</param>
public sealed record PasscodeChanged(string UserGuid, string Reason, DateTimeOffset ChangedAt);

public sealed record PaymentMethodAdded(string UserGuid, string PaymentMethodGuid, string Provider, string Brand, string Last4);

public sealed record PaymentMethodRemoved(string UserGuid, string PaymentMethodGuid, string Provider);
