using System.Text.Json.Serialization;

namespace Retail.Usm.ServiceAccounts;

public enum ServiceAccountStatus
{
    Active,
    Disabled,
}

/// <summary>A non-human caller bound to one org with one role (never above admin); it acts through its API keys.</summary>
public sealed record ServiceAccount : Record
{
    public required string ServiceAccountGuid { get; init; }

    public required string Orgcode { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public Role Role { get; init; }

    public ServiceAccountStatus Status { get; init; }

    [JsonIgnore]
    public override string Key => ServiceAccountGuid;

    public static readonly RecordType<ServiceAccount> Type = new("service_account", a => [new UniqueValue("name", a.Name)]);

    public static readonly StateMachine<ServiceAccountStatus> Lifecycle = new(new Dictionary<ServiceAccountStatus, ServiceAccountStatus[]>
    {
        [ServiceAccountStatus.Active] = [ServiceAccountStatus.Disabled],
        [ServiceAccountStatus.Disabled] = [ServiceAccountStatus.Active],
    });

    /// <summary>The roles a service account may carry: org roles up to admin.</summary>
    public static readonly IReadOnlySet<Role> Grantable = new HashSet<Role> { Role.Viewer, Role.Member, Role.Admin };
}

public sealed record CreateServiceAccountRequest(string? Name, Role? Role, string? Description, string? Orgcode = null);

public sealed record ListServiceAccountsRequest(ServiceAccountStatus? Status, bool? IncludeDoomed, int? Limit, string? NextToken) : IPagedRequest;

public sealed record SetServiceAccountStatusRequest(string? ServiceAccountGuid, ServiceAccountStatus? Status, long? ExpectedRevision);
