using Microsoft.Extensions.Options;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Ppm.Catalog;

/// <summary>
/// Keeps PPM's catalog projection from PVM's events: <c>pvm.variant.*</c> (status and style of each variant) and
/// <c>pvm.style.changed</c> (brand and category path of each style). Each keeps the newest revision it has seen, so a
/// late or repeated delivery changes nothing; resolve reads only the projection.
/// </summary>
public static class CatalogSubscribers
{
    public static readonly string[] VariantTopics = ["pvm.variant.created", "pvm.variant.updated", "pvm.variant.status_changed"];
    public const string StyleTopic = "pvm.style.changed";

    /// <summary>/events/pvm-variant and /events/pvm-style, internal only and out of the public description.</summary>
    public static IEndpointRouteBuilder MapCatalogSubscribers(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        var variants = routes.MapPost("/events/pvm-variant", OnVariantChanged).RequireInternal().ExcludeFromDescription();
        foreach (var topic in VariantTopics)
        {
            variants.WithTopic(pubSub, topic);
        }
        routes.MapPost("/events/pvm-style", OnStyleChanged).WithTopic(pubSub, StyleTopic).RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnVariantChanged(HttpContext http, PriceCatalog catalog, CancellationToken ct)
    {
        var (orgcode, changed) = await OrgEventBody.ReadAsync<VariantChanged>(http, ct);
        if (orgcode is null || changed is not { VariantGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        await catalog.ApplyAsync(orgcode, changed, ct);
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnStyleChanged(HttpContext http, PriceCatalog catalog, CancellationToken ct)
    {
        var (orgcode, changed) = await OrgEventBody.ReadAsync<StyleChanged>(http, ct);
        if (orgcode is null || changed is not { StyleGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        await catalog.ApplyAsync(orgcode, changed, ct);
        return TypedResults.Ok();
    }
}
