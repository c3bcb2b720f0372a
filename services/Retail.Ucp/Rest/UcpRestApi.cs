using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Scm.Orders;
using Retail.Shared.Invocation;
using Retail.Ucp.Config;
using Retail.Ucp.Identity;

namespace Retail.Ucp.Rest;

/// <summary>
/// The UCP REST binding's catalog (POST /catalog/search, /catalog/lookup, /catalog/product) and GET /orders/{id}: the
/// platform authenticates as for every platform call; bodies are in the spec's (2026-04-08) shapes, errors its
/// error_response. Products come from PMC's storefront (the online revision of the channel, its prices and which variants
/// are in stock); the channel is the org's UCP channel (config), or the <c>x-channel-code</c> header when a caller names one.
/// </summary>
public static class UcpRestApi
{
    public const string Version = "2026-04-08";
    public const string ChannelHeader = "x-channel-code";
    private const int DefaultLimit = 10;
    private const int MaxLimit = 50;

    public static IEndpointRouteBuilder MapUcpRest(this IEndpointRouteBuilder routes)
    {
        var catalog = routes.MapGroup("/catalog").WithTags("UCP REST");
        catalog.MapPost("/search", Search).AllowAnonymousCaller().WithMetadata(new PlatformRequirement(null))
            .WithSummary("UCP catalog search: the channel's online products matching the query, paged by cursor.");
        catalog.MapPost("/lookup", Lookup).AllowAnonymousCaller().WithMetadata(new PlatformRequirement(null))
            .WithSummary("UCP catalog lookup: online products by product or variant id (guid or code).");
        catalog.MapPost("/product", Product).AllowAnonymousCaller().WithMetadata(new PlatformRequirement(null))
            .WithSummary("UCP catalog product: one online product by id.");
        routes.MapGet("/orders/{id}", GetOrder).AllowAnonymousCaller().WithMetadata(new PlatformRequirement(UcpScopes.OrderRead)).WithTags("UCP REST")
            .WithSummary("UCP order: an order placed through the calling platform (or the linked customer's), in the spec's order shape.");
        return routes;
    }

    public static async Task<IResult> Search(HttpContext http, IServiceInvoker invoker, CancellationToken ct)
    {
        var (caller, channel, refused) = await StartAsync(http, ct);
        if (refused is not null)
        {
            return refused;
        }
        var body = await ReadBodyAsync(http, ct);
        if (body is null)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "The body is not a JSON object.");
        }
        var query = body["query"]?.GetValueKind() == JsonValueKind.String ? body["query"]!.GetValue<string>() : "";
        var pagination = body["pagination"] as JsonObject;
        var limit = DefaultLimit;
        if (pagination?["limit"] is JsonValue l && l.TryGetValue<int>(out var asked))
        {
            if (asked < 1)
            {
                return Error(StatusCodes.Status400BadRequest, "invalid_request", "pagination.limit is at least 1.");
            }
            limit = Math.Min(asked, MaxLimit);
        }
        var cursor = pagination?["cursor"] is JsonValue c && c.TryGetValue<string>(out var token) ? token : null;
        var options = new InvocationOptions(caller!.Orgcode);
        JsonElement page;
        try
        {
            page = string.IsNullOrWhiteSpace(query)
                ? await invoker.SendAsync<JsonElement>(Pmc, "/product/list", new { channel_code = channel, limit, next_token = cursor }, options, ct)
                : await invoker.SendAsync<JsonElement>(Pmc, "/product/search", new { channel_code = channel, q = query, limit, next_token = cursor }, options, ct);
        }
        catch (ServiceRefusedException ex)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", ex.Message);
        }
        catch (DependencyUnavailableException)
        {
            return Unavailable();
        }
        var products = new JsonArray();
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            var product = await ProductAsync(invoker, caller.Orgcode, channel!, item.GetProperty("style_guid").GetString()!, null, ct);
            if (product is not null)
            {
                products.Add(product);
            }
        }
        var next = page.TryGetProperty("next_token", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var paging = new JsonObject { ["has_next_page"] = next is not null };
        if (next is not null)
        {
            paging["cursor"] = next;
        }
        return Json(StatusCodes.Status200OK, new JsonObject { ["ucp"] = Meta(), ["products"] = products, ["pagination"] = paging });
    }

    public static async Task<IResult> Lookup(HttpContext http, IServiceInvoker invoker, CancellationToken ct)
    {
        var (caller, channel, refused) = await StartAsync(http, ct);
        if (refused is not null)
        {
            return refused;
        }
        var body = await ReadBodyAsync(http, ct);
        if (body?["ids"] is not JsonArray ids || ids.Count == 0 || ids.Any(i => i?.GetValueKind() != JsonValueKind.String))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "ids is a non-empty array of product or variant ids.");
        }
        if (ids.Count > MaxLimit)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", $"At most {MaxLimit} ids.");
        }
        var products = new JsonArray();
        var messages = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var id in ids.Select(i => i!.GetValue<string>()).Distinct(StringComparer.Ordinal))
            {
                var product = await ProductAsync(invoker, caller!.Orgcode, channel!, id, null, ct) ?? await ProductAsync(invoker, caller.Orgcode, channel!, null, id, ct);
                if (product is null)
                {
                    messages.Add(new JsonObject
                    {
                        ["type"] = "error", ["code"] = "not_found", ["content"] = $"No online product '{id}'.", ["severity"] = "recoverable",
                        ["path"] = "$.ids",
                    });
                }
                else
                {
                    // A product id resolves to every variant of it (the first featured); say so on each variant.
                    var first = true;
                    foreach (var variant in product["variants"]!.AsArray())
                    {
                        var inputs = variant!["inputs"] as JsonArray ?? new JsonArray();
                        inputs.Add(new JsonObject { ["id"] = id, ["match"] = first ? "featured" : "product" });
                        variant["inputs"] = inputs;
                        first = false;
                    }
                    if (seen.Add(product["id"]!.GetValue<string>()))
                    {
                        products.Add(product);
                    }
                }
            }
        }
        catch (DependencyUnavailableException)
        {
            return Unavailable();
        }
        var answer = new JsonObject { ["ucp"] = Meta(), ["products"] = products };
        if (messages.Count > 0)
        {
            answer["messages"] = messages;
        }
        return Json(StatusCodes.Status200OK, answer);
    }

    public static async Task<IResult> Product(HttpContext http, IServiceInvoker invoker, CancellationToken ct)
    {
        var (caller, channel, refused) = await StartAsync(http, ct);
        if (refused is not null)
        {
            return refused;
        }
        var body = await ReadBodyAsync(http, ct);
        if (body?["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id) || string.IsNullOrWhiteSpace(id))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_request", "id is required.");
        }
        try
        {
            var product = await ProductAsync(invoker, caller!.Orgcode, channel!, id, null, ct) ?? await ProductAsync(invoker, caller.Orgcode, channel!, null, id, ct);
            return product is null
                ? Error(StatusCodes.Status404NotFound, "not_found", $"No product '{id}' is online.")
                : Json(StatusCodes.Status200OK, new JsonObject { ["ucp"] = Meta(), ["product"] = product });
        }
        catch (DependencyUnavailableException)
        {
            return Unavailable();
        }
    }

    public static async Task<IResult> GetOrder(string id, HttpContext http, IServiceInvoker invoker, RecordStore<UcpOrderLink> links, CancellationToken ct)
    {
        var (caller, problem) = await PlatformAccess.AuthenticateAsync(http, write: false, ct);
        if (problem is not null)
        {
            return FromProblem(problem);
        }
        if (!caller!.Has(UcpScopes.OrderRead))
        {
            return Error(StatusCodes.Status403Forbidden, "insufficient_scope", $"This operation needs the scope '{UcpScopes.OrderRead}'.");
        }
        var notFound = Error(StatusCodes.Status404NotFound, "not_found", "No such order.");
        var link = await links.GetAsync(caller.Orgcode, id.Trim().ToLowerInvariant(), ct: ct);
        if (link is null || link.Record.PlatformGuid != caller.Platform.PlatformGuid
            || (caller.CustomerGuid is not null && link.Record.CustomerGuid != caller.CustomerGuid))
        {
            return notFound;
        }
        Order? order;
        try
        {
            order = await invoker.GetOrNullAsync<Order>(Scm, "/order/get", new { order_guid = link.Record.OrderGuid }, new InvocationOptions(caller.Orgcode), ct);
        }
        catch (DependencyUnavailableException)
        {
            return Unavailable();
        }
        if (order is null)
        {
            return notFound;
        }
        return Json(StatusCodes.Status200OK, UcpOrderShape.Of(order, link.Record, PermalinkOf(http, order)));
    }

    private static string PermalinkOf(HttpContext http, Order order) =>
        $"{http.Request.Scheme}://{http.Request.Host}/ucp/orders/{order.OrderGuid}";

    public const string Pmc = "pmc";
    public const string Scm = "scm";

    /// <summary>One online product in the spec's shape, by style guid or code; null when it is not online in the channel.</summary>
    private static async Task<JsonObject?> ProductAsync(IServiceInvoker invoker, string orgcode, string channel, string? styleGuid, string? styleCode,
        CancellationToken ct)
    {
        if (styleGuid is not null && !Guid.TryParse(styleGuid, out _))
        {
            return null;
        }
        try
        {
            // Not online (404) or not a valid code (400) is a refusal: no such product here.
            var got = await invoker.SendAsync<JsonElement>(Pmc, "/product/get", new { channel_code = channel, style_guid = styleGuid, style_code = styleCode },
                new InvocationOptions(orgcode), ct);
            return UcpProductShape.Of(got);
        }
        catch (ServiceRefusedException)
        {
            return null;
        }
    }

    /// <summary>Authenticates the platform and finds the channel (the <c>x-channel-code</c> header).</summary>
    private static async Task<(PlatformCaller? Caller, string? Channel, IResult? Refused)> StartAsync(HttpContext http, CancellationToken ct)
    {
        var (caller, problem) = await PlatformAccess.AuthenticateAsync(http, write: false, ct);
        if (problem is not null)
        {
            return (null, null, FromProblem(problem));
        }
        var channel = http.Request.Headers[ChannelHeader].ToString().Trim();
        if (channel.Length == 0)
        {
            // A UCP platform knows nothing of channels: it shops in the channel the org set for UCP (the one checkout uses).
            var configs = http.RequestServices.GetRequiredService<RecordStore<UcpConfig>>();
            channel = (await configs.GetAsync(caller!.Orgcode, UcpConfig.TheKey, ct: ct))?.Record.ChannelCode ?? "";
        }
        if (channel.Length == 0)
        {
            return (caller, null, Error(StatusCodes.Status400BadRequest, "channel_required",
                $"Set the org's UCP channel (/ucp/config/set) or name the sales channel in the {ChannelHeader} header."));
        }
        return (caller, channel.ToLowerInvariant(), null);
    }

    private static async Task<JsonObject?> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonObject Meta(string? status = null)
    {
        var meta = new JsonObject { ["version"] = Version };
        if (status is not null)
        {
            meta["status"] = status;
        }
        return meta;
    }

    private static IResult FromProblem(ProblemHttpResult problem)
    {
        var code = problem.ProblemDetails.Extensions.TryGetValue("code", out var c) && c is string s ? s : "error";
        return Error(problem.StatusCode, code, problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "The call was refused.");
    }

    private static IResult Unavailable() =>
        Error(StatusCodes.Status503ServiceUnavailable, "dependency_unavailable", "A service the call needs is unavailable; try again.");

    /// <summary>The spec's error_response: ucp with status error, one error message.</summary>
    public static IResult Error(int status, string code, string content) =>
        Json(status, new JsonObject
        {
            ["ucp"] = Meta("error"),
            ["messages"] = new JsonArray(new JsonObject
            {
                ["type"] = "error", ["code"] = code, ["content"] = content,
                ["severity"] = status >= 500 ? "recoverable" : status == 404 ? "unrecoverable" : "recoverable",
            }),
        });

    private static IResult Json(int status, JsonNode body) => Results.Text(body.ToJsonString(), "application/json", statusCode: status);
}
