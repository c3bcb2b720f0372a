using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Influencer;

/// <summary>One host per test class: OFM (orgs) and Influencer only — profiles, tiers, payout readiness, statements of nothing.</summary>
public sealed class InfluencerHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "influencer"];

    /// <summary>A fresh active org with its owner (an admin), a second admin, a member and a viewer. No profiles, no campaigns.</summary>
    public Task<InfluencerOrg> NewOrgAsync(string prefix = "inf") => NewOrgAsync(Factory, Operator, prefix);

    internal static async Task<InfluencerOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "inf")
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
        return new InfluencerOrg(orgcode, owner, approver, clerk, viewer);
    }
}

/// <summary>
/// One host per test class with Influencer beside SCM and everything SCM needs (OFM, MRS, PVM, ICS, PPM): campaigns with a
/// PPM buyer discount, orders carrying a campaign code attributed from <c>order.placed</c>, returns clawing back.
/// <see cref="NewOrgAsync"/> is <see cref="ScmHost"/>'s org (channels web and pos, six priced variants with stock at store-1)
/// plus a viewer.
/// </summary>
public sealed class InfluencerScmHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. ScmHost.Modules, "influencer"];

    public async Task<(InfluencerOrg Influencer, ScmOrg Scm)> NewOrgAsync(string prefix = "infs", long stock = 100)
    {
        var scm = await ScmHost.NewOrgAsync(Factory, Operator, prefix, stock);
        var viewer = Factory.NewUser("viewer");
        await scm.Owner.Join(scm.Orgcode, viewer, "viewer");
        return (new InfluencerOrg(scm.Orgcode, scm.Owner, scm.Approver, scm.Clerk, viewer), scm);
    }
}

/// <param name="Owner">The org's owner (an admin).</param>
/// <param name="Approver">A second admin.</param>
/// <param name="Clerk">A member.</param>
/// <param name="Viewer">A viewer: reads only.</param>
public sealed record InfluencerOrg(string Orgcode, TestUser Owner, TestUser Approver, TestUser Clerk, TestUser Viewer)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    public Task<HttpResponseMessage> Post(TestUser user, string path, object body) => user.Client.Post(path, body, Orgcode);
}
