namespace Retail.Pmc.Storefront;

/// <summary>
/// The storefront read model: online products per channel in their own SQLite file (FTS5 for text, indexed facet
/// tables), kept current from pointer moves. <see cref="IStorefrontIndex"/> is how writers tell it.
/// </summary>
public static class StorefrontSetup
{
    public static IServiceCollection AddStorefront(this IServiceCollection services, IConfiguration configuration)
    {
        // TODO(storefront helper): the index (singleton), options (Pmc:Storefront)
        return services;
    }

    public static IEndpointRouteBuilder MapStorefront(this IEndpointRouteBuilder routes)
    {
        // TODO(storefront helper): /product/get|list|search|group, subscribers (pmc.product.online_changed, pmc.pack.completed, stock.changed)
        return routes;
    }
}

/// <summary>One product's place in the storefront: online at a revision (its content), or not served (<see cref="Revision"/> null).</summary>
public sealed record StorefrontEntry(string Orgcode, Products.ChannelProduct Product, Products.ProductRevision? Revision);

/// <summary>The storefront read model as writers see it.</summary>
public interface IStorefrontIndex
{
    /// <summary>
    /// Applies entries in one transaction of the read model (all visible at once, or none). Each entry is kept only when its
    /// product record revision is newer than what the index holds, so a repeated or late delivery changes nothing.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<StorefrontEntry> entries, CancellationToken ct);

    /// <summary>Online products of a channel the index holds (build/stats).</summary>
    Task<long> CountOnlineAsync(string orgcode, string channelCode, CancellationToken ct);
}
