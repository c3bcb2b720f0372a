using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Ucp;

/// <summary>One host with the catalog (PVM, PPM, ICS, PMC), SCM, CRM and UCP: platforms check out into real SCM orders.</summary>
public sealed class UcpShopHost() : ServiceHost(Modules)
{
    internal static IReadOnlyList<string> Modules { get; } = [.. RetailHostFactory.Orgs, "mrs", "pvm", "ics", "ppm", "pmc", "scm", "crm", "ucp"];

    /// <summary>
    /// An SCM org (six variants of <c>tee</c> priced 1000 + 100 × index in <c>web</c>, <paramref name="stock"/> of each at
    /// store-1, 19 % German tax) whose UCP checkout sells in <c>web</c>, with a registered platform.
    /// </summary>
    public Task<Shop> ShopAsync(string prefix = "ucpk", long stock = 10) => CheckoutSteps.ShopAsync(Factory, Operator, prefix, stock);
}

/// <summary>An org that sells through UCP and the platform that buys from it.</summary>
public sealed record Shop(ScmOrg Org, UcpPlatform Platform, RetailHostFactory Factory)
{
    public string Orgcode => Org.Orgcode;

    public IReadOnlyList<string> Variants => Org.Variants;

    /// <summary>A seed-surface call (<c>POST /ucp/checkout/{op}</c>) as the platform, with an Idempotency-Key when given.</summary>
    public async Task<HttpResponseMessage> Checkout(string op, object body, string? idempotencyKey = null, UcpPlatform? platform = null)
    {
        using var client = (platform ?? Platform).Client(Factory);
        return await client.PostJsonAsync($"/ucp/checkout/{op}", body,
            idempotencyKey is null ? null : HttpJson.Headers(("Idempotency-Key", idempotencyKey)));
    }

    /// <summary>A REST-binding call as the platform: the status and the JSON body (never empty).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> Rest(HttpMethod method, string path, object? body = null, string? idempotencyKey = null,
        string? channel = null)
    {
        using var client = Platform.Client(Factory);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        if (channel is not null)
        {
            request.Headers.Add("x-channel-code", channel);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Length > 0, $"{method} {path} answered {(int)response.StatusCode} with no body");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The orders SCM holds for the org (what a completion created).</summary>
    public async Task<IReadOnlyList<JsonElement>> OrdersAsync() =>
        [.. (await Org.Post("/scm/order/list", new { limit = 100 }).Ok()).GetProperty("items").EnumerateArray()];
}

internal static class CheckoutSteps
{
    public static async Task<Shop> ShopAsync(RetailHostFactory factory, HttpClient @operator, string prefix, long stock)
    {
        var org = await ScmHost.NewOrgAsync(factory, @operator, prefix, stock);
        await org.TaxPolicy();
        await org.Post("/ucp/config/set", new { capabilities = new { checkout = true, order = true }, channel_code = "web" }).Ok();
        var platform = await UcpSteps.RegisterPlatformAsync(org.Owner.Client, org.Orgcode);
        return new Shop(org, platform, factory);
    }

    public static object Line(string variantGuid, int quantity) => new { variant_guid = variantGuid, quantity };

    public static readonly object Buyer = new { first_name = "Ada", last_name = "Lovelace", email = "ada@example.com" };

    public static readonly object ShipTo = new { name = "Ada Lovelace", line1 = "Hauptstr. 1", city = "Berlin", postal_code = "10115", country = "DE" };

    /// <summary>The host's payment provider captures any token but <c>tok_decline…</c>.</summary>
    public const string PaymentToken = "tok_visa_4242";

    /// <summary>A session with everything a completion needs (ready_for_complete unless stock or rules say otherwise).</summary>
    public static async Task<JsonElement> ReadySessionAsync(this Shop shop, params object[] lines) =>
        await shop.Checkout("create", new { lines = lines.Length > 0 ? lines : [Line(shop.Variants[0], 2)], buyer = Buyer, ship_to = ShipTo, payment_token = PaymentToken })
            .Ok(HttpStatusCode.Created);

    public static string SessionGuid(this JsonElement session) => session.GetProperty("session_guid").GetString()!;

    public static string Status(this JsonElement session) => session.GetProperty("status").GetString()!;

    public static IReadOnlyList<(string Code, string? Path)> Messages(this JsonElement session) =>
        [.. session.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("code").GetString()!, m.Text("path")))];

    /// <summary>A REST create body in the spec's shape (checkout.json): items, and optionally buyer, a shipping destination and a selected token instrument.</summary>
    public static object RestBody(string variantGuid, int quantity, bool complete)
    {
        var body = new Dictionary<string, object?>
        {
            ["line_items"] = new[] { new { item = new { id = variantGuid }, quantity } },
        };
        if (complete)
        {
            body["buyer"] = new { first_name = "Ada", last_name = "Lovelace", email = "ada@example.com" };
            body["fulfillment"] = new
            {
                methods = new[]
                {
                    new { type = "shipping", destinations = new[] { new { street_address = "Hauptstr. 1", address_locality = "Berlin", postal_code = "10115", address_country = "DE" } } },
                },
            };
            body["payment"] = new
            {
                instruments = new[] { new { id = "pi_1", handler_id = "card", type = "card", selected = true, credential = new { type = "token", token = PaymentToken } } },
            };
        }
        return body;
    }
}
