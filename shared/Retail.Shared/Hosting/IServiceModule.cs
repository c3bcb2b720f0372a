using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Retail.Shared.Hosting;

/// <summary>
/// One domain service. Its own Program.cs hosts it alone as a Dapr app (paths at the root);
/// Retail.Host hosts every module, each under <c>/{app-id}</c>.
/// </summary>
public interface IServiceModule
{
    /// <summary>The Dapr app id and the path prefix in the host ("uas").</summary>
    string AppId { get; }

    string Title { get; }

    void AddServices(IServiceCollection services, IConfiguration configuration);

    void MapEndpoints(IEndpointRouteBuilder routes);
}
