using Retail.Shared.Hosting;

namespace Retail.Host;

/// <summary>Every module the single-process host composes, in the order their routes are mapped.</summary>
internal static class HostModules
{
    public static IReadOnlyList<IServiceModule> All { get; } =
    [
        new Retail.Uas.UasModule(),
    ];
}
