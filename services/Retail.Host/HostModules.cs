using Retail.Crm;
using Retail.Ipm;
using Retail.Rbs;
using Retail.Utl;
using Retail.Ucp;
using Retail.Accounting;
using Retail.Influencer;
using Retail.Ics;
using Retail.Mrs;
using Retail.Ofm;
using Retail.Pcm;
using Retail.Pmc;
using Retail.Ppm;
using Retail.Scm;
using Retail.Pvm;
using Retail.Shared.Hosting;
using Retail.Uas;
using Retail.Usm;
using Retail.Workflows.App;

namespace Retail.Host;

/// <summary>Every module the single-process host composes, in the order their routes are mapped.</summary>
internal static class HostModules
{
    public static IReadOnlyList<IServiceModule> All { get; } =
    [
        new UasModule(),
        new UsmModule(),
        new OfmModule(),
        new MrsModule(),
        new PvmModule(),
        new IcsModule(),
        new PpmModule(),
        new PmcModule(),
        new PcmModule(),
        new ScmModule(),
        new CrmModule(),
        new IpmModule(),
        new RbsModule(),
        new AccountingModule(),
        new InfluencerModule(),
        new UtlModule(),
        new UcpModule(),
        new WorkflowsModule(),
    ];
}
