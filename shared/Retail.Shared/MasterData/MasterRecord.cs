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
/// A coded master record: a guid key, a code unique within its org, the shared lifecycle. Its requests name it by
/// <see cref="KeyName"/> or <see cref="CodeName"/> (for example <c>facility_guid</c> or <c>facility_code</c>).
/// </summary>
public interface IMasterRecord<T> where T : Record, IMasterRecord<T>
{
    static abstract RecordType<T> Type { get; }

    /// <summary>The request and record field of its guid ("facility_guid").</summary>
    static abstract string KeyName { get; }

    /// <summary>The request field of its code, and the unique value its code is kept under ("facility_code").</summary>
    static abstract string CodeName { get; }

    MasterStatus Status { get; }

    T WithStatus(MasterStatus status, string? reason);
}

public static class MasterRecords
{
    /// <summary>The record's code: its unique value named <see cref="IMasterRecord{T}.CodeName"/>.</summary>
    public static string CodeOf<T>(T record) where T : Record, IMasterRecord<T> =>
        T.Type.UniquesOf(record).First(u => u.Name == T.CodeName).Value;
}
