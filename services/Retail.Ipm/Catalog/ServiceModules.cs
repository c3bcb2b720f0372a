using Retail.Accounting;
using Retail.Crm;
using Retail.Ics;
using Retail.Influencer;
using Retail.Mrs;
using Retail.Ofm;
using Retail.Pcm;
using Retail.Pmc;
using Retail.Ppm;
using Retail.Pvm;
using Retail.Rbs;
using Retail.Scm;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Uas;
using Retail.Usm;

namespace Retail.Ipm.Catalog;

/// <summary>Every service whose events and records IPM describes and carries. A new service is added here.</summary>
public static class ServiceModules
{
    public static IReadOnlyList<IServiceModule> All { get; } =
    [
        new UasModule(), new UsmModule(), new OfmModule(), new MrsModule(), new PvmModule(), new IcsModule(), new PpmModule(),
        new PmcModule(), new PcmModule(), new ScmModule(), new CrmModule(), new AccountingModule(), new InfluencerModule(),
        new RbsModule(), new IpmModule(),
    ];

    /// <summary>Every service's event types, read once.</summary>
    public static EventCatalog Events { get; } = EventCatalog.FromModules(All);
}
