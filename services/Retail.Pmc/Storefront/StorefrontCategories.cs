using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Serialization;
using Retail.Shared.Invocation;

namespace Retail.Pmc.Storefront;

/// <summary>
/// A <c>category_code</c> filter as the guid the facet table holds. The index knows the codes of the categories its
/// products are in; a parent category (only ever in a product's category path, as a guid) is asked of PVM once and
/// remembered for a minute, so the storefront's hot path stays local.
/// </summary>
public sealed class StorefrontCategories(StorefrontIndex index, IServiceInvoker invoker, TimeProvider clock)
{
    private const int MaxRemembered = 10_000;
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(string Org, string Code), (string? Guid, DateTimeOffset Until)> _asked = new();

    /// <summary>The category's guid; null when the org has no such category; <see cref="DependencyUnavailableException"/> when PVM cannot tell.</summary>
    public async ValueTask<string?> GuidOfAsync(string orgcode, string categoryCode, CancellationToken ct)
    {
        if (index.FindRefGuid(orgcode, FacetKinds.Category, categoryCode) is { } known)
        {
            return known;
        }
        var now = clock.GetUtcNow();
        if (_asked.TryGetValue((orgcode, categoryCode), out var remembered) && remembered.Until > now)
        {
            return remembered.Guid;
        }
        var answer = await invoker.InvokeAsync("pvm", "/category/get", new { category_code = categoryCode }, new InvocationOptions(orgcode), ct);
        string? guid;
        if (answer.IsSuccess)
        {
            guid = answer.ReadAs<CategoryAnswer>().CategoryGuid;
        }
        else if (answer.StatusCode is (int)HttpStatusCode.NotFound)
        {
            guid = null;
        }
        else
        {
            throw new DependencyUnavailableException("pvm");
        }
        if (_asked.Count >= MaxRemembered)
        {
            _asked.Clear();
        }
        _asked[(orgcode, categoryCode)] = (guid, now + Remember);
        return guid;
    }

    private sealed record CategoryAnswer([property: JsonPropertyName("category_guid")] string? CategoryGuid);
}
