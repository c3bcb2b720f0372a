using System.ComponentModel;
using Retail.Shared.Events;

namespace Retail.Uas;

/// <summary>The business events UAS publishes (topic = type). Listed in README.md.</summary>
public static class UasEvents
{
    [EventData(typeof(UserCreated))]
    [Description("User created.")]
    public const string UserCreated = "user.created";
    [EventData(typeof(UserVerified))]
    [Description("User verified.")]
    public const string UserVerified = "user.verified";
    [EventData(typeof(PasscodeChanged))]
    [Description("Passcode changed.")]
    public const string PasscodeChanged = "passcode.changed";
    [EventData(typeof(PaymentMethodAdded))]
    [Description("Payment method added.")]
    public const string PaymentMethodAdded = "payment_method.added";
    [EventData(typeof(PaymentMethodRemoved))]
    [Description("Payment method removed.")]
    public const string PaymentMethodRemoved = "payment_method.removed";
}

public sealed record UserCreated(string UserGuid, string Email, DateTimeOffset CreatedAt);

public sealed record UserVerified(string UserGuid, string Email, DateTimeOffset VerifiedAt);

/// <param name="Reason"><c>first_set</c>, <c>change</c> or <c>reset</c>.</param>
public sealed record PasscodeChanged(string UserGuid, string Reason, DateTimeOffset ChangedAt);

public sealed record PaymentMethodAdded(string UserGuid, string PaymentMethodGuid, string Provider, string Brand, string Last4);

public sealed record PaymentMethodRemoved(string UserGuid, string PaymentMethodGuid, string Provider);
