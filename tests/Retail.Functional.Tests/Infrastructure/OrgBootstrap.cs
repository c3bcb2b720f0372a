using System.Net;

namespace Retail.Functional.Tests.Infrastructure;

/// <summary>
/// OFM is the org directory of every service: an org-scoped call needs an org that exists there (unknown orgs are 404,
/// even for the operator) and an active one for writes. Tests of other services make theirs with this.
/// </summary>
public static class OrgBootstrap
{
    /// <summary>
    /// The operator (a client presenting the operator key) makes sure <paramref name="orgcode"/> exists and is active:
    /// creates it (owned by <paramref name="ownerUserGuid"/> or a fresh id) when it does not, verifies it when pending.
    /// </summary>
    public static async Task ActiveOrgAsync(this HttpClient @operator, string orgcode, string? ownerUserGuid = null)
    {
        using var created = await @operator.PostJsonAsync("/ofm/org/create",
            new { orgcode, legal_name = orgcode, owner_user_guid = ownerUserGuid ?? Guid.CreateVersion7().ToString() });
        var org = await created.JsonAsync();
        if (created.StatusCode == HttpStatusCode.Conflict)
        {
            using var existing = await @operator.PostJsonAsync("/ofm/org/get", new { orgcode });
            org = await existing.JsonAsync();
        }
        else if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"org {orgcode} could not be created: {(int)created.StatusCode} {org}");
        }
        if (org.GetProperty("status").GetString() != "pending")
        {
            return;
        }
        using var verified = await @operator.PostJsonAsync("/ofm/org/status/set",
            new { status = "active", expected_revision = org.GetProperty("revision").GetInt64() }, HttpJson.Headers(("x-orgcode", orgcode)));
        if (verified.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"org {orgcode} could not be verified: {(int)verified.StatusCode} {await verified.JsonAsync()}");
        }
    }
}
