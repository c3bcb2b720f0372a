using System.Text.Json.Serialization;

namespace Retail.Crm.Customers;

/// <summary><c>active ⇄ inactive</c>; <c>merged</c> is final (the record answers with <see cref="Customer.MergedInto"/>).</summary>
public enum CustomerStatus
{
    Active,
    Inactive,
    Merged,
}

/// <summary>A postal address of a customer. <see cref="Country"/> is ISO 3166-1 alpha-2; <see cref="Postcode"/> as written.</summary>
public sealed record CustomerAddress(string? Label, string Line1, string? Line2, string City, string? Region, string? Postcode, string Country);

/// <summary>
/// One person the org sells to (UC-CRM-001): the truth every other service names by <see cref="CustomerGuid"/>.
/// <see cref="Email"/> is normalised (trimmed, lower-case) and <see cref="Phone"/> is E.164; both are unique among the org's
/// live (not merged) customers. A merged customer keeps its fields for history, answers with <see cref="MergedInto"/>, and
/// releases its e-mail and phone to the survivor. Shared by every CRM area: consent, flags, fraud, loyalty and gift cards
/// name it; only the customers and merge areas change it.
/// </summary>
public sealed record Customer : Record
{
    public required string CustomerGuid { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? GivenName { get; init; }

    public string? FamilyName { get; init; }

    public IReadOnlyList<CustomerAddress> Addresses { get; init; } = [];

    /// <summary>Ids of this customer in other systems, by system (<c>shopify</c> → <c>12345</c>).</summary>
    public IReadOnlyDictionary<string, string> ExternalIds { get; init; } = new Dictionary<string, string>();

    /// <summary>A B2B account this customer buys for, when any.</summary>
    public string? AccountGuid { get; init; }

    public CustomerStatus Status { get; init; } = CustomerStatus.Active;

    public string? MergedInto { get; init; }

    public DateTimeOffset? MergedAt { get; init; }

    /// <summary>Flags (vip, do_not_contact, …) currently set, by code.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>The words a search finds this customer by (names, e-mail, phone); null once merged (merged records are not found).</summary>
    public string? SearchText { get; init; }

    public required string CreatedBy { get; init; }

    [JsonIgnore]
    public override string Key => CustomerGuid;

    [JsonIgnore]
    public bool IsLive => Status != CustomerStatus.Merged;

    public static readonly RecordType<Customer> Type = new RecordType<Customer>("customer", c => c.IsLive
            ? new[] { c.Email is null ? (UniqueValue?)null : new UniqueValue("email", c.Email), c.Phone is null ? null : new UniqueValue("phone", c.Phone) }
                .OfType<UniqueValue>()
            : [])
        .IndexBy("status")
        .IndexBy("email")
        .IndexBy("phone")
        .IndexBy("account_guid")
        .IndexBy("merged_into")
        // Prefix search (e-mail, phone) is a range read over these; a merged customer holds neither, so it is never found.
        .Computed("live_email", c => c.IsLive ? c.Email : null)
        .Computed("live_phone", c => c.IsLive ? c.Phone : null)
        .Computed("created_ms", c => c.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("live_email")
        .IndexBy("live_phone")
        .IndexBy("status", "created_ms")
        .IndexBy("account_guid", "created_ms")
        .IndexBy("created_ms");
}
