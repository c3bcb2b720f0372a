using FluentValidation;
using Retail.Shared.Contract;
using Retail.Shared.Records;
using Retail.Shared.Validation;

namespace Retail.Shared.MasterData;

/// <summary>A request that names one record by its guid or its code.</summary>
public interface IRecordRef
{
    string? GuidRef();

    /// <summary>The code, normalized (trimmed, lower case).</summary>
    string? CodeRef();
}

/// <summary>
/// A request about a master record of type <typeparamref name="T"/> with properties named <c>Guid</c> and <c>Code</c>:
/// on the wire they are that type's own names (<c>facility_guid</c>, <c>facility_code</c>; see <see cref="MasterFieldNames"/>).
/// </summary>
public interface IMasterRef<T> : IRecordRef where T : Record, ICodedRecord<T>
{
    string? Guid { get; }

    string? Code { get; }

    string? IRecordRef.GuidRef() => Guid;

    string? IRecordRef.CodeRef() => Code is null ? null : Codes.Normalize(Code);
}

public interface IRevisioned
{
    long? ExpectedRevision { get; }
}

/// <summary>An update request applies itself to the current record (fields left null stay as they are).</summary>
public interface IUpdateOf<T> : IMasterRef<T>, IRevisioned where T : Record, ICodedRecord<T>
{
    T Apply(T current);
}

/// <summary>A status change of a coded record, named by a reference of its own shape.</summary>
public interface IStatusRequest<TStatus> : IRecordRef, IRevisioned where TStatus : struct, Enum
{
    TStatus? Status { get; }

    string? Reason { get; }
}

/// <summary>A status change of a master record (the shared lifecycle).</summary>
public interface IStatusRequest : IStatusRequest<MasterStatus>;

public interface IStatusList<TStatus> : IPagedRequest where TStatus : struct, Enum
{
    TStatus? Status { get; }

    bool? IncludeDoomed { get; }
}

public interface IMasterList : IStatusList<MasterStatus>;

public sealed record MasterKey<T>(string? Guid, string? Code) : IMasterRef<T> where T : Record, ICodedRecord<T>;

/// <summary>The standard status change: the record by guid or code, the target status, a reason, the expected revision.</summary>
public sealed record StatusChange<T, TStatus>(string? Guid, string? Code, TStatus? Status, string? Reason, long? ExpectedRevision)
    : IMasterRef<T>, IStatusRequest<TStatus> where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum;

/// <summary>The standard list: by status, doomed ones on request, paged.</summary>
public sealed record StatusList<T, TStatus>(TStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IStatusList<TStatus>
    where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum;

public static class MasterRules
{
    /// <summary>A request naming a master record needs its guid or its code, each well formed.</summary>
    public static void AddRefRules<TRequest, T>(this AbstractValidator<TRequest> validator)
        where TRequest : IMasterRef<T> where T : Record, ICodedRecord<T>
    {
        validator.RuleFor(r => r.Guid).OptionalGuid().OverridePropertyName(T.KeyName);
        validator.RuleFor(r => r.Code).OptionalCode().OverridePropertyName(T.CodeName);
        validator.RuleFor(r => r.Guid).Must((r, guid) => !string.IsNullOrWhiteSpace(guid) || !string.IsNullOrWhiteSpace(r.Code))
            .OverridePropertyName(T.KeyName).WithMessage($"name the record by {T.KeyName} or {T.CodeName}");
    }

    /// <summary>The rules of an update request's key and revision; add the rules of its own fields beside them.</summary>
    public static void AddUpdateRules<TRequest, T>(this AbstractValidator<TRequest> validator)
        where TRequest : IUpdateOf<T> where T : Record, ICodedRecord<T>
    {
        validator.AddRefRules<TRequest, T>();
        validator.RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
    }

    /// <summary>The rules of a status change's own fields (its reference has rules of its shape).</summary>
    public static void AddStatusRules<TRequest>(this AbstractValidator<TRequest> validator) where TRequest : IStatusRequest =>
        validator.AddStatusRules<TRequest, MasterStatus>();

    /// <summary>The rules of a status change in a lifecycle of the record's own.</summary>
    public static void AddStatusRules<TRequest, TStatus>(this AbstractValidator<TRequest> validator)
        where TRequest : IStatusRequest<TStatus> where TStatus : struct, Enum
    {
        validator.RuleFor(r => r.Status).NotNull().WithMessage("is required");
        validator.RuleFor(r => r.ExpectedRevision).GreaterThan(0).When(r => r.ExpectedRevision is not null);
        validator.RuleFor(r => r.Reason).Text(500);
    }

    public static void AddListRules<TRequest>(this AbstractValidator<TRequest> validator) where TRequest : IPagedRequest => validator.AddPagingRules();
}

public sealed class MasterKeyValidator<T> : AbstractValidator<MasterKey<T>> where T : Record, ICodedRecord<T>
{
    public MasterKeyValidator() => this.AddRefRules<MasterKey<T>, T>();
}

public sealed class StatusChangeValidator<T, TStatus> : AbstractValidator<StatusChange<T, TStatus>>
    where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum
{
    public StatusChangeValidator()
    {
        this.AddRefRules<StatusChange<T, TStatus>, T>();
        this.AddStatusRules<StatusChange<T, TStatus>, TStatus>();
    }
}

public sealed class StatusListValidator<T, TStatus> : AbstractValidator<StatusList<T, TStatus>>
    where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum
{
    public StatusListValidator() => this.AddListRules();
}
