using System.Text.Json.Serialization;
using FluentValidation;

namespace Retail.Scm.Payments;

public enum EdiDirection
{
    Inbound,
    Outbound,
}

/// <summary>
/// <c>received</c> (inbound) or <c>sent</c> (outbound) <c>→ acknowledged → processed | failed</c>; a document may be
/// processed or fail without an acknowledgement; processed and failed are final.
/// </summary>
public enum EdiStatus
{
    Received,
    Sent,
    Acknowledged,
    Processed,
    Failed,
}

/// <summary>
/// An EDI document exchanged with a trading partner (X12 850 purchase order, 855 acknowledgement, 856 ship notice, 810
/// invoice): its raw payload as text, its partner, what it refers to (an order, a PO number) and where its handling stands.
/// </summary>
public sealed record EdiDocument : Record
{
    public static readonly IReadOnlyList<string> DocumentTypes = ["850", "855", "856", "810"];

    /// <summary>The largest payload kept (characters).</summary>
    public const int MaxPayload = 65_536;

    public required string EdiGuid { get; init; }

    public required string DocumentType { get; init; }

    public required EdiDirection Direction { get; init; }

    public required string PartnerCode { get; init; }

    public string? OrderGuid { get; init; }

    public string? PoNumber { get; init; }

    /// <summary>The interchange or group control number, when the sender gave one.</summary>
    public string? ControlNumber { get; init; }

    public required string Payload { get; init; }

    public EdiStatus Status { get; init; }

    /// <summary>Why processing failed (status <c>failed</c>).</summary>
    public string? Error { get; init; }

    public required string RecordedBy { get; init; }

    public string? StatusSetBy { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public DateTimeOffset? ProcessedAt { get; init; }

    [JsonIgnore]
    public override string Key => EdiGuid;

    public static readonly StateMachine<EdiStatus> Lifecycle = new(new Dictionary<EdiStatus, EdiStatus[]>
    {
        [EdiStatus.Received] = [EdiStatus.Acknowledged, EdiStatus.Processed, EdiStatus.Failed],
        [EdiStatus.Sent] = [EdiStatus.Acknowledged, EdiStatus.Processed, EdiStatus.Failed],
        [EdiStatus.Acknowledged] = [EdiStatus.Processed, EdiStatus.Failed],
        [EdiStatus.Processed] = [],
        [EdiStatus.Failed] = [],
    });

    public static RecordType<EdiDocument> Type { get; } = new RecordType<EdiDocument>("edi_document")
        .Computed("created_ms", d => d.CreatedAt.ToUnixTimeMilliseconds())
        .Computed("reference", d => d.OrderGuid ?? d.PoNumber)
        .IndexBy("document_type", "created_ms")
        .IndexBy("direction", "created_ms")
        .IndexBy("status", "created_ms")
        .IndexBy("reference", "created_ms")
        .IndexBy("created_ms");
}

public sealed record RecordEdiRequest(string? DocumentType, EdiDirection? Direction, string? PartnerCode, string? OrderGuid, string? PoNumber,
    string? ControlNumber, string? Payload);

public sealed record SetEdiStatusRequest(string? EdiGuid, long? ExpectedRevision, EdiStatus? Status, string? Error);

public sealed record EdiKey(string? EdiGuid);

/// <param name="Reference">An order guid or a PO number.</param>
public sealed record EdiListRequest(string? DocumentType, EdiDirection? Direction, EdiStatus? Status, string? Reference, int? Limit, string? NextToken)
    : IPagedRequest;

public sealed class RecordEdiRequestValidator : AbstractValidator<RecordEdiRequest>
{
    public RecordEdiRequestValidator()
    {
        RuleFor(r => r.DocumentType).NotEmpty().WithMessage("is required").Must(t => EdiDocument.DocumentTypes.Contains(t!.Trim()))
            .WithMessage($"must be one of {string.Join(", ", EdiDocument.DocumentTypes)}");
        RuleFor(r => r.Direction).NotNull().WithMessage("is required");
        RuleFor(r => r.PartnerCode).BusinessCode();
        RuleFor(r => r.OrderGuid).OptionalGuid();
        RuleFor(r => r.PoNumber).Text(64);
        RuleFor(r => r.ControlNumber).Text(64);
        RuleFor(r => r.Payload).NotEmpty().WithMessage("is required").MultilineText(EdiDocument.MaxPayload);
    }
}

public sealed class SetEdiStatusRequestValidator : AbstractValidator<SetEdiStatusRequest>
{
    public SetEdiStatusRequestValidator()
    {
        RuleFor(r => r.EdiGuid).RequiredGuid();
        RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        RuleFor(r => r.Status).NotNull().WithMessage("is required");
        RuleFor(r => r.Error).NotEmpty().WithMessage("is required when the status is failed").When(r => r.Status == EdiStatus.Failed);
        RuleFor(r => r.Error).MultilineText(2000);
    }
}

public sealed class EdiKeyValidator : AbstractValidator<EdiKey>
{
    public EdiKeyValidator() => RuleFor(r => r.EdiGuid).RequiredGuid();
}

public sealed class EdiListRequestValidator : AbstractValidator<EdiListRequest>
{
    public EdiListRequestValidator()
    {
        this.AddPagingRules();
        RuleFor(r => r.DocumentType).Must(t => t is null || EdiDocument.DocumentTypes.Contains(t.Trim()))
            .WithMessage($"must be one of {string.Join(", ", EdiDocument.DocumentTypes)}");
        RuleFor(r => r.Reference).Text(64);
    }
}
