using Retail.Shared.Json;
using Retail.Shared.Records;

namespace Retail.Shared.MasterData;

/// <summary>The lifecycle coded master data shares (facilities, zones, teams, cost centres, channels, brands, …).</summary>
public enum MasterStatus
{
    Active,
    Inactive,
    Retired,
}

public static class MasterLifecycle
{
    public static readonly StateMachine<MasterStatus> Machine = new(new Dictionary<MasterStatus, MasterStatus[]>
    {
        [MasterStatus.Active] = [MasterStatus.Inactive, MasterStatus.Retired],
        [MasterStatus.Inactive] = [MasterStatus.Active, MasterStatus.Retired],
        [MasterStatus.Retired] = [],
    });

    public static string Name(MasterStatus status) => SnakeCase.Name(status);
}

/// <summary>
/// A coded record: a guid key and a code unique within its org. Its requests name it by <see cref="KeyName"/> or
/// <see cref="CodeName"/> (for example <c>facility_guid</c> or <c>facility_code</c>).
/// </summary>
public interface ICodedRecord<T> where T : Record, ICodedRecord<T>
{
    static abstract RecordType<T> Type { get; }

    /// <summary>The request and record field of its guid ("facility_guid").</summary>
    static abstract string KeyName { get; }

    /// <summary>The request field of its code, and the unique value its code is kept under ("facility_code").</summary>
    static abstract string CodeName { get; }
}

/// <summary>
/// A coded record with a lifecycle of its own (a supplier's <c>pending → active</c>, a style's <c>draft → active →
/// discontinued → retired</c>): the kit's status change checks <see cref="Lifecycle"/> and stamps the move.
/// </summary>
public interface ILifecycleRecord<T, TStatus> : ICodedRecord<T> where T : Record, ILifecycleRecord<T, TStatus> where TStatus : struct, Enum
{
    static abstract StateMachine<TStatus> Lifecycle { get; }

    TStatus Status { get; }

    T WithStatus(TStatus status, string? reason);
}

/// <summary>A coded master record with the shared lifecycle (<see cref="MasterLifecycle"/>).</summary>
public interface IMasterRecord<T> : ILifecycleRecord<T, MasterStatus> where T : Record, IMasterRecord<T>
{
    static StateMachine<MasterStatus> ILifecycleRecord<T, MasterStatus>.Lifecycle => MasterLifecycle.Machine;
}

public static class MasterRecords
{
    /// <summary>The record's code: its unique value named <see cref="ICodedRecord{T}.CodeName"/>.</summary>
    public static string CodeOf<T>(T record) where T : Record, ICodedRecord<T> =>
        T.Type.UniquesOf(record).First(u => u.Name == T.CodeName).Value;
}
