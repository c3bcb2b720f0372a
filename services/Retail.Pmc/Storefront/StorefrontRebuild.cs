using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Retail.Pmc.Products;

namespace Retail.Pmc.Storefront;

/// <summary>
/// Fills an index file that was never built from the records (a new file: a lost one, a new replica in Dapr mode) with
/// every online product, so they do not stay missing until their next switch. Runs in the background after the record
/// indexes are built; the app is not ready (<c>/healthz</c>, check <c>storefront</c>) until it has finished. The file
/// then says so (<see cref="RebuiltAtKey"/> in its <c>meta</c> table), and the next start skips it: from there the
/// direct applies and the events keep it current.
/// </summary>
/// <remarks>
/// Racing with live switches and events is safe: <see cref="IStorefrontIndex.ApplyAsync"/> keeps an entry only when its
/// ChannelProduct revision is newer than what the index holds (an offline product stays in the index as a row at its
/// revision), so a product read online here and switched off meanwhile is not brought back.
/// Stock is NOT rebuilt: it comes from ICS's <c>stock.changed</c> events, not from PMC's records, so a new file starts with
/// every product out of stock until ICS reports its variants again.
/// </remarks>
public sealed class StorefrontRebuild(IServiceProvider services, StorefrontIndex index, TimeProvider clock, ILogger<StorefrontRebuild> logger)
    : BackgroundService, IHealthCheck
{
    /// <summary>The <c>meta</c> key the index file holds once it was built from the records (an ISO-8601 instant).</summary>
    public const string RebuiltAtKey = "rebuilt_at";

    public const int PageSize = 200;

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    // Progress of a large rebuild (100,000 products: 500 pages) every few seconds, not per page.
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    private volatile bool _done;
    private volatile string? _lastError;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RebuildIfNeededAsync(stoppingToken);
                _done = true;
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _lastError = ex.Message;
                logger.LogError(ex, "Rebuilding the storefront index from the product records failed; trying again in {Delay}", delay);
            }
            await Task.Delay(delay, clock, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy()
            : _lastError is { } error ? HealthCheckResult.Unhealthy($"rebuilding the storefront index failed: {error}")
            : HealthCheckResult.Unhealthy("the storefront index is being rebuilt from the product records"));

    /// <summary>Rebuilds when the file has not been built from the records yet; answers how many online products it applied (0 when skipped).</summary>
    public async Task<long> RebuildIfNeededAsync(CancellationToken ct)
    {
        if (await index.GetMetaAsync(RebuiltAtKey, ct) is { } at)
        {
            logger.LogDebug("Storefront index was built from the records at {RebuiltAt}; no rebuild", at);
            return 0;
        }
        logger.LogInformation("Storefront index {Path} was not built from the records yet; rebuilding it from the online products", index.FilePath);
        var watch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var products = scope.ServiceProvider.GetRequiredService<RecordStore<ChannelProduct>>();
        var revisions = scope.ServiceProvider.GetRequiredService<RecordStore<ProductRevision>>();
        long applied = 0;
        var lastLog = TimeSpan.Zero;
        string? token = null;
        do
        {
            // A seek on the across-orgs index "online" (ChannelProduct.Type), not a scan of every product.
            var page = await products.ListAcrossOrgsAsync([StateFilter.Eq("online", true)], PageSize, token, ct: ct);
            var entries = new List<StorefrontEntry>(page.Items.Count);
            foreach (var org in page.Items.Where(i => i.Record is { Online: true, PointerRevisionNo: not null }).GroupBy(i => i.Orgcode, StringComparer.Ordinal))
            {
                var keys = org.Select(i => ProductRevision.KeyOf(i.Record.ChannelCode, i.Record.StyleGuid, i.Record.PointerRevisionNo!.Value)).ToList();
                var served = (await revisions.GetManyAsync(org.Key, keys, ct: ct)).ToDictionary(r => r.Key, StringComparer.Ordinal);
                foreach (var (orgcode, product) in org)
                {
                    // A pointer always names an existing revision; one that is missing is not served (as the subscribers do).
                    var revision = served.GetValueOrDefault(ProductRevision.KeyOf(product.ChannelCode, product.StyleGuid, product.PointerRevisionNo!.Value));
                    entries.Add(new StorefrontEntry(orgcode, product, revision));
                }
            }
            await index.ApplyAsync(entries, ct);
            applied += entries.Count;
            token = page.NextToken;
            if (token is not null && watch.Elapsed - lastLog >= ProgressEvery)
            {
                lastLog = watch.Elapsed;
                logger.LogInformation("Storefront rebuild: {Applied} online products applied so far ({Elapsed} ms)", applied, watch.ElapsedMilliseconds);
            }
        }
        while (token is not null);
        await index.SetMetaAsync(RebuiltAtKey, clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), ct);
        logger.LogInformation("Storefront index rebuilt from the records: {Applied} online products in {Elapsed} ms", applied, watch.ElapsedMilliseconds);
        return applied;
    }
}
