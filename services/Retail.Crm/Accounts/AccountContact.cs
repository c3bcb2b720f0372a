using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Retail.Crm.Accounts;

/// <summary>What a contact does for its account; a contact has at least one.</summary>
public enum ContactRole
{
    Buyer,
    Approver,
    Billing,
}

/// <summary><c>active ⇄ inactive</c>.</summary>
public enum ContactStatus
{
    Active,
    Inactive,
}

/// <summary>
/// A person at a B2B account: name, e-mail (normalised, unique within the account), phone (E.164), roles, and optionally the
/// CRM customer they are (<see cref="CustomerGuid"/>, a live customer; relinked to the survivor when that customer is merged).
/// Listed by account (and role, and status) and by customer through indexes.
/// </summary>
public sealed record AccountContact : Record
{
    public required string ContactGuid { get; init; }

    public required string AccountGuid { get; init; }

    public required string Name { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public required IReadOnlyList<ContactRole> Roles { get; init; }

    public string? CustomerGuid { get; init; }

    public ContactStatus Status { get; init; } = ContactStatus.Active;

    public string? StatusReason { get; init; }

    public required string CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => ContactGuid;

    public static readonly StateMachine<ContactStatus> Lifecycle = new(new Dictionary<ContactStatus, ContactStatus[]>
    {
        [ContactStatus.Active] = [ContactStatus.Inactive],
        [ContactStatus.Inactive] = [ContactStatus.Active],
    });

    // The e-mail is unique within its account: the unique value carries the account, so two accounts may share a person.
    public static RecordType<AccountContact> Type { get; } = new RecordType<AccountContact>("account_contact",
            c => c.Email is null ? [] : [new UniqueValue("email", $"{c.AccountGuid}:{c.Email}")])
        .IndexBy("account_guid", "status")
        .IndexBy("customer_guid")
        .IndexValues(ContactRules.AccountRoleSet, ContactRules.AccountRoleValues);
}

public static partial class ContactRules
{
    public const string AccountRoleSet = "account_role";

    public const int MaxRoles = 3;

    /// <summary>The value-set entries of a contact: <c>{account}:{role}</c> and <c>{account}:{role}:{status}</c> for each role.</summary>
    public static IEnumerable<string> AccountRoleValues(AccountContact c) =>
        c.Roles.SelectMany(r => new[] { RoleValue(c.AccountGuid, r, null), RoleValue(c.AccountGuid, r, c.Status) });

    public static string RoleValue(string accountGuid, ContactRole role, ContactStatus? status) =>
        status is null ? $"{accountGuid}:{Name(role)}" : $"{accountGuid}:{Name(role)}:{Name(status.Value)}";

    public static string? NormalizeEmail(string? email) => RequestRules.Trimmed(email)?.ToLowerInvariant();

    public static bool IsEmail(string? email) => email is null || (email.Trim().Length <= 254 && EmailPattern().IsMatch(email.Trim()));

    /// <summary>
    /// The phone in E.164 (<c>+4930123456</c>) as libphonenumber reads it: a number starting with <c>+</c> on its own, else
    /// in <paramref name="region"/> (the account's billing country); null when it is not a valid number.
    /// </summary>
    public static string? ToE164(string phone, string? region)
    {
        var util = PhoneNumberUtil.GetInstance();
        try
        {
            var parsed = util.Parse(phone.Trim(), string.IsNullOrWhiteSpace(region) ? "ZZ" : region.Trim().ToUpperInvariant());
            return util.IsValidNumber(parsed) ? util.Format(parsed, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static string Name<T>(T value) where T : struct, Enum => Retail.Shared.Json.SnakeCase.Name(value);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
