using System.Text.Json.Serialization;
using Retail.Shared.Records;

namespace Retail.Uas.Users;

public enum UserStatus
{
    PendingVerification,
    Verified,
}

/// <summary>
/// A user account. Secrets (passcode hashes, token hashes) are not part of it: they live in the raw state store,
/// so they never travel in CDC events or history.
/// </summary>
public sealed record User : Record
{
    public required string UserGuid { get; init; }

    public required string Email { get; init; }

    public UserStatus Status { get; init; }

    public DateTimeOffset? VerifiedAt { get; init; }

    public DateTimeOffset? PasscodeChangedAt { get; init; }

    [JsonIgnore]
    public override string Key => UserGuid;

    public static readonly RecordType<User> Type = new("user", u => [new UniqueValue("email", u.Email)]);
}

public sealed record UserResponse(
    string UserGuid,
    string Email,
    UserStatus Status,
    DateTimeOffset? VerifiedAt,
    bool HasPasscode,
    DateTimeOffset? PasscodeChangedAt,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static UserResponse From(User user) => new(user.UserGuid, user.Email, user.Status, user.VerifiedAt,
        user.PasscodeChangedAt is not null, user.PasscodeChangedAt, user.Revision, user.CreatedAt, user.UpdatedAt);
}
