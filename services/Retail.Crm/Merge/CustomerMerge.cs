using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Retail.Crm.Customers;

namespace Retail.Crm.Merge;

/// <summary>
/// One merge (UC-CRM-002): who merged which customer into which survivor, why, what the survivor gained and what every
/// participating area moved. Immutable; written in the merge's own transaction.
/// </summary>
public sealed record CustomerMerge : Record
{
    public required string MergeGuid { get; init; }

    public required string SurvivorGuid { get; init; }

    public required string MergedGuid { get; init; }

    public required string MergedBy { get; init; }

    public string? Reason { get; init; }

    /// <summary>The survivor's fields that came from the merged customer (<c>email</c>, <c>phone</c>, <c>addresses</c>, …).</summary>
    public IReadOnlyList<string> Gained { get; init; } = [];

    /// <summary>What each area moved, by its name (<c>loyalty</c> → <c>{ "points": 120 }</c>); areas that moved nothing are left out.</summary>
    public IReadOnlyDictionary<string, JsonElement> Moved { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The revisions the two customers reached in this merge.</summary>
    public long SurvivorRevision { get; init; }

    public long MergedRevision { get; init; }

    /// <summary>How many times the merge was decided: more than one when a concurrent write (a redemption) made it read again.</summary>
    public int Attempts { get; init; } = 1;

    [JsonIgnore]
    public override string Key => MergeGuid;

    public static readonly RecordType<CustomerMerge> Type = new RecordType<CustomerMerge>("customer_merge")
        .Computed("created_ms", m => m.CreatedAt.ToUnixTimeMilliseconds())
        .IndexBy("survivor_guid", "created_ms")
        .IndexBy("merged_guid", "created_ms")
        .IndexBy("created_ms");
}

/// <summary><c>customer.merged</c>: <see cref="MergedGuid"/> now answers with <c>merged_into</c> = <see cref="SurvivorGuid"/>.</summary>
public sealed record CustomerMergedEvent(string Orgcode, string MergeGuid, string SurvivorGuid, string MergedGuid, DateTimeOffset MergedAt,
    IReadOnlyList<string> Gained, IReadOnlyDictionary<string, JsonElement> Moved);

/// <param name="ExpectedSurvivorRevision">Optional: when given, the merge happens only if the survivor is still at it (409 revision_mismatch).</param>
/// <param name="ExpectedMergedRevision">Optional, as for the survivor.</param>
public sealed record MergeRequest(string? SurvivorGuid, string? MergedGuid, long? ExpectedSurvivorRevision, long? ExpectedMergedRevision, string? Reason);

/// <summary>Merges newest first; by survivor and/or merged customer.</summary>
public sealed record MergeListRequest(string? SurvivorGuid, string? MergedGuid, int? Limit, string? NextToken) : IPagedRequest;

/// <summary>What a merge answers: its record and both customers as they now are.</summary>
public sealed record MergeResult(CustomerMerge Merge, Customer Survivor, Customer Merged);

public sealed class MergeRequestValidator : AbstractValidator<MergeRequest>
{
    public MergeRequestValidator()
    {
        RuleFor(r => r.SurvivorGuid).RequiredGuid();
        RuleFor(r => r.MergedGuid).RequiredGuid();
        RuleFor(r => r.ExpectedSurvivorRevision).GreaterThan(0).When(r => r.ExpectedSurvivorRevision is not null);
        RuleFor(r => r.ExpectedMergedRevision).GreaterThan(0).When(r => r.ExpectedMergedRevision is not null);
        RuleFor(r => r.Reason).RequiredText(500);
    }
}

public sealed class MergeListRequestValidator : AbstractValidator<MergeListRequest>
{
    public MergeListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.SurvivorGuid).OptionalGuid();
        RuleFor(r => r.MergedGuid).OptionalGuid();
    }
}

/// <summary>The pure part of a merge: the two customers as they will be stored.</summary>
public static class MergeRules
{
    /// <summary>
    /// The merged customer becomes <c>merged</c> with <c>merged_into</c> and <c>merged_at</c> (so it releases its e-mail
    /// and phone and leaves search); the survivor keeps what it has and gains what it lacks: e-mail, phone, names and
    /// account when empty, the addresses and external ids it does not have (its own id wins for a system both know),
    /// flags combined; derived fields (search text) as the customers area derives them, so the merged one leaves search.
    /// </summary>
    public static (Customer Survivor, Customer Merged, IReadOnlyList<string> Gained) Combine(Customer survivor, Customer merged, DateTimeOffset now)
    {
        var gained = new List<string>();
        T? Take<T>(T? own, T? other, string field) where T : class
        {
            if (own is not null || other is null)
            {
                return own;
            }
            gained.Add(field);
            return other;
        }

        var email = Take(survivor.Email, merged.Email, "email");
        var phone = Take(survivor.Phone, merged.Phone, "phone");
        var given = Take(survivor.GivenName, merged.GivenName, "given_name");
        var family = Take(survivor.FamilyName, merged.FamilyName, "family_name");
        var account = Take(survivor.AccountGuid, merged.AccountGuid, "account_guid");

        var addresses = survivor.Addresses.ToList();
        foreach (var address in merged.Addresses.Where(a => !survivor.Addresses.Any(s => SameAddress(s, a))))
        {
            addresses.Add(address);
        }
        if (addresses.Count > survivor.Addresses.Count)
        {
            gained.Add("addresses");
        }

        var externalIds = new Dictionary<string, string>(survivor.ExternalIds, StringComparer.Ordinal);
        foreach (var (system, id) in merged.ExternalIds)
        {
            externalIds.TryAdd(system, id);
        }
        if (externalIds.Count > survivor.ExternalIds.Count)
        {
            gained.Add("external_ids");
        }

        var flags = survivor.Flags.Union(merged.Flags, StringComparer.Ordinal).ToList();
        if (flags.Count > survivor.Flags.Count)
        {
            gained.Add("flags");
        }

        var next = CustomerRules.Derive(survivor with
        {
            Email = email,
            Phone = phone,
            GivenName = given,
            FamilyName = family,
            AccountGuid = account,
            Addresses = addresses,
            ExternalIds = externalIds,
            Flags = flags,
        });
        var gone = CustomerRules.Derive(merged with { Status = CustomerStatus.Merged, MergedInto = survivor.CustomerGuid, MergedAt = now });
        return (next, gone, gained);
    }

    /// <summary>The same place: line, city, postcode and country alike (case and spacing aside); labels do not count.</summary>
    public static bool SameAddress(CustomerAddress a, CustomerAddress b) =>
        Same(a.Line1, b.Line1) && Same(a.Line2, b.Line2) && Same(a.City, b.City) && Same(a.Country, b.Country)
        && (DedupeRules.PostcodeKey(a) ?? Squeeze(a.Postcode)) == (DedupeRules.PostcodeKey(b) ?? Squeeze(b.Postcode));

    private static bool Same(string? a, string? b) => Squeeze(a) == Squeeze(b);

    private static string Squeeze(string? text) =>
        string.Join(' ', (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    public static string GuidKey(string guid) => Guid.Parse(guid).ToString();
}
