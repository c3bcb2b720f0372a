using System.Collections.Concurrent;
using Retail.Ppm.Lists;
using Retail.Ppm.Policy;
using Retail.Ppm.Promotions;
using Retail.Ppm.Uoms;

namespace Retail.Ppm.Pricing;

/// <summary>
/// The stores a snapshot is read from (a request's own; a snapshot keeps only what it read). Each is taken from the request's
/// services when first read: a resolve the org's snapshot answers (nearly every one) reads none of them, and making eight
/// scoped stores for it cost every resolve several microseconds.
/// </summary>
public sealed class PricingStores(IServiceProvider services)
{
    public RecordStore<PricingPolicy> Policies => field ??= services.GetRequiredService<RecordStore<PricingPolicy>>();

    public RecordStore<DynamicRule> Rules => field ??= services.GetRequiredService<RecordStore<DynamicRule>>();

    public RecordStore<Promotion> Promotions => field ??= services.GetRequiredService<RecordStore<Promotion>>();

    public RecordStore<ChannelLists> ChannelLists => field ??= services.GetRequiredService<RecordStore<ChannelLists>>();

    public RecordStore<PriceList> Lists => field ??= services.GetRequiredService<RecordStore<PriceList>>();

    public RecordStore<FacilityZone> FacilityZones => field ??= services.GetRequiredService<RecordStore<FacilityZone>>();

    public RecordStore<PriceZone> Zones => field ??= services.GetRequiredService<RecordStore<PriceZone>>();

    public RecordStore<Uom> Uoms => field ??= services.GetRequiredService<RecordStore<Uom>>();
}

/// <summary>A list a channel sells at, active when read: its code, currency and the channel's priority for it.</summary>
public sealed record ChannelList(string PriceListCode, string Currency, int Priority);

/// <summary>
/// One org's compiled pricing configuration, as of <see cref="Generation"/>: the rules the engine prices with, loaded
/// whole; a channel's active lists, a facility's active zone and a unit's base count, each read once by key on first
/// use and kept. Nothing here changes after it is read, so two resolves over one snapshot agree.
/// </summary>
public sealed class PricingSnapshot(string orgcode, long generation, long loadedAt, PricingRules rules)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<ChannelList>> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string?> _zones = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int?> _uoms = new(StringComparer.Ordinal);

    public string Orgcode { get; } = orgcode;

    public long Generation { get; } = generation;

    /// <summary>When it was loaded (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LoadedAt { get; } = loadedAt;

    public PricingRules Rules { get; } = rules;

    /// <summary>The channel's active lists in priority order (lowest number first; the list code breaks a tie); empty when none.</summary>
    public async ValueTask<IReadOnlyList<ChannelList>> ListsOfAsync(string channelCode, PricingStores stores, CancellationToken ct)
    {
        if (_channels.TryGetValue(channelCode, out var known))
        {
            return known;
        }
        IReadOnlyList<ChannelList> lists = [];
        if (await stores.ChannelLists.GetAsync(Orgcode, channelCode, ct: ct) is { Record.Assignments.Count: > 0 } assigned)
        {
            var assignments = assigned.Record.Assignments;
            var records = (await stores.Lists.GetManyAsync(Orgcode, [.. assignments.Select(a => a.PriceListGuid).Distinct(StringComparer.Ordinal)], ct: ct))
                .ToDictionary(l => l.PriceListGuid, StringComparer.Ordinal);
            lists = [.. assignments
                .Where(a => records.TryGetValue(a.PriceListGuid, out var list) && list.Status == MasterStatus.Active)
                .Select(a => new ChannelList(records[a.PriceListGuid].PriceListCode, records[a.PriceListGuid].Currency, a.Priority))
                .OrderBy(l => l.Priority).ThenBy(l => l.PriceListCode, StringComparer.Ordinal)];
        }
        return _channels.GetOrAdd(channelCode, lists);
    }

    /// <summary>The active zone the facility prices in, or null (no zone, or its zone is not active).</summary>
    public async ValueTask<string?> ZoneOfAsync(string facilityCode, PricingStores stores, CancellationToken ct)
    {
        if (_zones.TryGetValue(facilityCode, out var known))
        {
            return known;
        }
        string? zone = null;
        if (await stores.FacilityZones.GetAsync(Orgcode, facilityCode, ct: ct) is { } assigned
            && await stores.Zones.GetAsync(Orgcode, assigned.Record.PriceZoneGuid, ct: ct) is { Record.Status: MasterStatus.Active } found)
        {
            zone = found.Record.PriceZoneCode;
        }
        return _zones.GetOrAdd(facilityCode, zone);
    }

    /// <summary>The base units of one of the unit unless a variant says otherwise; null when the org has no such active unit (<c>each</c> is always 1).</summary>
    public async ValueTask<int?> BaseUnitsOfAsync(string uomCode, PricingStores stores, CancellationToken ct)
    {
        if (uomCode == Uom.Each)
        {
            return 1;
        }
        if (_uoms.TryGetValue(uomCode, out var known))
        {
            return known;
        }
        var uom = await stores.Uoms.GetAsync(Orgcode, uomCode, ct: ct);
        int? units = uom is { Record.Status: MasterStatus.Active } ? Math.Max(1, uom.Record.BaseUnits) : null;
        return _uoms.GetOrAdd(uomCode, units);
    }
}

/// <summary>
/// Each org's compiled pricing configuration (policy, active rules and promotions, channel lists, facility zones),
/// loaded once and kept in memory for <c>/price/resolve</c>. A successful write to any of it drops the org's snapshot
/// here (<see cref="PricingSnapshotFilters.InvalidatesPricing"/>): the generation is read before a load and the
/// snapshot tagged with it, so one loaded across a write is never kept. Other replicas (Dapr mode) learn of a change
/// by <see cref="MaxAge"/> alone: PPM's CDC goes to the one shared <c>cdc</c> topic, which a pub/sub consumer group
/// delivers to one replica of PPM, not to each, so it cannot drop every replica's copy.
/// </summary>
public sealed class PricingSnapshots(TimeProvider clock)
{
    /// <summary>A snapshot older than this is loaded again even when no write was seen here (another replica's writes).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<PricingSnapshot>> _snapshots = new(StringComparer.Ordinal);

    /// <summary>The org's generation: changes whenever its configuration may have changed.</summary>
    public long Generation(string orgcode) => _generations.GetValueOrDefault(orgcode);

    public void Invalidate(string orgcode) => _generations.AddOrUpdate(orgcode, 1, (_, g) => g + 1);

    /// <summary>The org's current snapshot: the kept one while its generation is current and it is younger than <see cref="MaxAge"/>, else a fresh load (one at a time per org).</summary>
    public async Task<PricingSnapshot> GetAsync(string orgcode, PricingStores stores, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var generation = Generation(orgcode);
            if (_snapshots.TryGetValue(orgcode, out var kept) && !kept.IsFaulted && !kept.IsCanceled)
            {
                if (!kept.IsCompleted)
                {
                    var loaded = await kept.WaitAsync(ct);
                    if (loaded.Generation == generation || attempt > 0)
                    {
                        return loaded;
                    }
                    continue;
                }
                var snapshot = kept.Result;
                if (snapshot.Generation == generation && clock.GetElapsedTime(snapshot.LoadedAt) < MaxAge)
                {
                    return snapshot;
                }
            }
            // The load reads through this request's stores and runs to its end (no cancellation): others may be waiting for it.
            var load = LoadAsync(orgcode, generation, stores);
            if ((kept is null ? _snapshots.TryAdd(orgcode, load) : _snapshots.TryUpdate(orgcode, load, kept)) || attempt > 3)
            {
                return await load;
            }
            await load;
        }
    }

    private async Task<PricingSnapshot> LoadAsync(string orgcode, long generation, PricingStores stores)
    {
        var loadedAt = clock.GetTimestamp();
        var policy = (await stores.Policies.GetAsync(orgcode, PricingPolicy.TheKey))?.Record ?? PricingPolicy.Default;
        var rules = await AllAsync(stores.Rules, orgcode, MasterStatus.Active);
        var promotions = await AllAsync(stores.Promotions, orgcode, PromotionStatus.Active);
        // As read: the engine's index (PricingRules.Index) puts them in its order once, for every resolve of this snapshot.
        return new PricingSnapshot(orgcode, generation, loadedAt, new PricingRules(policy, rules, promotions));
    }

    /// <summary>Every record of a status, page by page through the status index.</summary>
    private static async Task<List<T>> AllAsync<T>(RecordStore<T> store, string orgcode, object status) where T : Record
    {
        var all = new List<T>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(orgcode, [StateFilter.Eq("status", status)], limit: Paging.MaxLimit, token: token);
            all.AddRange(page.Items);
            token = page.NextToken;
        }
        while (token is not null);
        return all;
    }
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
