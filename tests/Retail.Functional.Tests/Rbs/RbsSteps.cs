using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Rbs;

/// <summary>
/// One host per test class: OFM (orgs), CRM (whose events partners subscribe to) and RBS. Subscription deliveries may
/// reach the loopback address (a <see cref="WebhookReceiver"/>): the host allow-lists 127.0.0.1, as local development does.
/// </summary>
public sealed class RbsHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "crm", "rbs"];

    /// <summary>A fresh active org with its owner (an admin), a member (<see cref="RbsOrg.Clerk"/>) and a viewer.</summary>
    public Task<RbsOrg> NewOrgAsync(string prefix = "rbs") => NewOrgAsync(Factory, Operator, prefix);

    internal static async Task<RbsOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "rbs")
    {
        var (orgcode, owner, clerk, viewer) = await factory.StaffedOrg(@operator, prefix);
        return new RbsOrg(orgcode, owner, clerk, viewer);
    }
}

/// <param name="Owner">The org's owner (an admin): subscriptions.</param>
/// <param name="Clerk">A member.</param>
/// <param name="Viewer">A viewer: reads only.</param>
public sealed record RbsOrg(string Orgcode, TestUser Owner, TestUser Clerk, TestUser Viewer)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    public Task<HttpResponseMessage> Post(TestUser user, string path, object body) => user.Client.Post(path, body, Orgcode);
}
