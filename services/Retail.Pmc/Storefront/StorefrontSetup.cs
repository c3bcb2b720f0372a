using Microsoft.Extensions.Options;
using Retail.Shared.Hosting;
using Retail.Shared.OrgData;

namespace Retail.Pmc.Storefront;

/// <summary>
/// The storefront read model: online products per channel in their own SQLite file (FTS5 for text, indexed facet
/// tables), kept current from pointer moves. <see cref="IStorefrontIndex"/> is how writers tell it.
/// </summary>
/// <remarks>
/// How it stays current: <c>ProductSwitch</c> applies each committed switch directly (read-your-writes in this process),
/// and the subscribers apply <c>pmc.product.online_changed</c> / <c>pmc.pack.completed</c>, which the outbox commits in the
/// switch's own transaction and delivers at least once, so a crash between the commit and the direct apply still reaches
/// the index. A file that was never built from the records (new, lost, a new replica in Dapr mode) is filled once at start
/// by <see cref="StorefrontRebuild"/> from every online ChannelProduct; the app is not ready until it has finished.
/// </remarks>
public static class StorefrontSetup
{
    public static IServiceCollection AddStorefront(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new StorefrontIndex(Path.Combine(sp.GetRequiredService<IOptions<RetailOptions>>().Value.FullDataDir, StorefrontIndex.FileName)));
        services.AddSingleton<IStorefrontIndex>(sp => sp.GetRequiredService<StorefrontIndex>());
        services.AddSingleton<StorefrontCategories>();
        services.AddKeyedSingleton<IOrgDataPart, StorefrontOrgData>(PmcModule.Id);
        // After the record indexes (hosted services start in order, and theirs is awaited): the rebuild reads through them.
        services.AddSingleton<StorefrontRebuild>();
        services.AddHostedService(sp => sp.GetRequiredService<StorefrontRebuild>());
        services.AddHealthChecks().AddCheck<StorefrontRebuild>("storefront", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapStorefront(this IEndpointRouteBuilder routes)
    {
        routes.MapStorefrontApi();
        routes.MapStorefrontSubscribers();
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
