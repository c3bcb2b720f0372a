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
        routes.MapPost("/events/pvm-variant", OnVariantChanged).WithBulkTopics(pubSub, VariantTopics).RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/pvm-style", OnStyleChanged).WithBulkTopics(pubSub, [StyleTopic]).RequireInternal().ExcludeFromDescription();
        return routes;
    }

    /// <summary>One event or a bulk delivery of them, applied in one commit.</summary>
    public static Task<IResult> OnVariantChanged(HttpContext http, PriceCatalog catalog, CancellationToken ct) =>
        OrgEventBatches.TakeAsync<VariantChanged>(http, changed => changed.VariantGuid is not null, catalog.ApplyAsync, ct);

    /// <summary>One event or a bulk delivery of them, applied in one commit.</summary>
    public static Task<IResult> OnStyleChanged(HttpContext http, PriceCatalog catalog, CancellationToken ct) =>
        OrgEventBatches.TakeAsync<StyleChanged>(http, changed => changed.StyleGuid is not null, catalog.ApplyAsync, ct);
}
