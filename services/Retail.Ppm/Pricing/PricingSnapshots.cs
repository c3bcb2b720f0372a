using System.Collections.Concurrent;

namespace Retail.Ppm.Pricing;

/// <summary>
/// Each org's compiled pricing configuration (policy, active rules and promotions, channel lists, facility zones),
/// loaded once and kept in memory for <c>/price/resolve</c>. A successful write to any of it drops the org's snapshot
/// here (<see cref="PricingSnapshotFilters.InvalidatesPricing"/>); PPM's CDC events drop it in other replicas.
/// </summary>
public sealed class PricingSnapshots
{
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);

    /// <summary>The org's generation: changes whenever its configuration may have changed.</summary>
    public long Generation(string orgcode) => _generations.GetValueOrDefault(orgcode);

    public void Invalidate(string orgcode) => _generations.AddOrUpdate(orgcode, 1, (_, g) => g + 1);
}

public static class PricingSnapshotFilters
{
    /// <summary>Drops the org's pricing snapshot after every call of the endpoints of <paramref name="builder"/> (a refused write costs one reload).</summary>
    public static TBuilder InvalidatesPricing<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            // After the handler, so after its commit: a snapshot loaded before this bump carries the older generation and is dropped.
            if (context.HttpContext.RequestServices.GetRequiredService<RequestContext>().Orgcode is { } orgcode)
            {
                context.HttpContext.RequestServices.GetRequiredService<PricingSnapshots>().Invalidate(orgcode);
            }
            return result;
        });
        return builder;
    }
}
