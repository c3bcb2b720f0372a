using System.Text.Json;
using FluentValidation;

namespace Retail.Ipm.Cdc;

/// <summary>
/// A page of the org's change feed: after <c>cursor</c> (from a previous answer), or from the beginning (neither), or from
/// now on (<c>from: "latest"</c>: an empty page whose cursor continues after the last change logged so far).
/// <c>entity_types</c> keeps only those <c>{app}.{entity}</c> (e.g. <c>pvm.style</c>); a cursor continues the same filter.
/// </summary>
public sealed record CdcListRequest(string? Cursor, string? From, IReadOnlyList<string>? EntityTypes, int? Limit);

/// <param name="Sequence">The entry's position in the org's log: ascending, never reused.</param>
/// <param name="Revision">The changed record's revision.</param>
/// <param name="Superseded">A newer revision of the record was logged before this one (a late delivery): not its current state.</param>
/// <param name="Data">The record's snapshot after the change.</param>
public sealed record CdcItem(long Sequence, string App, string Entity, string EntityType, string Key, long Revision, string Op, DateTimeOffset ChangedAt,
    bool Superseded, JsonElement Data)
{
    public static CdcItem Of(CdcEntry e) =>
        new(e.Sequence, e.App, e.Entity, e.EntityType, e.RecordKey, e.RecordRevision, e.Op, e.ChangedAt, e.Superseded, e.Data);
}

/// <summary>A page of the feed; <c>next_cursor</c> is always given (also on an empty page): continue from it.</summary>
public sealed record CdcPage(IReadOnlyList<CdcItem> Items, string NextCursor);

public sealed partial class CdcListRequestValidator : AbstractValidator<CdcListRequest>
{
    public const int MaxEntityTypes = 50;

    public CdcListRequestValidator()
    {
        RuleFor(r => r.Cursor).MaximumLength(1024);
        RuleFor(r => r.From).Must(f => f is null or "latest" or "beginning").WithMessage("must be \"latest\" or \"beginning\"");
        RuleFor(r => r.From).Null().When(r => r.Cursor is not null).WithMessage("must not be given with cursor");
        RuleFor(r => r.EntityTypes).Must(t => t!.Count <= MaxEntityTypes).When(r => r.EntityTypes is not null)
            .WithMessage($"must name at most {MaxEntityTypes} types");
        RuleForEach(r => r.EntityTypes).Must(t => t is not null && EntityTypePattern().IsMatch(t))
            .WithMessage("must be {app}.{entity} in lower case, e.g. pvm.style");
        RuleFor(r => r.Limit).InclusiveBetween(1, Paging.MaxLimit).When(r => r.Limit is not null);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,63}\\.[a-z0-9_.]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex EntityTypePattern();
}
