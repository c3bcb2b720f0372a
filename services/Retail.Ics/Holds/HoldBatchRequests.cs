using FluentValidation;

namespace Retail.Ics.Holds;

/// <summary>One line of a batch reservation: a variant (or kit) and quantity, at its own facility or the batch's.</summary>
/// <param name="LineRef">The caller's name of the line (an order's line number), kept on the hold and named in a shortfall.</param>
public sealed record HoldBatchLineRequest(string? VariantGuid, long? Quantity, string? FacilityCode, string? LineRef);

/// <summary>
/// Reserve every line for one reference, all or none, in one ledger change: one hold per line. <see cref="FacilityCode"/>
/// is the facility of every line that names none.
/// </summary>
public sealed record HoldBatchReserveRequest(HoldReferenceRequest? Reference, string? FacilityCode, IReadOnlyList<HoldBatchLineRequest>? Lines,
    int? TtlSeconds);

/// <summary>A hold a batch changes, at the revision the caller read.</summary>
public sealed record HoldBatchItemRequest(string? HoldGuid, long? ExpectedRevision);

/// <summary>Continue every named hold into <see cref="Stage"/> (allocated or committed), all or none, in one ledger change.</summary>
public sealed record HoldBatchContinueRequest(IReadOnlyList<HoldBatchItemRequest>? Holds, HoldStage? Stage, int? TtlSeconds);

/// <summary>A hold to release: all of it, or (<see cref="Quantity"/>) that much of it, the rest staying held.</summary>
public sealed record HoldBatchReleaseItemRequest(string? HoldGuid, long? ExpectedRevision, long? Quantity);

/// <summary>
/// Release every named hold (or part of it), all or none, in one ledger change. With <see cref="SkipEnded"/> a hold that
/// already ended (released, expired, shipped) is answered as it stands instead of refusing the batch.
/// </summary>
public sealed record HoldBatchReleaseRequest(IReadOnlyList<HoldBatchReleaseItemRequest>? Holds, string? Reason, bool? SkipEnded);

/// <summary>The holds of a batch, in the order of its request.</summary>
public sealed record HoldBatch(IReadOnlyList<Hold> Holds);

/// <summary>A batch line that cannot be held: its position, what it asked and what its facility has available.</summary>
public sealed record HoldBatchShortLine(int Index, string? LineRef, string FacilityCode, string VariantGuid, long Requested, long Available);

public sealed class HoldBatchReserveRequestValidator : AbstractValidator<HoldBatchReserveRequest>
{
    public HoldBatchReserveRequestValidator()
    {
        RuleFor(r => r.Reference).NotNull().WithMessage("is required");
        this.AddReferenceRules(r => r.Reference);
        RuleFor(r => r.FacilityCode).OptionalCode();
        RuleFor(r => r.Lines).NotNull().WithMessage("is required")
            .Must(l => l is null || l.Count is >= 1 and <= HoldBatches.MaxLines).WithMessage($"1 to {HoldBatches.MaxLines} lines")
            .Must(l => l is null || l.All(x => x is not null)).WithMessage("a line is null");
        RuleForEach(r => r.Lines).ChildRules(line =>
        {
            line.RuleFor(l => l!.VariantGuid).RequiredGuid();
            line.RuleFor(l => l!.Quantity).NotNull().WithMessage("is required").InclusiveBetween(1, HoldRules.MaxQuantity);
            line.RuleFor(l => l!.FacilityCode).OptionalCode();
            line.RuleFor(l => l!.LineRef).Text(100);
        }).When(r => r.Lines is { Count: <= HoldBatches.MaxLines });
        RuleFor(r => r).Must(r => r.FacilityCode is not null || r.Lines is null || r.Lines.All(l => l?.FacilityCode is not null))
            .WithMessage("is required unless every line names its facility").OverridePropertyName("facility_code");
        RuleFor(r => r.Lines).Must(l => l is null || l.Where(x => x?.LineRef is not null).GroupBy(x => x!.LineRef).All(g => g.Count() == 1))
            .WithMessage("line_ref must be unique within the batch");
        this.AddTtlRules(r => r.TtlSeconds);
    }
}

public sealed class HoldBatchContinueRequestValidator : AbstractValidator<HoldBatchContinueRequest>
{
    public HoldBatchContinueRequestValidator()
    {
        this.AddItemRules(r => r.Holds, i => i.HoldGuid, i => i.ExpectedRevision);
        RuleFor(r => r.Stage).NotNull().WithMessage("is required")
            .Must(s => s is null or HoldStage.Allocated or HoldStage.Committed).WithMessage("must be allocated or committed");
        this.AddTtlRules(r => r.TtlSeconds);
        RuleFor(r => r.TtlSeconds).Null().When(r => r.Stage == HoldStage.Committed).WithMessage("a commitment has no time to live");
    }
}

public sealed class HoldBatchReleaseRequestValidator : AbstractValidator<HoldBatchReleaseRequest>
{
    public HoldBatchReleaseRequestValidator()
    {
        this.AddItemRules(r => r.Holds, i => i.HoldGuid, i => i.ExpectedRevision);
        RuleForEach(r => r.Holds).ChildRules(item => item.RuleFor(i => i!.Quantity).InclusiveBetween(1, HoldRules.MaxQuantity))
            .When(r => r.Holds is { Count: <= HoldBatches.MaxLines });
        RuleFor(r => r.Reason).Text();
    }
}

internal static class HoldBatchRequestRules
{
    public static void AddItemRules<T, TItem>(this AbstractValidator<T> validator, Func<T, IReadOnlyList<TItem>?> items, Func<TItem, string?> holdGuid,
        Func<TItem, long?> expectedRevision)
    {
        validator.RuleFor(r => items(r)).NotNull().WithMessage("is required")
            .Must(l => l is null || l.Count is >= 1 and <= HoldBatches.MaxLines).WithMessage($"1 to {HoldBatches.MaxLines} holds")
            .Must(l => l is null || l.All(x => x is not null)).WithMessage("a hold is null")
            .OverridePropertyName("holds");
        validator.RuleForEach(r => items(r)).ChildRules(item =>
        {
            item.RuleFor(i => holdGuid(i!)).RequiredGuid().OverridePropertyName("hold_guid");
            item.RuleFor(i => expectedRevision(i!)).GreaterThan(0).When(i => expectedRevision(i!) is not null).OverridePropertyName("expected_revision");
        }).When(r => items(r) is { Count: <= HoldBatches.MaxLines }).OverridePropertyName("holds");
        validator.RuleFor(r => items(r)).Must(l => l is null || l.Any(i => i is null) || l.Select(i => holdGuid(i)).Distinct(StringComparer.OrdinalIgnoreCase).Count() == l.Count)
            .WithMessage("names a hold twice").OverridePropertyName("holds");
    }
}
