using System.Text.Json.Serialization;
using FluentValidation;

namespace Retail.Crm.Merge;

/// <summary>
/// <c>open</c> (proposed), <c>dismissed</c> (a person said they are two people; stays so while the pair matches),
/// <c>cleared</c> (no reason holds any more), <c>merged</c> (a side was merged; final). Only open → dismissed is a
/// caller's move; the others follow the customers.
/// </summary>
public enum DedupeStatus
{
    Open,
    Dismissed,
    Cleared,
    Merged,
}

/// <summary>
/// Two live customers that may be one person (UC-CRM-002), stored once per pair: <see cref="CustomerGuidA"/> is the lower
/// guid, <see cref="PairGuid"/> is derived from both (<see cref="DedupeRules.PairGuidOf"/>). Kept by
/// <see cref="DedupeFinder"/> from CRM's own customer events, re-scored whenever either side changes.
/// </summary>
public sealed record DedupePair : Record
{
    public required string PairGuid { get; init; }

    public required string CustomerGuidA { get; init; }

    public required string CustomerGuidB { get; init; }

    public double Score { get; init; }

    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>Jaro-Winkler of the normalised names when the two share a postcode.</summary>
    public double? NameSimilarity { get; init; }

    public DedupeStatus Status { get; init; } = DedupeStatus.Open;

    /// <summary>The customers' revisions this pair was scored from.</summary>
    public long RevisionA { get; init; }

    public long RevisionB { get; init; }

    public string? DismissedBy { get; init; }

    public DateTimeOffset? DismissedAt { get; init; }

    public string? DismissReason { get; init; }

    [JsonIgnore]
    public override string Key => PairGuid;

    /// <summary>The caller's move: an open pair may be dismissed. The other moves follow the customers (<see cref="DedupeFinder.Rescore"/>).</summary>
    public static readonly StateMachine<DedupeStatus> Lifecycle = new(new Dictionary<DedupeStatus, DedupeStatus[]>
    {
        [DedupeStatus.Open] = [DedupeStatus.Dismissed],
        [DedupeStatus.Dismissed] = [],
        [DedupeStatus.Cleared] = [],
        [DedupeStatus.Merged] = [],
    });

    public static readonly RecordType<DedupePair> Type = new RecordType<DedupePair>("customer_dedupe_pair")
        .Computed("rank", p => DedupeRules.RankOf(p.Score, p.PairGuid))
        .IndexBy("status", "rank")
        .IndexBy("customer_guid_a", "status", "rank")
        .IndexBy("customer_guid_b", "status", "rank");
}

/// <summary>Pairs by score, highest first; <see cref="CustomerGuid"/> keeps those with that customer on either side. Status default open.</summary>
public sealed record DedupeListRequest(string? CustomerGuid, DedupeStatus? Status, int? Limit, string? NextToken) : IPagedRequest;

public sealed record DedupeDismissRequest(string? PairGuid, long? ExpectedRevision, string? Reason);

public sealed class DedupeListRequestValidator : AbstractValidator<DedupeListRequest>
{
    public DedupeListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.CustomerGuid).OptionalGuid();
    }
}

public sealed class DedupeDismissRequestValidator : AbstractValidator<DedupeDismissRequest>
{
    public DedupeDismissRequestValidator()
    {
        RuleFor(r => r.PairGuid).RequiredGuid();
        RuleFor(r => r.Reason).Text(500);
    }
}
