using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Retail.Shared.Contract;

namespace Retail.Shared.Hosting;

/// <summary>
/// What every module endpoint must declare, checked once when the app is composed so a forgotten declaration stops
/// the start (and the test that boots it) instead of reaching production: who may call it, and, when it binds a
/// request body, the validator of that body. A body whose binding needs no rule still gets a validator (an empty
/// one), so accepting it unchecked is a decision someone made, not an omission.
/// </summary>
public static class EndpointChecks
{
    /// <summary>Throws <see cref="InvalidOperationException"/> naming every route and type that lacks a declaration.</summary>
    public static void EnsureDeclared(IEnumerable<Endpoint> endpoints, IServiceProvider services)
    {
        var problems = FindUndeclared(endpoints, services);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Endpoints are missing declarations:" + Environment.NewLine + "  "
                + string.Join(Environment.NewLine + "  ", problems));
        }
    }

    /// <summary>One line per missing declaration, for example "POST /uas/user/create binds CreateUser, which has no validator".</summary>
    public static IReadOnlyList<string> FindUndeclared(IEnumerable<Endpoint> endpoints, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registered = services.GetRequiredService<IServiceProviderIsService>();
        var problems = new List<string>();
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>().Where(e => e.Metadata.GetMetadata<ServiceModuleMetadata>() is not null))
        {
            var post = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true;
            var route = endpoint.RoutePattern.RawText;
            if (post && endpoint.Metadata.GetMetadata<AccessRequirement>() is null)
            {
                problems.Add($"POST {route} declares no access requirement");
            }
            foreach (var type in endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Select(a => a.RequestType).OfType<Type>().Distinct())
            {
                if (ValidationFilter.CanBeValidated(type) && !registered.IsService(typeof(IValidator<>).MakeGenericType(type)))
                {
                    problems.Add($"{route} binds {type.FullName}, which has no validator");
                }
            }
        }
        return problems;
    }
}
