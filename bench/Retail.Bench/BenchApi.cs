using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Retail.Bench;

/// <summary>
/// JSON calls as the operator acting in a bench org (the first failures of <see cref="TryPostAsync"/> are printed with
/// their problem), and the setup the catalog and stock benchmarks share.
/// </summary>
internal sealed class BenchApi(HttpClient client, string operatorKey, string orgcode)
{
    private int _reported;

    public string Orgcode => orgcode;

    /// <summary>The active OGM every bench style uses (set by <see cref="CatalogAsync"/>).</summary>
    public string OgmGuid { get; private set; } = "";

    /// <summary>The option code of size <paramref name="i"/> on the bench OGM's one axis.</summary>
    public static string SizeCode(int i) => $"sz{i:D2}";

    public async Task<JsonElement> PostAsync(string path, object body, bool orgScoped = true)
    {
        using var response = await SendAsync(path, body, orgScoped);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<bool> TryPostAsync(string path, object body)
    {
        try
        {
            using var response = await SendAsync(path, body, orgScoped: true);
            if (response.IsSuccessStatusCode)
            {
                await response.Content.CopyToAsync(Stream.Null);
                return true;
            }
            if (Interlocked.Increment(ref _reported) <= 5)
            {
                Console.Error.WriteLine($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            return false;
        }
        catch (HttpRequestException ex)
        {
            if (Interlocked.Increment(ref _reported) <= 5)
            {
                Console.Error.WriteLine($"{path}: {ex.Message}");
            }
            return false;
        }
    }

    /// <summary>A body already serialised (the hot loops build theirs once), answering only the status.</summary>
    public async Task<HttpStatusCode> SendRawAsync(string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-api-key", operatorKey);
        request.Headers.Add("x-orgcode", orgcode);
        using var response = await client.SendAsync(request);
        await response.Content.CopyToAsync(Stream.Null);
        return response.StatusCode;
    }

    /// <summary>The bench org (its owner made up; the operator acts for it), created and activated.</summary>
    public async Task CreateOrgAsync()
    {
        var org = await PostAsync("/ofm/org/create",
            new { orgcode, legal_name = "Bench Retail GmbH", owner_user_guid = Guid.CreateVersion7().ToString() }, orgScoped: false);
        await PostAsync("/ofm/org/status/set", new { status = "active", expected_revision = org.GetProperty("revision").GetInt64() });
    }

    /// <summary>A body already serialised, answering the status and (when asked and successful) the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement? Body)> SendJsonAsync(string path, byte[] body, bool readBody = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-api-key", operatorKey);
        request.Headers.Add("x-orgcode", orgcode);
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode || !readBody)
        {
            if (!response.IsSuccessStatusCode && Interlocked.Increment(ref _reported) <= 5)
            {
                Console.Error.WriteLine($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            else
            {
                await response.Content.CopyToAsync(Stream.Null);
            }
            return (response.StatusCode, null);
        }
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var json = await JsonDocument.ParseAsync(stream);
        return (response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>
    /// Styles of up to <paramref name="perStyle"/> active variants (on the OGM of <see cref="CatalogAsync"/>), created by
    /// <paramref name="concurrency"/> clients a style at a time; answers the variant guids.
    /// </summary>
    public async Task<List<string>> VariantsAsync(int count, int perStyle, int concurrency)
    {
        var styles = (count + perStyle - 1) / perStyle;
        var guids = new string?[count];
        await ForEachAsync(styles, concurrency, async s =>
        {
            var styleCode = $"st{s:D6}";
            await PostAsync("/pvm/style", new
            {
                style_code = styleCode,
                name = $"Style {s}",
                brand_code = "northwind",
                primary_vendor_code = "acme",
                primary_manufacturer_code = "mill",
                category_code = "shirts",
                ogm_guid = OgmGuid,
            });
            await PostAsync("/pvm/style/status", new { style_code = styleCode, status = "active", expected_revision = 1 });
            for (var v = 0; v < perStyle && s * perStyle + v < count; v++)
            {
                var variant = await PostAsync("/pvm/variant", new
                {
                    style_code = styleCode,
                    variant_code = $"{styleCode}-{SizeCode(v)}",
                    options = new[] { new { option_group_code = "size", option_code = SizeCode(v) } },
                    status = "active",
                });
                guids[s * perStyle + v] = variant.GetProperty("variant_guid").GetString();
            }
        });
        return [.. guids.Select(g => g!)];
    }

    /// <summary>The bench org (<see cref="CreateOrgAsync"/>) with one site, one legal entity and <paramref name="stores"/> as its logical stores.</summary>
    public async Task StoresAsync(params string[] stores)
    {
        await CreateOrgAsync();
        await PostAsync("/ofm/facility/physical/create", new { facility_code = "site-1", name = "Main street site", time_zone = "Europe/Berlin" });
        await PostAsync("/ofm/facility/legal/create", new { facility_code = "entity-1", legal_name = "Bench Retail GmbH", country = "DE" });
        foreach (var store in stores)
        {
            await PostAsync("/ofm/facility/logical/create",
                new { facility_code = store, name = store, kind = "store", physical_facility_code = "site-1", legal_facility_code = "entity-1" });
        }
    }

    /// <summary>The EUR sales channel <c>web</c>, fulfilled from <paramref name="store"/>.</summary>
    public Task WebChannelAsync(string store) => PostAsync("/ofm/sales-channel/create", new
    {
        channel_code = "web", name = "Web shop", kind = "ecom", market_code = "de", locale_codes = new[] { "de-DE" }, currency = "EUR", facility_code = store,
    });

    /// <summary><paramref name="count"/> pieces of work (0, 1, …) shared by <paramref name="concurrency"/> clients, each taking the next.</summary>
    public static Task ForEachAsync(long count, int concurrency, Func<long, Task> work)
    {
        long next = -1;
        return Task.WhenAll(Enumerable.Range(0, (int)Math.Min(concurrency, count)).Select(async _ =>
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await work(i);
            }
        }));
    }

    /// <summary>PVM's suppliers, brand, taxonomy and an active OGM of one size axis with <paramref name="sizes"/> options.</summary>
    public async Task CatalogAsync(int sizes)
    {
        await PostAsync("/pvm/vendor", new { vendor_code = "acme", name = "Acme", country = "DE" });
        await PostAsync("/pvm/vendor/status", new { vendor_code = "acme", status = "active", expected_revision = 1 });
        await PostAsync("/pvm/manufacturer", new { manufacturer_code = "mill", name = "Mill", country = "PT" });
        await PostAsync("/pvm/manufacturer/status", new { manufacturer_code = "mill", status = "active", expected_revision = 1 });
        await PostAsync("/pvm/brand", new { brand_code = "northwind", name = "Northwind" });
        await PostAsync("/pvm/brand/link/add", new { brand_code = "northwind", supplier_kind = "vendor", supplier_code = "acme", primary = true });
        await PostAsync("/pvm/brand/link/add", new { brand_code = "northwind", supplier_kind = "manufacturer", supplier_code = "mill", primary = true });
        await PostAsync("/pvm/division", new { division_code = "apparel", name = "Apparel" });
        await PostAsync("/pvm/department", new { department_code = "tops", division_code = "apparel", name = "Tops" });
        await PostAsync("/pvm/category", new { category_code = "shirts", department_code = "tops", name = "Shirts" });
        await PostAsync("/pvm/option_group", new { option_group_code = "size", name = "Size" });
        var codes = Enumerable.Range(0, sizes).Select(SizeCode).ToArray();
        for (var i = 0; i < codes.Length; i++)
        {
            await PostAsync("/pvm/option", new { option_group_code = "size", option_code = codes[i], name = codes[i], position = i });
        }
        var ogm = await PostAsync("/pvm/ogm",
            new { ogm_code = "apparel", name = "Apparel", axes = new[] { new { option_group_code = "size", option_codes = codes } } });
        await PostAsync("/pvm/ogm/status", new { ogm_guid = ogm.GetProperty("ogm_guid").GetString(), status = "active", expected_revision = 1 });
        OgmGuid = ogm.GetProperty("ogm_guid").GetString()!;
    }

    private async Task<HttpResponseMessage> SendAsync(string path, object body, bool orgScoped)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("x-api-key", operatorKey);
        if (orgScoped)
        {
            request.Headers.Add("x-orgcode", orgcode);
        }
        return await client.SendAsync(request);
    }
}
