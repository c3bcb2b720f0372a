namespace Retail.Crm.Customers;

/// <summary>The customer's lifecycle and the derived fields every change recomputes.</summary>
public static class CustomerRules
{
    /// <summary><c>active ⇄ inactive</c>; <c>merged</c> is reached by a merge only and never left.</summary>
    public static readonly StateMachine<CustomerStatus> Lifecycle = new(new Dictionary<CustomerStatus, CustomerStatus[]>
    {
        [CustomerStatus.Active] = [CustomerStatus.Inactive],
        [CustomerStatus.Inactive] = [CustomerStatus.Active],
        [CustomerStatus.Merged] = [],
    });

    /// <summary>What a name search finds a live customer by: names, e-mail and phone; nothing once merged.</summary>
    public static string? SearchText(Customer customer) =>
        customer.IsLive
            ? string.Join(' ', new[] { customer.GivenName, customer.FamilyName, customer.Email, customer.Phone?.TrimStart('+') }.OfType<string>())
            : null;

    /// <summary>The customer with its derived fields brought up to date.</summary>
    public static Customer Derive(Customer customer) => customer with { SearchText = SearchText(customer) };
}

/// <summary>The data of <c>customer.created</c> and <c>customer.updated</c>: the customer as it now stands.</summary>
/// <param name="Revision">The customer's revision after the change: a consumer keeps the newest.</param>
public sealed record CustomerChanged(string Orgcode, string CustomerGuid, long Revision, CustomerStatus Status, string? Email, string? Phone,
    string? GivenName, string? FamilyName, IReadOnlyList<CustomerAddress> Addresses, IReadOnlyDictionary<string, string> ExternalIds, string? AccountGuid,
    string? MergedInto)
{
    public static DomainEvent Of(string type, string orgcode, Customer c) =>
        new(type, new CustomerChanged(orgcode, c.CustomerGuid, c.Revision, c.Status, c.Email, c.Phone, c.GivenName, c.FamilyName, c.Addresses, c.ExternalIds,
            c.AccountGuid, c.MergedInto), $"customer/{c.CustomerGuid}");
}

/// <summary>The data of <c>customer.flag_changed</c>: the flag set or cleared and every flag the customer now has.</summary>
public sealed record CustomerFlagChanged(string Orgcode, string CustomerGuid, string Code, FlagAction Action, string? Note, IReadOnlyList<string> Flags,
    string? MergedFrom)
{
    public static DomainEvent Of(string orgcode, CustomerFlags flags, FlagChange change) =>
        new(CrmEvents.CustomerFlagChanged, new CustomerFlagChanged(orgcode, flags.CustomerGuid, change.Code, change.Action, change.Note,
            flags.Flags.Select(f => f.Code).ToList(), change.MergedFrom), $"customer/{flags.CustomerGuid}");
}
