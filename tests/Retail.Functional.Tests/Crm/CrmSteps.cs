using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>One host per test class: OFM (orgs) and CRM only — customers, accounts, consent, merge, fraud, loyalty, gift cards.</summary>
public sealed class CrmHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "crm"];

    /// <summary>
    /// A fresh active org with its owner (an admin), a second admin (<see cref="CrmOrg.Approver"/>), a member
    /// (<see cref="CrmOrg.Clerk"/>) and a viewer (<see cref="CrmOrg.Viewer"/>). No customers, no policies.
    /// </summary>
    public Task<CrmOrg> NewOrgAsync(string prefix = "crm") => NewOrgAsync(Factory, Operator, prefix);

    internal static async Task<CrmOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "crm")
    {
        var orgcode = OfmSteps.NewOrgcode(prefix);
        var owner = factory.NewUser("owner");
        await @operator.ActiveOrg(orgcode, owner.UserGuid);
        var approver = factory.NewUser("approver");
        await owner.Join(orgcode, approver, "admin");
        var clerk = factory.NewUser("clerk");
        await owner.Join(orgcode, clerk, "member");
        var viewer = factory.NewUser("viewer");
        await owner.Join(orgcode, viewer, "viewer");
        return new CrmOrg(orgcode, owner, approver, clerk, viewer);
    }
}

/// <summary>
/// One host per test class with CRM beside SCM and everything SCM needs (OFM, MRS, PVM, ICS, PPM): loyalty earned from
/// orders, reversed by returns, gift cards as tender. <see cref="NewOrgAsync"/> is <see cref="ScmHost"/>'s org (channels
/// web and pos, six priced variants with stock at store-1) plus a viewer.
/// </summary>
public sealed class CrmScmHost() : ServiceHost(Modules)
{
    internal static IReadOnlyList<string> Modules { get; } = [.. ScmHost.Modules, "crm"];

    public async Task<(CrmOrg Crm, ScmOrg Scm)> NewOrgAsync(string prefix = "crms", long stock = 100)
    {
        var scm = await ScmHost.NewOrgAsync(Factory, Operator, prefix, stock);
        var viewer = Factory.NewUser("viewer");
        await scm.Owner.Join(scm.Orgcode, viewer, "viewer");
        return (new CrmOrg(scm.Orgcode, scm.Owner, scm.Approver, scm.Clerk, viewer), scm);
    }
}

/// <param name="Owner">The org's owner (an admin).</param>
/// <param name="Approver">A second admin.</param>
/// <param name="Clerk">A member: everyday customer work.</param>
/// <param name="Viewer">A viewer: reads only.</param>
public sealed record CrmOrg(string Orgcode, TestUser Owner, TestUser Approver, TestUser Clerk, TestUser Viewer)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    public Task<HttpResponseMessage> Post(TestUser user, string path, object body) => user.Client.Post(path, body, Orgcode);

    /// <summary>Creates a customer (as the clerk) and answers it.</summary>
    public async Task<JsonElement> CustomerAsync(string email, string? phone = null, string given = "Ada", string family = "Lovelace",
        object? address = null) =>
        await Post(Clerk, "/crm/customer/create", new
        {
            email,
            phone,
            given_name = given,
            family_name = family,
            addresses = address is null ? Array.Empty<object>() : [address],
        }).Ok(HttpStatusCode.Created);
}
