using Retail.Rbs;
using Retail.Rbs.Subscriptions;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Ipm.Catalog;

/// <summary>
/// Every service whose events and records IPM describes and carries: the services on the bus (RBS's list, where a new
/// service is added), RBS and IPM itself.
/// </summary>
public static class ServiceModules
{
    public static IReadOnlyList<IServiceModule> All { get; } = [.. BusTopics.Services, new RbsModule(), new IpmModule()];

    /// <summary>Every service's event types, read once.</summary>
    public static EventCatalog Events { get; } = EventCatalog.FromModules(All);
}
