using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Events;

namespace Retail.Functional.Tests.Infrastructure;

/// <summary>A bus subscriber's set of wanted orgs, once it has read at start which orgs hold what it serves.</summary>
public static class DeliveryInterests
{
    public static async Task<T> LoadedAsync<T>(RetailHostFactory factory) where T : OrgDeliveryInterest
    {
        var interest = factory.Services.GetRequiredService<T>();
        await Waits.UntilAsync(() => interest.Loaded, $"{typeof(T).Name} has read at start which orgs it wants");
        return interest;
    }
}
