using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Scm.Orders;

namespace Retail.Ucp.Rest;

/// <summary>PMC's storefront product (/product/get: the served revision's content and its variants in stock) as the spec's product.</summary>
public static class UcpProductShape
{
    public static JsonObject? Of(JsonElement got)
    {
        var product = got.GetProperty("product");
        var inStock = got.TryGetProperty("variants_in_stock", out var s) ? s.EnumerateArray().Select(v => v.GetString()).ToHashSet() : [];
        var variants = new JsonArray();
        string? currency = null;
        long? min = null, max = null, listMin = null, listMax = null;
        foreach (var variant in product.GetProperty("variants").EnumerateArray())
        {
            if (!variant.TryGetProperty("price", out var price) || price.ValueKind != JsonValueKind.Object)
            {
                continue; // no price: not purchasable through UCP
            }
            currency ??= Text(price, "currency");
            if (Text(price, "currency") != currency)
            {
                continue;
            }
            var amount = price.GetProperty("amount_minor").GetInt64();
            var list = price.TryGetProperty("list_amount_minor", out var lp) && lp.ValueKind == JsonValueKind.Number ? lp.GetInt64() : amount;
            min = Math.Min(min ?? amount, amount);
            max = Math.Max(max ?? amount, amount);
            listMin = Math.Min(listMin ?? list, list);
            listMax = Math.Max(listMax ?? list, list);
            var guid = Text(variant, "variant_guid")!;
            var title = Text(variant, "name") ?? Text(variant, "variant_code") ?? guid;
            var v = new JsonObject
            {
                ["id"] = guid,
                ["sku"] = Text(variant, "variant_code"),
                ["title"] = title,
                ["description"] = new JsonObject { ["plain"] = title },
                ["price"] = Price(amount, currency!),
            };
            if (list != amount)
            {
                v["list_price"] = Price(list, currency!);
            }
            if (variant.TryGetProperty("barcodes", out var barcodes) && barcodes.GetArrayLength() > 0)
            {
                v["barcodes"] = new JsonArray([.. barcodes.EnumerateArray().Select(b => (JsonNode)new JsonObject { ["type"] = "GTIN", ["value"] = b.GetString() })]);
            }
            var options = variant.TryGetProperty("options", out var o) ? o.EnumerateArray().ToList() : [];
            if (options.Count > 0)
            {
                v["options"] = new JsonArray([.. options.Select(x => (JsonNode)new JsonObject { ["name"] = Text(x, "option_group_code"), ["label"] = Text(x, "option_code") })]);
            }
            v["availability"] = new JsonObject { ["available"] = inStock.Contains(guid) };
            variants.Add(v);
        }
        if (variants.Count == 0)
        {
            return null;
        }
        var name = Text(product, "name") ?? Text(got, "style_code")!;
        var answer = new JsonObject
        {
            ["id"] = Text(got, "style_guid"),
            ["handle"] = Text(got, "style_code"),
            ["title"] = name,
            ["description"] = new JsonObject { ["plain"] = Text(product, "description") ?? name },
            ["price_range"] = new JsonObject { ["min"] = Price(min!.Value, currency!), ["max"] = Price(max!.Value, currency!) },
            ["variants"] = variants,
        };
        if (listMin != min || listMax != max)
        {
            answer["list_price_range"] = new JsonObject { ["min"] = Price(listMin!.Value, currency!), ["max"] = Price(listMax!.Value, currency!) };
        }
        if (product.TryGetProperty("category", out var category) && category.ValueKind == JsonValueKind.Object)
        {
            answer["categories"] = new JsonArray(new JsonObject { ["value"] = Text(category, "name") ?? Text(category, "code") });
        }
        answer["metadata"] = new JsonObject { ["revision_no"] = got.GetProperty("revision_no").GetInt32(), ["channel_code"] = Text(got, "channel_code") };
        return answer;
    }

    private static JsonObject Price(long amount, string currency) => new() { ["amount"] = amount, ["currency"] = currency };

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}

/// <summary>SCM's order in the spec's order shape.</summary>
public static class UcpOrderShape
{
    public static JsonObject Of(Order order, UcpOrderLink link, string permalink)
    {
        var lines = new JsonArray();
        foreach (var line in order.Lines)
        {
            var total = Math.Max(0, line.Quantity - line.CancelledQuantity);
            var fulfilled = Math.Min(total, line.Shipped);
            var status = total == 0 ? "removed" : fulfilled == total ? "fulfilled" : fulfilled > 0 ? "partial" : "processing";
            lines.Add(new JsonObject
            {
                ["id"] = line.LineNo.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["item"] = new JsonObject { ["id"] = line.VariantGuid, ["title"] = line.VariantCode ?? line.VariantGuid, ["price"] = Math.Max(0, line.UnitMinor) },
                ["quantity"] = new JsonObject { ["original"] = line.Quantity, ["total"] = total, ["fulfilled"] = fulfilled },
                ["totals"] = new JsonArray(
                    new JsonObject { ["type"] = "subtotal", ["amount"] = Math.Max(0, line.UnitMinor * total) },
                    new JsonObject { ["type"] = "total", ["amount"] = line.NetMinor }),
                ["status"] = status,
            });
        }
        var totals = new JsonArray(new JsonObject { ["type"] = "subtotal", ["amount"] = Math.Max(0, order.Totals.SubtotalMinor) });
        if (order.Totals.DiscountMinor > 0)
        {
            totals.Add(new JsonObject { ["type"] = "discount", ["amount"] = -order.Totals.DiscountMinor });
        }
        if (order.Totals.ShippingMinor > 0)
        {
            totals.Add(new JsonObject { ["type"] = "fulfillment", ["amount"] = order.Totals.ShippingMinor });
        }
        if (order.Totals.TaxMinor > 0)
        {
            totals.Add(new JsonObject { ["type"] = "tax", ["amount"] = order.Totals.TaxMinor });
        }
        totals.Add(new JsonObject { ["type"] = "total", ["amount"] = order.Totals.TotalMinor });
        return new JsonObject
        {
            ["ucp"] = UcpRestApi.Meta(),
            ["id"] = order.OrderGuid,
            ["label"] = order.OrderNumber,
            ["checkout_id"] = link.CheckoutGuid ?? order.SourceGuid ?? order.OrderGuid,
            ["permalink_url"] = permalink,
            ["line_items"] = lines,
            ["fulfillment"] = new JsonObject { ["expectations"] = new JsonArray(), ["events"] = new JsonArray() },
            ["currency"] = order.Currency,
            ["totals"] = totals,
        };
    }
}
