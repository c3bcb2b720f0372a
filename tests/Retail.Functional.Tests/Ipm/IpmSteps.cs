using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Ipm;

/// <summary>
/// One host per test class: OFM (orgs), MRS (bulk files), the services IPM carries events and bulk records of (PVM,
/// PPM, ICS, CRM) and IPM. Webhook deliveries may reach the loopback address (a <see cref="WebhookReceiver"/>): the host
/// allow-lists 127.0.0.1, as local development does.
/// </summary>
public sealed class IpmHost() : ServiceHost(Modules)
{
    internal static RetailHostFactory Start(Action<IServiceCollection>? services = null) => Start(Modules, services);

    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm", "ics", "ppm", "crm", "ipm"];

    /// <summary>A fresh active org with its owner (an admin), a member (<see cref="IpmOrg.Clerk"/>) and a viewer.</summary>
    public Task<IpmOrg> NewOrgAsync(string prefix = "ipm") => NewOrgAsync(Factory, Operator, prefix);

    internal static async Task<IpmOrg> NewOrgAsync(RetailHostFactory factory, HttpClient @operator, string prefix = "ipm")
    {
        var (orgcode, owner, clerk, viewer) = await factory.StaffedOrg(@operator, prefix);
        return new IpmOrg(orgcode, owner, clerk, viewer);
    }
}

/// <param name="Owner">The org's owner (an admin): webhooks, bulk jobs.</param>
/// <param name="Clerk">A member.</param>
/// <param name="Viewer">A viewer: reads only.</param>
public sealed record IpmOrg(string Orgcode, TestUser Owner, TestUser Clerk, TestUser Viewer)
{
    public Task<HttpResponseMessage> Post(string path, object body) => Owner.Client.Post(path, body, Orgcode);

    public Task<HttpResponseMessage> Post(TestUser user, string path, object body) => user.Client.Post(path, body, Orgcode);
}
