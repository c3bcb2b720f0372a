using System.Reflection;
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

    /// <summary>
    /// Where the module's request validators live. Hosting registers every public validator found there as part of
    /// registering the module, so a new module cannot forget them; the module's own assembly unless it says otherwise.
    /// </summary>
    IReadOnlyList<Assembly> ValidatorAssemblies => [GetType().Assembly];

    void AddServices(IServiceCollection services, IConfiguration configuration);

    void MapEndpoints(IEndpointRouteBuilder routes);

    /// <summary>
    /// Endpoints a specification puts at the host's root (<c>/.well-known/…</c>), mapped there by the single-process host as
    /// well as under <c>/{app-id}</c>; a module hosted alone already serves its paths at the root, so this is not called then.
    /// </summary>
    void MapRootEndpoints(IEndpointRouteBuilder root)
    {
    }
}
