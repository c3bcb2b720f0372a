using System.ComponentModel;
using Retail.Shared.Events;
using Retail.Utl.Exports;
using Retail.Utl.Offboarding;

namespace Retail.Utl;

/// <summary>The business events UTL publishes (topic = type, no app prefix). Listed in README.md. Add yours here.</summary>
public static class UtlEvents
{
    [EventData(typeof(ExportCompleted))]
    [Description("An export of an org's data completed: its manifest (files, counts, SHA-256) is in MRS.")]
    public const string ExportCompleted = "export.completed";

    [EventData(typeof(OffboardingChanged))]
    [Description("An owner asked for the org to be offboarded; an operator must start it.")]
    public const string OffboardingRequested = "offboarding.requested";

    [EventData(typeof(OffboardingChanged))]
    [Description("An operator started the export → freeze → purge workflow of an offboarding.")]
    public const string OffboardingStarted = "offboarding.started";

    [EventData(typeof(OffboardingChanged))]
    [Description("The org was frozen after its export was verified: writes are refused, reads still work; the cooling-off period runs.")]
    public const string OffboardingFrozen = "offboarding.frozen";

    [EventData(typeof(OffboardingChanged))]
    [Description("Every service reported the org's data purged; the org is closed and the purge certificate kept.")]
    public const string OffboardingPurged = "offboarding.purged";

    [EventData(typeof(OffboardingChanged))]
    [Description("An offboarding was cancelled before its purge began; the org is active again.")]
    public const string OffboardingCancelled = "offboarding.cancelled";
}
