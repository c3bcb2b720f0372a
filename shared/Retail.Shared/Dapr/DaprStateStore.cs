using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Retail.Shared.Events;
using Retail.Shared.Hosting;
using Retail.Shared.Invocation;
using Retail.Shared.State;

namespace Retail.Shared.Dapr;

/// <summary>
/// <see cref="IStateStore"/> over the Dapr state API. Every write is first-write-wins with strong consistency.
/// Transactions go through the sidecar's HTTP API with JSON values: its gRPC API hands values to the store as raw
/// bytes, which <c>state.postgresql</c> v1 keeps as a base64 string, so no query (every list) would ever match them
/// (components-contrib#3574). Reads stay on gRPC: the store gives the value back as it was written either way.
/// On a store with the transactional outbox (the record store's component), change events (CDC) ride the outbox as
/// projections, so they commit with the change.
/// </summary>
public sealed partial class DaprStateStore : IStateStore
{
    public const string TtlMetadataKey = "ttlInSeconds";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly DaprClient dapr;
    private readonly HttpClient sidecar;
    private readonly string storeName;
    private readonly bool hasOutbox;
    private readonly string pubSubName;
    private readonly ILogger logger;
    private readonly ResiliencePipeline publishPipeline;
    private readonly IReadOnlySet<string> orgPrefixes;

    /// <param name="sidecar">An HTTP client whose base address is the sidecar's HTTP API and which sends its API token.</param>
    /// <param name="storeName">The state component: <c>RetailOptions.StateStoreName</c>, or the record store's one.</param>
    /// <param name="hasOutbox">
    /// Whether the component has the transactional outbox. Without it a projection would be stored as a second write of
    /// its key, so change events are then published after the commit instead.
    /// </param>
    /// <param name="orgPrefixes">
    /// The raw key families registered as belonging to an org (<see cref="OrgData.OrgKeyPrefix"/>); their values and the
    /// record store's are tagged with the org so offboarding can find them (<see cref="DaprOrgTags"/>).
    /// </param>
    public DaprStateStore(DaprClient dapr, HttpClient sidecar, string appId, string storeName, bool hasOutbox, RetailOptions options,
        DaprAdapterOptions adapterOptions, ILogger<DaprStateStore> logger, IEnumerable<OrgData.OrgKeyPrefix>? orgPrefixes = null)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(adapterOptions);
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        this.dapr = dapr;
        this.sidecar = sidecar;
        this.storeName = storeName;
        this.hasOutbox = hasOutbox;
        this.logger = logger;
        AppId = appId;
        this.orgPrefixes = OrgData.OrgStateKeys.PrefixesOf(orgPrefixes ?? []);
        pubSubName = options.PubSubName;
        publishPipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DaprException>(),
                MaxRetryAttempts = Math.Max(0, adapterOptions.PublishMaxAttempts - 1),
                Delay = adapterOptions.PublishRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public string AppId { get; }

    public string StoreName => storeName;

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var (value, etag) = await Guard(() => dapr.GetByteStateAndETagAsync(storeName, key, ConsistencyMode.Strong,
            cancellationToken: cancellationToken));
        return value.IsEmpty || string.IsNullOrEmpty(etag) ? null : new StateEntry(key, DaprSortKeys.RemoveFrom(value.ToArray()), etag);
    }

    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }
        var items = await Guard(() => dapr.GetBulkStateAsync(storeName, [.. keys.Distinct(StringComparer.Ordinal)], parallelism: null,
            cancellationToken: cancellationToken));
        // A missing key comes back as an item with neither value nor ETag.
        return [.. items
            .Where(item => !string.IsNullOrEmpty(item.ETag) && !string.IsNullOrEmpty(item.Value))
            .Select(item => new StateEntry(item.Key, DaprSortKeys.RemoveFrom(Encoding.UTF8.GetBytes(item.Value)), item.ETag))];
    }

    public async Task<StateCommit> TransactAsync(StateTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var plan = OutboxPlan.For(transaction, hasOutbox, logger);
        if (transaction.Operations.Count == 0)
        {
            await PublishAfterCommitAsync(transaction.Messages, cancellationToken);
            return new StateCommit(true, new Dictionary<string, string>(), null);
        }

        using var content = new ByteArrayContent(TransactionBody(transaction, plan));
        content.Headers.ContentType = Json;
        HttpResponseMessage response;
        try
        {
            response = await sidecar.PostAsync($"v1.0/state/{Uri.EscapeDataString(storeName)}/transaction", content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new DependencyUnavailableException(storeName, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DependencyUnavailableException(storeName, ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await response.Content.ReadAsStringAsync(cancellationToken);
                if (DaprFailures.IsETagConflictText(error))
                {
                    return StateCommit.Conflict(await FindConflictKeyAsync(transaction.Operations, cancellationToken));
                }
                // The store could not run it (unreachable, timed out, refused): nothing was committed.
                logger.LogWarning("Transaction on {Store} failed with {Status}: {Error}", storeName, (int)response.StatusCode, error);
                throw new DependencyUnavailableException(storeName,
                    new HttpRequestException($"state transaction failed: {error}", null, response.StatusCode));
            }
        }

        var etags = await ReadBackETagsAsync(transaction.Operations, cancellationToken);
        await PublishAfterCommitAsync(plan.AfterCommit, cancellationToken);
        return new StateCommit(true, etags, null);
    }

    public async Task<StateQueryPage> QueryAsync(StateQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Dapr's query API has EQ and IN only: range filters are applied to the pages it returns, reading on until a
        // page is full. The state table's expression indexes (components/README.md) keep the equality part a seek.
        var ranges = query.Filters.Where(f => f.IsRange).ToList();
        var sent = query with { Filters = query.Filters.Where(f => !f.IsRange).ToList() };
        var items = new List<StateEntry>(query.Limit);
        var token = query.Token;
        bool last;
        do
        {
            // Each read asks for no more than the page still needs, so a page never overflows its limit (the store's
            // token is an offset, good for any limit).
            var wanted = query.Limit - items.Count;
            var json = DaprStateQueryJson.Write(sent with { Token = token, Limit = wanted });
            var response = await Guard(() => dapr.QueryStateAsync<JsonElement>(storeName, json, cancellationToken: cancellationToken));
            items.AddRange(response.Results
                .Where(item => ranges.All(r => StateRange.Matches(item.Data, r)))
                .Select(item => new StateEntry(item.Key, DaprSortKeys.RemoveFrom(JsonSerializer.SerializeToUtf8Bytes(item.Data)), item.ETag)));
            // PostgreSQL answers a token with every limited page, the last one too; a short page is the last.
            last = string.IsNullOrEmpty(response.Token) || response.Results.Count < wanted;
            token = last ? null : response.Token;
        }
        while (ranges.Count > 0 && items.Count < query.Limit && token is not null);
        return new StateQueryPage(items, token);
    }

    /// <summary>Dapr's query API has no count: the matches are paged through (in key order, bounded pages) and counted.</summary>
    public async Task<long> CountAsync(IReadOnlyList<StateFilter> filters, string? index = null, string? keyPrefix = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filters);
        long count = 0;
        string? token = null;
        do
        {
            var page = await QueryAsync(new StateQuery(filters, [new StateSort("key")], CountPage, token, index), cancellationToken);
            count += page.Items.Count;
            token = page.Token;
        }
        while (token is not null);
        return count;
    }

    private const int CountPage = 1000;
}
