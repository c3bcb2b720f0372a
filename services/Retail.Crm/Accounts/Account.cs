using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Retail.Crm.Accounts;

/// <summary><c>active ⇄ on_hold → closed</c>: an account is put on hold (credit, dispute) before it is closed; closed is final.</summary>
public enum AccountStatus
{
    Active,
    OnHold,
    Closed,
}

/// <summary>Where an account's invoices go. <see cref="Country"/> is ISO 3166-1 alpha-2 (upper case).</summary>
public sealed record BillingAddress(string Line1, string? Line2, string City, string? Region, string? Postcode, string Country);

/// <summary>How much the account may owe: integer minor units of an ISO 4217 currency.</summary>
public sealed record CreditLimit(long AmountMinor, string Currency);

/// <summary>
/// A B2B company the org sells to: its code (unique in the org), name, tax id, billing address, payment terms and credit
/// limit. Its people are <see cref="AccountContact"/>s; customers may name it (<c>account_guid</c>); a tax-exemption
/// certificate may be held by it.
/// </summary>
public sealed record Account : Record, ILifecycleRecord<Account, AccountStatus>
{
    public required string AccountGuid { get; init; }

    public required string AccountCode { get; init; }

    public required string Name { get; init; }

    /// <summary>The company's VAT or tax registration number, as written (trimmed).</summary>
    public string? TaxId { get; init; }

    public BillingAddress? BillingAddress { get; init; }

    /// <summary><c>prepaid</c>, <c>due_on_receipt</c> or <c>net_{days}</c> (<c>net_30</c>).</summary>
    public string? PaymentTerms { get; init; }

    public CreditLimit? CreditLimit { get; init; }

    public AccountStatus Status { get; init; } = AccountStatus.Active;

    public string? StatusReason { get; init; }

    public required string CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => AccountGuid;

    public static RecordType<Account> Type { get; } = new("account", a => [new UniqueValue(CodeName, a.AccountCode)]);

    public static string KeyName => "account_guid";

    public static string CodeName => "account_code";

    public static StateMachine<AccountStatus> Lifecycle { get; } = new(new Dictionary<AccountStatus, AccountStatus[]>
    {
        [AccountStatus.Active] = [AccountStatus.OnHold],
        [AccountStatus.OnHold] = [AccountStatus.Active, AccountStatus.Closed],
        [AccountStatus.Closed] = [],
    });

    public Account WithStatus(AccountStatus status, string? reason) => this with { Status = status, StatusReason = reason };
}

/// <summary><c>account.created|updated</c>: the account as it stands after the change (a status change is an update).</summary>
public sealed record AccountChanged(string Orgcode, string AccountGuid, string AccountCode, long Revision, string Name, AccountStatus Status,
    string? TaxId, BillingAddress? BillingAddress, string? PaymentTerms, CreditLimit? CreditLimit);

public static partial class AccountRules
{
    public const string PaymentTermsText = "prepaid, due_on_receipt or net_{days} (net_1 to net_365)";

    public static readonly long MaxCreditMinor = 1_000_000_000_000_000;

    public static bool IsPaymentTerms(string? terms)
    {
        if (terms is null)
        {
            return true;
        }
        var t = Codes.Normalize(terms);
        if (t is "prepaid" or "due_on_receipt")
        {
            return true;
        }
        var m = NetDays().Match(t);
        return m.Success && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 365;
    }

    public static BillingAddress? AddressOf(BillingAddressInput? a) => a is null
        ? null
        : new BillingAddress(a.Line1!.Trim(), RequestRules.Trimmed(a.Line2), a.City!.Trim(), RequestRules.Trimmed(a.Region), RequestRules.Trimmed(a.Postcode),
            a.Country!.Trim().ToUpperInvariant());

    public static CreditLimit? CreditOf(CreditLimitInput? c) => c is null ? null : new CreditLimit(c.AmountMinor!.Value, c.Currency!.Trim().ToUpperInvariant());

    public static DomainEvent Changed(string type, string orgcode, Account account) =>
        new(type, new AccountChanged(orgcode, account.AccountGuid, account.AccountCode, account.Revision, account.Name, account.Status, account.TaxId,
            account.BillingAddress, account.PaymentTerms, account.CreditLimit), $"account/{account.AccountGuid}");

    [GeneratedRegex("^net_([0-9]{1,3})$", RegexOptions.CultureInvariant)]
    private static partial Regex NetDays();
}
