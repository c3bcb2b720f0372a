using System.Net;
using System.Text.Json;
using Json.Schema;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Functional.Tests.Scm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Ipm;

/// <summary>
/// The machine-readable contract over HTTP: the event catalog with schemas, export contracts, lifecycles, specimens and
/// the paging contract; schemas are checked against the draft 2020-12 meta-schema and specimens against their schemas.
/// </summary>
public sealed class CatalogTests(IpmHost host) : IClassFixture<IpmHost>
{
    [Fact]
    public async Task the_event_catalog_lists_customer_created_from_crm_with_a_schema_holding_the_customer_guid()
    {
        var org = await host.NewOrgAsync();
        var crm = await org.Viewer.Client.PostJsonAsync("/ipm/event/catalog/list", new { app = "crm", limit = Paging.MaxLimit }).Ok();
        var items = crm.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, i => Assert.Equal("crm", i.Text("app")));

        var created = items.Single(i => i.Text("type") == "customer.created");
        Assert.Equal(("business", "customer.created", "CustomerChanged"), (created.Text("kind"), created.Text("topic"), created.Text("data_record")));
        Assert.False(string.IsNullOrWhiteSpace(created.Text("summary")));
        var envelope = created.GetProperty("envelope");
        Assert.Equal(("1.0", "crm", "application/json"), (envelope.Text("specversion"), envelope.Text("source"), envelope.Text("datacontenttype")));
        Assert.Contains("orgcode", envelope.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
        var schema = created.GetProperty("data_schema");
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.Text("$schema"));
        Assert.Equal("string", FirstType(schema.GetProperty("properties").GetProperty("customer_guid")));

        var cdc = items.Single(i => i.Text("type") == "crm.customer.{op}");
        Assert.Equal(("cdc", "cdc"), (cdc.Text("kind"), cdc.Text("topic")));
        Assert.True(cdc.GetProperty("data_schema").GetProperty("properties").GetProperty("record").GetProperty("properties").TryGetProperty("customer_guid", out _));

        var other = await org.Viewer.Client.PostJsonAsync("/ipm/event/catalog/list", new { app = "ofm", kind = "business" }).Ok();
        Assert.Contains(other.GetProperty("items").EnumerateArray(), i => i.Text("type") == "org.created");
        Assert.DoesNotContain(other.GetProperty("items").EnumerateArray(), i => i.Text("kind") == "cdc");
    }

    [Fact]
    public async Task every_event_schema_is_valid_json_schema_and_every_specimen_validates_against_it()
    {
        var org = await host.NewOrgAsync();
        var events = await ReadAllAsync(org.Viewer.Client, "/ipm/event/catalog/list", 100);
        Assert.True(events.Count > 200, $"only {events.Count} event types listed");
        Assert.Equal(events.Count, events.Select(e => e.Text("type")).Distinct().Count());
        // Record types that publish no change have no CDC entry: derived copies and the feed's own records, append-only usage.
        Assert.Contains(events, e => e.Text("type") == "pvm.variant.{op}");
        Assert.DoesNotContain(events, e => e.Text("type") is "ppm.catalog_variant.{op}" or "ics.catalog_variant.{op}" or "ipm.cdc_entry.{op}"
            or "accounting.usage.{op}" or "accounting.usage_rollup.{op}");

        var withSchema = events.Where(e => e.GetProperty("data_schema").ValueKind == JsonValueKind.Object).ToList();
        // Only the business events whose data record is not named go without a schema; every CDC entry has one.
        Assert.All(events.Where(e => e.Text("kind") == "cdc"), e => Assert.Equal(JsonValueKind.Object, e.GetProperty("data_schema").ValueKind));
        Assert.True(events.Count - withSchema.Count <= 5, $"{events.Count - withSchema.Count} event types have no schema");
        foreach (var entry in withSchema)
        {
            var type = entry.Text("type")!;
            var schema = ValidSchema(entry.GetProperty("data_schema"), type);
            var name = entry.Text("kind") == "cdc" ? type.Replace("{op}", "status_changed", StringComparison.Ordinal) : type;
            var specimen = await org.Viewer.Client.PostJsonAsync("/ipm/specimen/get", new { kind = "event", name, topic = entry.Text("topic") }).Ok();
            Assert.Equal((name, entry.Text("app")), (specimen.Text("name"), specimen.Text("app")));
            AssertValid(schema, specimen.GetProperty("payload"), name);
        }
    }

    [Fact]
    public async Task export_contracts_list_every_record_type_of_a_service_and_each_entity_specimen_fits_its_schema()
    {
        var org = await host.NewOrgAsync();
        var contracts = await ReadAllAsync(org.Viewer.Client, "/ipm/export/contract/list", Paging.MaxLimit);
        Assert.Equal(contracts.Count, contracts.Select(c => $"{c.Text("app")}.{c.Text("entity")}").Distinct().Count());

        var crm = contracts.Where(c => c.Text("app") == "crm").ToDictionary(c => c.Text("entity")!);
        string[] known = [Retail.Crm.Customers.Customer.Type.Entity, Retail.Crm.Accounts.Account.Type.Entity, Retail.Crm.GiftCards.GiftCard.Type.Entity,
            Retail.Crm.Fraud.FraudHold.Type.Entity, Retail.Crm.Certificates.ExemptionCertificate.Type.Entity];
        Assert.All(known, entity => Assert.Contains(entity, crm.Keys));
        var customer = crm[Retail.Crm.Customers.Customer.Type.Entity];
        Assert.Equal(("customer_guid", 1, "ndjson+gzip", "Customer"),
            (customer.Text("key_field"), customer.GetProperty("schema_version").GetInt32(), customer.Text("format"), customer.Text("record")));
        Assert.Contains("email", customer.GetProperty("unique_values").EnumerateArray().Select(u => u.GetString()));
        Assert.Contains(customer.GetProperty("indexes").EnumerateArray(), i => i.GetProperty("fields").EnumerateArray().Any(f => f.GetString() == "status"));

        var pvm = contracts.Where(c => c.Text("app") == "pvm").Select(c => c.Text("entity")).ToList();
        Assert.Contains(Retail.Pvm.Catalog.Style.Type.Entity, pvm);
        Assert.Contains(Retail.Pvm.Catalog.Variant.Type.Entity, pvm);

        foreach (var contract in contracts)
        {
            var name = $"{contract.Text("app")}.{contract.Text("entity")}";
            var schema = ValidSchema(contract.GetProperty("schema"), name);
            var specimen = await org.Viewer.Client.PostJsonAsync("/ipm/specimen/get", new { kind = "entity", name }).Ok();
            AssertValid(schema, specimen.GetProperty("payload"), name);
        }
    }

    [Fact]
    public async Task ofm_org_lifecycle_matches_what_ofm_refuses()
    {
        var org = await host.NewOrgAsync();
        var lifecycles = await org.Viewer.Client.PostJsonAsync("/ipm/lifecycle/list", new { app = "ofm", limit = Paging.MaxLimit }).Ok();
        var orgLifecycle = lifecycles.GetProperty("items").EnumerateArray().Single(l => l.Text("entity") == "org");
        var moves = Moves(orgLifecycle);
        Assert.Equal(["suspended", "frozen"], moves["active"].Order().Reverse());
        Assert.Equal(("pending", "org_status"), (orgLifecycle.Text("initial"), orgLifecycle.Text("status_type")));

        // A move the lifecycle does not list is refused by OFM, which names the same allowed moves.
        var current = await org.Owner.Client.Post("/ofm/org/get", new { }, org.Orgcode).Ok();
        var refused = await host.Operator.SetOrgStatus(org.Orgcode, "pending", current.GetProperty("revision").GetInt64())
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(moves["active"].Order(), refused.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()!).Order());
        Assert.DoesNotContain("pending", moves["active"]);
    }

    [Fact]
    public async Task crm_customer_lifecycle_matches_what_crm_allows_and_refuses()
    {
        var org = await host.NewOrgAsync();
        var lifecycles = await org.Viewer.Client.PostJsonAsync("/ipm/lifecycle/list", new { app = "crm", limit = Paging.MaxLimit }).Ok();
        var items = lifecycles.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, l => l.Text("entity") == Retail.Crm.GiftCards.GiftCard.Type.Entity && l.Text("status_type") == "gift_card_status");
        var customer = items.Single(l => l.Text("status_type") == "customer_status");
        var moves = Moves(customer);
        Assert.Equal(["inactive"], moves["active"]);
        Assert.Equal(["active"], moves["inactive"]);
        Assert.Equal(["merged"], customer.GetProperty("terminal").EnumerateArray().Select(t => t.GetString()));

        var created = await org.Post(org.Clerk, "/crm/customer/create", new { email = "lifecycle@example.com" }).Ok(HttpStatusCode.Created);
        var guid = created.Text("customer_guid");
        await org.Post(org.Clerk, "/crm/customer/status/set", new { customer_guid = guid, expected_revision = 1, status = "inactive" }).Ok();
        var refused = await org.Post(org.Clerk, "/crm/customer/status/set", new { customer_guid = guid, expected_revision = 2, status = "inactive" })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(moves["inactive"], refused.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()!));
    }

    [Fact]
    public async Task the_pagination_contract_is_the_shared_paging_constants_and_a_forged_token_is_refused_as_it_says()
    {
        var org = await host.NewOrgAsync();
        var paging = await org.Viewer.Client.PostJsonAsync("/ipm/pagination/get", new { }).Ok();
        var limit = paging.GetProperty("limit");
        Assert.Equal((Paging.DefaultLimit, Paging.MinLimit, Paging.MaxLimit), (limit.GetProperty("default").GetInt32(), limit.GetProperty("min").GetInt32(),
            limit.GetProperty("max").GetInt32()));
        var token = paging.GetProperty("next_token");
        Assert.Equal(("next_token", Paging.MaxTokenLength), (token.Text("field"), token.GetProperty("max_length").GetInt32()));
        var forged = paging.GetProperty("answers").EnumerateArray().Single(a => a.Text("code") == "invalid_next_token");
        Assert.Equal(400, forged.GetProperty("status").GetInt32());

        var first = await org.Viewer.Client.PostJsonAsync("/ipm/event/catalog/list", new { }).Ok();
        Assert.Equal(Paging.DefaultLimit, first.GetProperty("items").GetArrayLength());
        var next = first.Text("next_token")!;
        await org.Viewer.Client.PostJsonAsync("/ipm/event/catalog/list", new { next_token = next[..^4] + "AAAA" }).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await org.Viewer.Client.PostJsonAsync("/ipm/event/catalog/list", new { app = "crm", next_token = next }).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
        await org.Viewer.Client.PostJsonAsync("/ipm/event/catalog/list", new { limit = Paging.MaxLimit + 1 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task paging_the_catalog_in_small_pages_reads_exactly_what_one_complete_page_holds()
    {
        var org = await host.NewOrgAsync();
        var paged = await ReadAllAsync(org.Viewer.Client, "/ipm/event/catalog/list", 7);
        var complete = await org.Viewer.Client.PostJsonAsync("/ipm/event/catalog/list", new { limit = Paging.MaxLimit }).Ok();
        Assert.Equal(complete.GetProperty("items").EnumerateArray().Select(i => i.Text("type")), paged.Select(i => i.Text("type")));
        Assert.Equal(JsonValueKind.Null, complete.GetProperty("next_token").ValueKind);
    }

    [Fact]
    public async Task an_unknown_specimen_is_not_found_and_the_contract_needs_a_signed_in_caller()
    {
        var org = await host.NewOrgAsync();
        await org.Viewer.Client.PostJsonAsync("/ipm/specimen/get", new { kind = "event", name = "no.such_event" }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Viewer.Client.PostJsonAsync("/ipm/specimen/get", new { kind = "entity", name = "no_such_entity" }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Viewer.Client.PostJsonAsync("/ipm/specimen/get", new { kind = "record", name = "customer" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var customer = await org.Viewer.Client.PostJsonAsync("/ipm/specimen/get", new { kind = "entity", name = "customer" }).Ok();
        Assert.Equal(("crm", "customer"), (customer.Text("app"), customer.Text("name")));
        // The same every time: a specimen is generated from the schema, not from data.
        Assert.Equal(customer.GetRawText(), (await org.Viewer.Client.PostJsonAsync("/ipm/specimen/get", new { kind = "entity", name = "crm.customer" }).Ok()).GetRawText());

        using var anonymous = host.Factory.CreateClient();
        await anonymous.PostJsonAsync("/ipm/event/catalog/list", new { }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    private static async Task<List<JsonElement>> ReadAllAsync(HttpClient client, string path, int limit)
    {
        var all = new List<JsonElement>();
        string? token = null;
        do
        {
            var page = await client.PostJsonAsync(path, new { limit, next_token = token }).Ok();
            all.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.Text("next_token");
        }
        while (token is not null);
        return all;
    }

    private static Dictionary<string, List<string>> Moves(JsonElement lifecycle) =>
        lifecycle.GetProperty("transitions").EnumerateArray()
            .ToDictionary(t => t.Text("from")!, t => t.GetProperty("to").EnumerateArray().Select(s => s.GetString()!).ToList());

    private static string? FirstType(JsonElement schema) => schema.GetProperty("type") switch
    {
        { ValueKind: JsonValueKind.Array } many => many.EnumerateArray().Select(t => t.GetString()).First(t => t != "null"),
        var one => one.GetString(),
    };

    private static JsonSchema ValidSchema(JsonElement schema, string name)
    {
        var meta = MetaSchemas.Draft202012.Evaluate(schema, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(meta.IsValid, $"{name}: its schema is not valid draft 2020-12: {JsonSerializer.Serialize(meta)}");
        return JsonSchema.FromText(schema.GetRawText(), baseUri: new Uri($"https://retail.test/contract/{Uri.EscapeDataString(name)}"));
    }

    private static void AssertValid(JsonSchema schema, JsonElement payload, string name)
    {
        var result = schema.Evaluate(payload, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{name}: the specimen does not fit its schema: {payload.GetRawText()} {JsonSerializer.Serialize(result)}");
    }
}
