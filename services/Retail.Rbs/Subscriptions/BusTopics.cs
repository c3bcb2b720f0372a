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
using Retail.Scm;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Uas;
using Retail.Usm;

namespace Retail.Rbs.Subscriptions;

/// <summary>
/// The bus topics a partner may subscribe to: every business event type of the services RBS carries. A new service is added
/// to <see cref="Services"/> (IPM describes these, RBS and itself).
/// </summary>
public static class BusTopics
{
    public static IReadOnlyList<IServiceModule> Services { get; } =
    [
        new UasModule(), new UsmModule(), new OfmModule(), new MrsModule(), new PvmModule(), new IcsModule(), new PpmModule(),
        new PmcModule(), new PcmModule(), new ScmModule(), new CrmModule(), new AccountingModule(), new InfluencerModule(),
    ];

    public static EventCatalog Catalog { get; } = EventCatalog.FromModules(Services);
}
