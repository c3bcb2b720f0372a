using Microsoft.Extensions.Options;
using Retail.Pmc.Products;
using Retail.Shared.Events;
using Retail.Shared.Hosting;

namespace Retail.Pmc.Storefront;

/// <summary>ICS's <c>stock.changed</c> as the storefront reads it (the other quantities are not needed here).</summary>
public sealed record StockChangedPayload(string? FacilityCode, string? VariantGuid, long Available, long Revision);

/// <summary>
/// Keeps the storefront index from events: <c>pmc.product.online_changed</c> and <c>pmc.pack.completed</c> (the durable
/// path behind <see cref="ProductSwitch"/>'s direct apply) and ICS's
/// <c>stock.changed</c>. Product events are read as a signal only: the handler loads the product record as it is now and
/// applies it, and the index keeps an entry only when the record's revision is newer, so a repeated, late or out-of-order
/// delivery changes nothing. Dapr delivers each event to one replica of an app, so the index is one process's: PMC runs as
/// one replica (deploy/k8s keeps it without an autoscaler) until the index is shared.
/// </summary>
public static class StorefrontSubscribers
{
    private const int LoadChunk = 500;

    public static IEndpointRouteBuilder MapStorefrontSubscribers(this IEndpointRouteBuilder routes)
    {
        var pubSub = routes.ServiceProvider.GetRequiredService<IOptions<RetailOptions>>().Value.PubSubName;
        routes.MapPost("/events/pmc-product-online", OnProductOnlineChanged).WithTopic(pubSub, PmcEvents.ProductOnlineChanged)
            .RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/pmc-pack-completed", OnPackCompleted).WithTopic(pubSub, PmcEvents.PackCompleted)
            .RequireInternal().ExcludeFromDescription();
        routes.MapPost("/events/ics-stock", OnStockChanged).WithTopic(pubSub, "stock.changed").RequireInternal().ExcludeFromDescription();
        return routes;
    }

    public static async Task<Results<Ok, BadRequest>> OnProductOnlineChanged(HttpContext http, StorefrontIndex index, RecordStore<ChannelProduct> products,
        RecordStore<ProductRevision> revisions, CancellationToken ct)
    {
        var (orgcode, changed) = await OrgEventBody.ReadAsync<ProductOnlineChanged>(http, ct);
        if (orgcode is null || changed is not { ChannelCode: not null, StyleGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        await ApplyCurrentAsync(orgcode, changed.ChannelCode, [changed.StyleGuid], index, products, revisions, ct);
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnPackCompleted(HttpContext http, StorefrontIndex index, RecordStore<ChannelProduct> products,
        RecordStore<ProductRevision> revisions, CancellationToken ct)
    {
        var (orgcode, completed) = await OrgEventBody.ReadAsync<PackCompleted>(http, ct);
        if (orgcode is null || completed is not { ChannelCode: not null, Items: not null } || completed.Items.Any(i => i?.StyleGuid is null))
        {
            return TypedResults.BadRequest();
        }
        await ApplyCurrentAsync(orgcode, completed.ChannelCode, [.. completed.Items.Select(i => i.StyleGuid).Distinct(StringComparer.Ordinal)], index,
            products, revisions, ct);
        return TypedResults.Ok();
    }

    public static async Task<Results<Ok, BadRequest>> OnStockChanged(HttpContext http, StorefrontIndex index, CancellationToken ct)
    {
        var (orgcode, changed) = await OrgEventBody.ReadAsync<StockChangedPayload>(http, ct);
        if (orgcode is null || changed is not { FacilityCode: not null, VariantGuid: not null })
        {
            return TypedResults.BadRequest();
        }
        await index.ApplyStockAsync(orgcode, changed.FacilityCode, changed.VariantGuid, changed.Available, changed.Revision, ct);
        return TypedResults.Ok();
    }

    /// <summary>The products as their records are now (each with its served revision when online), applied in ONE index transaction.</summary>
    public static async Task ApplyCurrentAsync(string orgcode, string channelCode, IReadOnlyList<string> styleGuids, IStorefrontIndex index,
        RecordStore<ChannelProduct> products, RecordStore<ProductRevision> revisions, CancellationToken ct)
    {
        var entries = new List<StorefrontEntry>(styleGuids.Count);
        foreach (var chunk in styleGuids.Chunk(LoadChunk))
        {
            var loaded = await products.GetManyAsync(orgcode, [.. chunk.Select(s => ChannelProduct.KeyOf(channelCode, s))], ct: ct);
            var served = loaded.Where(p => p.Online && p.PointerRevisionNo is not null).ToList();
            var contents = served.Count == 0
                ? []
                : (await revisions.GetManyAsync(orgcode, [.. served.Select(p => ProductRevision.KeyOf(p.ChannelCode, p.StyleGuid, p.PointerRevisionNo!.Value))], ct: ct))
                    .ToDictionary(r => r.Key, StringComparer.Ordinal);
            foreach (var product in loaded)
            {
                var revision = product.Online && product.PointerRevisionNo is { } no
                    ? contents.GetValueOrDefault(ProductRevision.KeyOf(product.ChannelCode, product.StyleGuid, no))
                    : null;
                entries.Add(new StorefrontEntry(orgcode, product, revision));
            }
        }
        await index.ApplyAsync(entries, ct);
    }
}
