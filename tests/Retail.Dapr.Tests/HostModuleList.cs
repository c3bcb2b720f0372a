using System.Reflection;
using Retail.Shared.Hosting;

namespace Retail.Dapr.Tests;

/// <summary>
/// The app ids of the single-process host's module list (services/Retail.Host/HostModules.cs), the one list of apps
/// every deployment file must follow. Read by reflection because the list is internal to the host.
/// </summary>
public static class HostModuleList
{
    public static IReadOnlyList<string> AppIds { get; } = Read();

    private static string[] Read()
    {
        var modules = Assembly.Load("Retail.Host").GetType("Retail.Host.HostModules", throwOnError: true)!
            .GetProperty("All", BindingFlags.Public | BindingFlags.Static)!
            .GetValue(null);
        return [.. Assert.IsAssignableFrom<IEnumerable<IServiceModule>>(modules).Select(module => module.AppId)];
    }
}
