using System.Text.Json;
using System.Text.Json.Serialization;
using Retail.Shared.Json;

namespace Retail.Ucp.Checkout;

/// <summary>
/// The specification's REST binding (services/shopping/rest.openapi.json) of checkout sessions and carts: the same flow as
/// the seed's surface, bodies in the schemas' shapes (checkout.json, cart.json), errors as error_response.json. Writes
/// honour Idempotency-Key through the shared idempotency filter.
/// </summary>
public static class CheckoutRest
{
    public const string Version = "2026-04-08";

    private static readonly JsonSerializerOptions Json = new(RetailJson.Api) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static void Map(IEndpointRouteBuilder routes)
    {
        var rest = routes.MapGroup("").WithTags("UCP REST");
        rest.MapPost("/checkout-sessions", (JsonElement body, CheckoutFlow f, HttpContext h, CancellationToken ct) => CreateAsync("checkout", body, f, h, ct))
            .RequirePlatform().AsWrite().WithSummary("UCP create checkout: a session in the platform's channel, lines priced by PPM (checkout.json).");
        rest.MapGet("/checkout-sessions/{id}", (string id, CheckoutFlow f, HttpContext h, CancellationToken ct) => GetAsync(id, "checkout", f, h.PlatformCaller(), ct)).RequirePlatform()
            .WithSummary("UCP get checkout: the session in the specification's shape (an expired one answers canceled).");
        rest.MapPut("/checkout-sessions/{id}", (string id, JsonElement body, CheckoutFlow f, HttpContext h, CancellationToken ct) =>
                UpdateAsync(id, "checkout", body, f, h.PlatformCaller(), ct))
            .RequirePlatform().AsWrite().WithSummary("UCP update checkout: replace lines, buyer, fulfillment or payment; prices and status are worked out again.");
        rest.MapPost("/checkout-sessions/{id}/complete", async (string id, CheckoutFlow f, HttpContext h, CancellationToken ct) =>
            View(await f.CompleteAsync(id, null, h.PlatformCaller(), ct))).RequirePlatform().AsWrite()
            .WithSummary("UCP complete checkout: the SCM order is created, placed and its tender captured, exactly once.");
        rest.MapPost("/checkout-sessions/{id}/cancel", (string id, CheckoutFlow f, HttpContext h, CancellationToken ct) =>
                CancelAsync(id, "checkout", f, h.PlatformCaller(), ct))
            .RequirePlatform().AsWrite().WithSummary("UCP cancel checkout: a session that is not completed or canceled.");
        rest.MapPost("/carts", (JsonElement body, CheckoutFlow f, HttpContext h, CancellationToken ct) => CreateAsync("cart", body, f, h, ct))
            .RequirePlatform().AsWrite().WithSummary("UCP create cart: a priced basket in the platform's channel (cart.json).");
        rest.MapGet("/carts/{id}", (string id, CheckoutFlow f, HttpContext h, CancellationToken ct) => GetAsync(id, "cart", f, h.PlatformCaller(), ct)).RequirePlatform()
            .WithSummary("UCP get cart: the cart in the specification's shape.");
        rest.MapPut("/carts/{id}", (string id, JsonElement body, CheckoutFlow f, HttpContext h, CancellationToken ct) =>
                UpdateAsync(id, "cart", body, f, h.PlatformCaller(), ct))
            .RequirePlatform().AsWrite().WithSummary("UCP update cart: replace its lines and buyer; prices are worked out again.");
        rest.MapPost("/carts/{id}/cancel", (string id, CheckoutFlow f, HttpContext h, CancellationToken ct) => CancelAsync(id, "cart", f, h.PlatformCaller(), ct)).RequirePlatform().AsWrite()
            .WithSummary("UCP cancel cart.");
    }

    private static async Task<IResult> CreateAsync(string kind, JsonElement body, CheckoutFlow flow, HttpContext http, CancellationToken ct)
    {
        var (lines, buyer, shipTo, token) = Read(body);
        var result = await flow.CreateAsync(kind, new CheckoutCreateRequest(lines, buyer, shipTo, token), http.PlatformCaller(), ct);
        return result.Result switch
        {
            Created<CheckoutSession> created => Results.Json(Body(created.Value!), Json, statusCode: 201),
            ProblemHttpResult problem => Error(problem),
            var other => other,
        };
    }

    private static async Task<IResult> GetAsync(string id, string kind, CheckoutFlow flow, PlatformCaller caller, CancellationToken ct) =>
        Of(kind, await flow.GetAsync(id, caller, ct));

    private static async Task<IResult> UpdateAsync(string id, string kind, JsonElement body, CheckoutFlow flow, PlatformCaller caller, CancellationToken ct)
    {
        var current = await flow.GetAsync(id, caller, ct);
        if (current.Result is not Ok<CheckoutSession> { Value: { } session } || session.Kind != kind)
        {
            return Of(kind, current);
        }
        var (lines, buyer, shipTo, token) = Read(body);
        return View(await flow.UpdateAsync(new CheckoutUpdateRequest(id, session.Revision, lines, buyer, shipTo, token), caller, ct));
    }

    private static async Task<IResult> CancelAsync(string id, string kind, CheckoutFlow flow, PlatformCaller caller, CancellationToken ct)
    {
        var current = await flow.GetAsync(id, caller, ct);
        if (current.Result is not Ok<CheckoutSession> { Value: { } session } || session.Kind != kind)
        {
            return Of(kind, current);
        }
        return View(await flow.CancelAsync(id, session.Revision, caller, ct));
    }

    private static IResult Of(string kind, Results<Ok<CheckoutSession>, ProblemHttpResult> result) =>
        result.Result is Ok<CheckoutSession> { Value: { } s } && s.Kind != kind ? Error(ApiProblem.NotFound($"No such {kind}.")) : View(result);

    private static IResult View(Results<Ok<CheckoutSession>, ProblemHttpResult> result) => result.Result switch
    {
        Ok<CheckoutSession> ok => Results.Json(Body(ok.Value!), Json),
        ProblemHttpResult problem => Error(problem),
        var other => other,
    };

    /// <summary>A problem as the spec's error_response, with its status and the spec's code where one fits.</summary>
    public static IResult Error(ProblemHttpResult problem)
    {
        var details = problem.ProblemDetails;
        var code = details.Extensions.TryGetValue("code", out var c) ? c?.ToString() : null;
        var specCode = code switch
        {
            "not_found" => "not_found",
            "insufficient_scope" => "insufficient_scope",
            _ => code ?? "invalid",
        };
        var body = new Dictionary<string, object?>
        {
            ["ucp"] = new { version = Version, status = "error" },
            ["messages"] = new[] { new { type = "error", code = specCode, content = details.Detail ?? details.Title ?? specCode, severity = "unrecoverable" } },
        };
        return Results.Json(body, Json, statusCode: details.Status ?? 400);
    }

    /// <summary>The session in the schema's shape (checkout.json or cart.json).</summary>
    public static Dictionary<string, object?> Body(CheckoutSession s)
    {
        var subtotal = s.SubtotalMinor;
        var body = new Dictionary<string, object?>
        {
            ["ucp"] = s.Kind == "checkout"
                ? new Dictionary<string, object?> { ["version"] = Version, ["payment_handlers"] = new Dictionary<string, object>() }
                : new Dictionary<string, object?> { ["version"] = Version },
            ["id"] = s.SessionGuid,
            ["line_items"] = s.Lines.Select(l => new
            {
                id = l.Id,
                item = new { id = l.VariantGuid, title = l.Title ?? l.VariantGuid, price = l.UnitMinor ?? 0 },
                quantity = l.Quantity,
                totals = new[] { new { type = "subtotal", amount = (l.UnitMinor ?? 0) * l.Quantity }, new { type = "total", amount = (l.UnitMinor ?? 0) * l.Quantity } },
            }).ToList(),
            ["currency"] = s.Currency ?? "EUR",
            ["totals"] = new[] { new { type = "subtotal", amount = subtotal }, new { type = "total", amount = subtotal } },
            ["messages"] = s.Messages.Select(m => new Dictionary<string, object?>
            {
                ["type"] = m.Type,
                ["code"] = m.Code,
                ["content"] = m.Content,
                ["severity"] = m.Type == "error" ? m.Severity ?? "recoverable" : null,
                ["path"] = m.Path,
            }.Where(kv => kv.Value is not null).ToDictionary()).ToList(),
            ["expires_at"] = s.ExpiresAt,
        };
        if (s.Kind == "checkout")
        {
            body["status"] = SnakeCase.Name(s.Status);
            body["links"] = Array.Empty<object>();
            if (s.Buyer is { } b)
            {
                body["buyer"] = b;
            }
            if (s.Status == CheckoutStatus.RequiresEscalation && s.ContinueUrl is { } continueUrl)
            {
                body["continue_url"] = continueUrl;
            }
            if (s.OrderGuid is { } order)
            {
                body["order"] = new { id = order, label = s.OrderNumber, permalink_url = $"https://orders.invalid/{order}" };
            }
        }
        return body;
    }

    private static (List<CheckoutLineInput>? Lines, CheckoutBuyer? Buyer, CheckoutAddress? ShipTo, string? Token) Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, null, null, null);
        }
        List<CheckoutLineInput>? lines = null;
        if (body.TryGetProperty("line_items", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            lines = [.. items.EnumerateArray().Select(i => new CheckoutLineInput(
                i.TryGetProperty("item", out var item) && item.TryGetProperty("id", out var id) ? id.GetString() : null,
                i.TryGetProperty("quantity", out var q) && q.TryGetInt32(out var n) ? n : null))];
        }
        var buyer = body.TryGetProperty("buyer", out var b) && b.ValueKind == JsonValueKind.Object ? b.Deserialize<CheckoutBuyer>(RetailJson.Storage) : null;
        CheckoutAddress? shipTo = null;
        if (body.TryGetProperty("fulfillment", out var f) && f.TryGetProperty("methods", out var methods) && methods.ValueKind == JsonValueKind.Array
            && methods.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } method && method.TryGetProperty("destinations", out var dests)
            && dests.ValueKind == JsonValueKind.Array && dests.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } d)
        {
            string? S(string name) => d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var name = S("full_name") ?? $"{S("first_name")} {S("last_name")}".Trim();
            shipTo = new CheckoutAddress(name.Length > 0 ? name : null, S("street_address"), S("extended_address"),
                S("address_locality"), S("address_region"), S("postal_code"), S("address_country"));
        }
        string? token = null;
        if (body.TryGetProperty("payment", out var p) && p.TryGetProperty("instruments", out var instruments) && instruments.ValueKind == JsonValueKind.Array)
        {
            var chosen = instruments.EnumerateArray().FirstOrDefault(i => i.TryGetProperty("selected", out var sel) && sel.ValueKind == JsonValueKind.True);
            if (chosen.ValueKind != JsonValueKind.Object)
            {
                chosen = instruments.EnumerateArray().FirstOrDefault();
            }
            if (chosen.ValueKind == JsonValueKind.Object && chosen.TryGetProperty("credential", out var cred) && cred.TryGetProperty("token", out var t))
            {
                token = t.GetString();
            }
        }
        return (lines, buyer, shipTo, token);
    }
}
