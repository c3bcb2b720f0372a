namespace Retail.Shared.Contract;

/// <summary>The checked context of the current request, filled by the contract middleware before any handler runs.</summary>
public sealed class RequestContext
{
    public string RequestId { get; set; } = "";

    public string? AppId { get; set; }

    public Principal? Principal { get; set; }

    /// <summary>The org the request acts in (from <c>x-orgcode</c>, or an API key's own org).</summary>
    public string? Orgcode { get; set; }

    /// <summary>The caller's role in <see cref="Orgcode"/> (or <see cref="Contract.Role.Operator"/>).</summary>
    public Role Role { get; set; }

    public OrgStatus? OrgStatus { get; set; }

    public string? FacilityCode { get; set; }

    public string? ChannelCode { get; set; }

    public string? CostCentreCode { get; set; }

    public Principal RequirePrincipal() =>
        Principal ?? throw new InvalidOperationException("the endpoint is open; no principal was resolved");

    public string RequireOrgcode() =>
        Orgcode ?? throw new InvalidOperationException("the endpoint is not org-scoped; no orgcode was resolved");
}

public enum OrgStatus
{
    Pending,
    Active,
    Suspended,
    Frozen,
    Closed,
}
