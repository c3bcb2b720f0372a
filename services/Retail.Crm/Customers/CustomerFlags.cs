using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Retail.Shared;

namespace Retail.Crm.Customers;

/// <summary>A flag set on a customer: its code, why, by whom and when.</summary>
public sealed record FlagEntry(string Code, string? Note, string SetBy, DateTimeOffset SetAt);

/// <summary>
/// The flags set on a customer (vip, do_not_contact, …), keyed by the customer; apart from the customer record so a flag
/// never races a profile edit and a merge can union them beside the customer's own change. Set flags are indexed: the
/// customers with a flag are an index read. A merged customer's record keeps its flags for history and leaves the index.
/// </summary>
public sealed record CustomerFlags : Record
{
    public required string CustomerGuid { get; init; }

    public IReadOnlyList<FlagEntry> Flags { get; init; } = [];

    public string? MergedInto { get; init; }

    [JsonIgnore]
    public override string Key => CustomerGuid;

    public static readonly RecordType<CustomerFlags> Type = new RecordType<CustomerFlags>("customer_flags")
        .IndexValues("flag", f => f.MergedInto is null ? f.Flags.Select(x => x.Code) : []);
}

public enum FlagAction
{
    Set,
    Cleared,
}

/// <summary>One flag set or cleared, kept forever (the flag history): immutable, listed per customer newest first.</summary>
public sealed record FlagChange : Record
{
    public required string ChangeGuid { get; init; }

    public required string CustomerGuid { get; init; }

    public required string Code { get; init; }

    public required FlagAction Action { get; init; }

    public string? Note { get; init; }

    public required string By { get; init; }

    /// <summary>For a flag a merge brought: the customer merged into this one.</summary>
    public string? MergedFrom { get; init; }

    [JsonIgnore]
    public override string Key => ChangeGuid;

    public static readonly RecordType<FlagChange> Type = new RecordType<FlagChange>("customer_flag_change")
        .IndexBy("customer_guid", "change_guid");

    public static FlagChange Of(string customerGuid, string code, FlagAction action, string? note, string by, string? mergedFrom = null) => new()
    {
        ChangeGuid = Ids.New(),
        CustomerGuid = customerGuid,
        Code = code,
        Action = action,
        Note = note,
        By = by,
        MergedFrom = mergedFrom,
    };
}

/// <summary>Flag codes: lower-case words joined by underscores (<c>vip</c>, <c>do_not_contact</c>); at most <see cref="MaxFlags"/> per customer.</summary>
public static partial class CustomerFlagRules
{
    public const int MaxFlags = 32;
    public const string CodeMessage = "must be 2–40 lower-case letters, digits and underscores, starting with a letter (vip, do_not_contact)";

    public static string Normalise(string code) => code.Trim().ToLowerInvariant();

    public static bool IsCode(string? code) => code is not null && CodeShape().IsMatch(Normalise(code));

    [GeneratedRegex("^[a-z][a-z0-9_]{1,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeShape();
}
