using Dapr;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Retail.Shared.Events;

namespace Retail.Shared.Embedded;

/// <summary>An endpoint that subscribes, with Dapr's <c>.WithTopic(pubsub, topic)</c>, to one or more topics.</summary>
internal sealed record TopicSubscriber(string Id, IReadOnlySet<string> Topics, RouteEndpoint Endpoint, RequestDelegate Handler,
    IDeliveryInterest? Interest = null, int? BulkMax = null)
{
    /// <summary>Whether the endpoint takes Dapr's bulk messages (<c>.WithBulkSubscribe</c> on every topic it subscribes to).</summary>
    public bool IsBulk => BulkMax is not null;

    /// <summary>The app the subscriber belongs to in the single-process host: the first segment of its route.</summary>
    public string? AppId { get; } = Id.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? first : null;

    /// <summary>Topics as stored in the subscribers table: newline-delimited, so one instr() tests membership.</summary>
    public string TopicList { get; } = "\n" + string.Join("\n", Topics.Order(StringComparer.Ordinal)) + "\n";
}

/// <summary>
/// Reads subscribers from the app's endpoints, the same metadata the Dapr sidecar reads through
/// <c>MapSubscribeHandler</c>, so a subscriber is written once for both modes. The subscriber id is the
/// route pattern. Endpoints are read again whenever the endpoint list changes.
/// </summary>
internal sealed class TopicSubscribers(IServiceProvider services, string pubSubName, ILogger logger)
{
    private readonly Lock _gate = new();
    private IReadOnlyList<Endpoint>? _seen;
    private IReadOnlyList<TopicSubscriber> _current = [];

    public IReadOnlyList<TopicSubscriber> Current()
    {
        var source = services.GetService<EndpointDataSource>();
        if (source is null)
        {
            return [];
        }
        var endpoints = source.Endpoints;
        lock (_gate)
        {
            if (!ReferenceEquals(endpoints, _seen))
            {
                _current = Discover(endpoints);
                _seen = endpoints;
            }
            return _current;
        }
    }

    private List<TopicSubscriber> Discover(IReadOnlyList<Endpoint> endpoints)
    {
        var subscribers = new List<TopicSubscriber>();
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            var topics = endpoint.Metadata.GetOrderedMetadata<ITopicMetadata>();
            if (topics.Count == 0 || endpoint.RequestDelegate is null)
            {
                continue;
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var topic in topics)
            {
                if (!string.Equals(topic.PubsubName, pubSubName, StringComparison.Ordinal))
                {
                    logger.LogWarning("Endpoint {Route} subscribes to pub/sub {PubSub}, which the embedded bus does not serve (it serves {Served})",
                        endpoint.RoutePattern.RawText, topic.PubsubName, pubSubName);
                    continue;
                }
                if (!string.IsNullOrEmpty(topic.Match))
                {
                    logger.LogWarning("Endpoint {Route} has a routing rule {Match} on topic {Topic}; the embedded bus delivers every message of the topic",
                        endpoint.RoutePattern.RawText, topic.Match, topic.Name);
                }
                names.Add(topic.Name);
            }
            if (names.Count == 0)
            {
                continue;
            }
            var route = endpoint.RoutePattern.RawText ?? "";
            var id = route.StartsWith('/') ? route : "/" + route;
            var existing = subscribers.FindIndex(s => s.Id == id);
            if (existing >= 0)
            {
                // Two endpoints on one route (for example different methods): the first mapped one receives.
                names.UnionWith(subscribers[existing].Topics);
                var first = subscribers[existing];
                subscribers[existing] = new TopicSubscriber(id, names, first.Endpoint, first.Handler, first.Interest,
                    BulkMaxOf(first.Endpoint, names));
                continue;
            }
            subscribers.Add(new TopicSubscriber(id, names, endpoint, endpoint.RequestDelegate,
                DeliveryInterestConventions.InterestOf(services, endpoint.Metadata), BulkMaxOf(endpoint, names)));
        }
        return subscribers;
    }

    /// <summary>
    /// The most messages a bulk delivery to the endpoint holds: the smallest <c>maxMessagesCount</c> of its topics, when
    /// every topic it subscribes to is bulk-subscribed (Dapr sends a route bulk messages only for those topics, and the
    /// embedded bus sends one shape to a route); null delivers one message a request. The bus never waits to fill a
    /// batch (<c>maxAwaitDurationMs</c>): it sends what is due.
    /// </summary>
    private int? BulkMaxOf(RouteEndpoint endpoint, IReadOnlySet<string> topics)
    {
        var bulk = endpoint.Metadata.GetOrderedMetadata<IBulkSubscribeMetadata>().Where(b => topics.Contains(b.TopicName)).ToList();
        var covered = bulk.Select(b => b.TopicName).Distinct(StringComparer.Ordinal).Count();
        if (covered == 0)
        {
            return null;
        }
        if (covered < topics.Count)
        {
            logger.LogWarning("Endpoint {Route} bulk-subscribes to only some of its topics; the embedded bus delivers all of them one at a time",
                endpoint.RoutePattern.RawText);
            return null;
        }
        return Math.Max(1, bulk.Min(b => b.MaxMessagesCount));
    }
}
