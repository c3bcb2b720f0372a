using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Crm;

/// <summary>UC-CRM-001: customers over HTTP — create, read, update, status, list and search, with the failure paths.</summary>
public sealed class CustomerTests(CrmHost host) : IClassFixture<CrmHost>
{
    private static readonly object Berlin = new { line1 = "Unter den Linden 1", city = "Berlin", postcode = "10117", country = "de" };

    [Fact]
    public async Task UC_CRM_001_a_customer_is_created_with_a_normalised_email_and_an_e164_phone_and_read_by_guid_email_or_phone()
    {
        var org = await host.NewOrgAsync();
        var created = await org.Post(org.Clerk, "/crm/customer/create", new
        {
            email = "  Ada.Lovelace@Example.COM ",
            phone = "030 12345678",
            given_name = " Ada ",
            family_name = "Lovelace",
            addresses = new[] { Berlin },
            external_ids = new Dictionary<string, string> { ["Shopify"] = "4711" },
        }).Ok(HttpStatusCode.Created);
        Assert.Equal(("ada.lovelace@example.com", "+493012345678", "Ada", "active", 1L),
            (created.Text("email"), created.Text("phone"), created.Text("given_name"), created.Text("status"), created.Revision()));
        Assert.Equal("DE", created.GetProperty("addresses")[0].Text("country"));
        Assert.Equal("4711", created.GetProperty("external_ids").Text("shopify"));
        var guid = created.Text("customer_guid")!;

        foreach (var by in new object[]
        {
            new { customer_guid = guid },
            new { email = "ADA.LOVELACE@example.com" },
            new { phone = "+49 30 1234 5678" },
            new { phone = "030/12345678", default_region = "DE" },
        })
        {
            var read = await org.Post(org.Viewer, "/crm/customer/get", by).Ok();
            Assert.Equal(guid, read.Text("customer_guid"));
        }
        await org.Post(org.Viewer, "/crm/customer/get", new { email = "nobody@example.com" }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Viewer, "/crm/customer/get", new { customer_guid = Guid.NewGuid() }).Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Viewer, "/crm/customer/get", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");

        // Another org never sees it.
        var other = await host.NewOrgAsync();
        await other.Post(other.Viewer, "/crm/customer/get", new { customer_guid = guid }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_CRM_001_a_second_live_customer_with_the_same_email_or_the_same_phone_in_another_format_is_a_duplicate()
    {
        var org = await host.NewOrgAsync();
        await org.CustomerAsync("grace@example.com", "+49 30 12345678");

        var email = await org.Post(org.Clerk, "/crm/customer/create", new { email = " GRACE@example.com" }).Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Contains("email", email.ToString(), StringComparison.Ordinal);
        var phone = await org.Post(org.Clerk, "/crm/customer/create", new { email = "other@example.com", phone = "030 1234 5678", default_region = "DE" })
            .Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Contains("phone", phone.ToString(), StringComparison.Ordinal);
        // The same phone through the address's country.
        await org.Post(org.Clerk, "/crm/customer/create", new { email = "third@example.com", phone = "(030) 12345678", addresses = new[] { Berlin } })
            .Problem(HttpStatusCode.Conflict, "duplicate");

        var list = await org.Post(org.Viewer, "/crm/customer/list", new { }).Ok();
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UC_CRM_001_bad_input_is_a_validation_problem_never_a_customer()
    {
        var org = await host.NewOrgAsync();
        object[] bad =
        [
            new { email = "not-an-email" },
            new { given_name = "No Contact" },
            new { email = "a@example.com", phone = "12" },
            new { email = "b@example.com", phone = "030 12345678" },
            new { email = "c@example.com", phone = "030 12345678", default_region = "XX" },
            new { email = "d@example.com", addresses = new[] { new { line1 = "Main St 1", city = "Springfield", country = "XX" } } },
            new { email = "e@example.com", addresses = new[] { new { line1 = "Main St 1", city = "Springfield", country = "USA" } } },
            new { email = "f@example.com", addresses = new[] { new { line1 = "Main St 1", country = "US" } } },
            new { email = "g@example.com", external_ids = new Dictionary<string, string> { ["not a code"] = "1" } },
            new { email = "h@example.com", account_guid = "nope" },
            new { email = "i@example.com", favourite_colour = "blue" },
        ];
        foreach (var body in bad)
        {
            var problem = await org.Post(org.Clerk, "/crm/customer/create", body).Problem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.TryGetProperty("errors", out _) || problem.TryGetProperty("detail", out _), problem.ToString());
        }
        var phone = await org.Post(org.Clerk, "/crm/customer/create", new { email = "j@example.com", phone = "+49 30" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(phone.GetProperty("errors").TryGetProperty("phone", out _), phone.ToString());
        await org.Post(org.Clerk, "/crm/customer/create", "{\"email\": 42}").Problem(HttpStatusCode.BadRequest, "validation_failed");

        var list = await org.Post(org.Viewer, "/crm/customer/list", new { }).Ok();
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UC_CRM_001_a_viewer_reads_customers_but_cannot_write_them()
    {
        var org = await host.NewOrgAsync();
        var customer = await org.CustomerAsync("viewer-test@example.com");
        var guid = customer.Text("customer_guid");
        await org.Post(org.Viewer, "/crm/customer/create", new { email = "v@example.com" }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/crm/customer/update", new { customer_guid = guid, expected_revision = 1, given_name = "X" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/crm/customer/status/set", new { customer_guid = guid, expected_revision = 1, status = "inactive" })
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/crm/customer/consent/set", new
        {
            customer_guid = guid,
            purpose = "marketing_email",
            status = "granted",
            source = "web",
            text_version = "v1",
        }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/crm/customer/flag/set", new { customer_guid = guid, code = "vip" }).Problem(HttpStatusCode.Forbidden, "forbidden");
        await org.Post(org.Viewer, "/crm/customer/get", new { customer_guid = guid }).Ok();
        await org.Post(org.Viewer, "/crm/customer/search", new { email_prefix = "viewer" }).Ok();
    }

    [Fact]
    public async Task UC_CRM_001_an_update_is_revision_checked_keeps_email_and_phone_unique_and_frees_the_old_ones()
    {
        var org = await host.NewOrgAsync();
        var ada = await org.CustomerAsync("ada@example.com", "+4930111111");
        await org.CustomerAsync("grace@example.com", "+4930222222");
        var guid = ada.Text("customer_guid");

        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = guid, given_name = "Augusta" })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = guid, expected_revision = 7, given_name = "Augusta" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = Guid.NewGuid(), expected_revision = 1, given_name = "Augusta" })
            .Problem(HttpStatusCode.NotFound, "not_found");
        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = guid, expected_revision = 1, email = "Grace@Example.com" })
            .Problem(HttpStatusCode.Conflict, "duplicate");
        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = guid, expected_revision = 1, phone = "030 222222", default_region = "DE" })
            .Problem(HttpStatusCode.Conflict, "duplicate");
        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = guid, expected_revision = 1, phone = "not a phone" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = guid, expected_revision = 1, email = "", phone = "" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var updated = await org.Post(org.Clerk, "/crm/customer/update", new
        {
            customer_guid = guid,
            expected_revision = 1,
            email = "Augusta@Example.com",
            given_name = "Augusta",
            addresses = new[] { Berlin },
            phone = "030 333333",
        }).Ok();
        Assert.Equal((2L, "augusta@example.com", "+4930333333", "Augusta", "Lovelace"),
            (updated.Revision(), updated.Text("email"), updated.Text("phone"), updated.Text("given_name"), updated.Text("family_name")));
        // The old e-mail and phone are free for another customer; the new ones find Ada.
        await org.CustomerAsync("ada@example.com", "+4930111111");
        var read = await org.Post(org.Viewer, "/crm/customer/get", new { email = "augusta@example.com" }).Ok();
        Assert.Equal(guid, read.Text("customer_guid"));
    }

    [Fact]
    public async Task UC_CRM_001_a_customer_moves_between_active_and_inactive_and_never_to_merged_by_hand()
    {
        var org = await host.NewOrgAsync();
        var customer = await org.CustomerAsync("status@example.com");
        var guid = customer.Text("customer_guid");

        var inactive = await org.Post(org.Clerk, "/crm/customer/status/set", new { customer_guid = guid, expected_revision = 1, status = "inactive" }).Ok();
        Assert.Equal(("inactive", 2L), (inactive.Text("status"), inactive.Revision()));
        var moved = await org.Post(org.Clerk, "/crm/customer/status/set", new { customer_guid = guid, expected_revision = 2, status = "inactive" })
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        Assert.Equal(new[] { "active" }, moved.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
        await org.Post(org.Clerk, "/crm/customer/status/set", new { customer_guid = guid, expected_revision = 2, status = "merged" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Clerk, "/crm/customer/status/set", new { customer_guid = guid, expected_revision = 1, status = "active" })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");

        var listed = await org.Post(org.Viewer, "/crm/customer/list", new { status = "inactive" }).Ok();
        Assert.Equal(new[] { guid }, Found(listed));
        Assert.Empty(Found(await org.Post(org.Viewer, "/crm/customer/list", new { status = "active" }).Ok()));
        var active = await org.Post(org.Clerk, "/crm/customer/status/set", new { customer_guid = guid, expected_revision = 2, status = "active" }).Ok();
        Assert.Equal(("active", 3L), (active.Text("status"), active.Revision()));
    }

    [Fact]
    public async Task UC_CRM_001_customers_are_found_by_name_words_email_prefix_and_phone_prefix_page_by_page()
    {
        var org = await host.NewOrgAsync();
        var ada = await org.CustomerAsync("ada.lovelace@example.com", "+4930100001", "Ada", "Lovelace");
        var augusta = await org.CustomerAsync("augusta.king@example.org", "+4930100002", "Augusta Ada", "King");
        var grace = await org.CustomerAsync("grace@navy.example", "+12025550123", "Grace", "Hopper");

        Assert.Equal(Guids(ada, augusta).Order(), Found(await Search(org, new { query = "ada" })).Order());
        Assert.Equal(Guids(augusta), Found(await Search(org, new { query = "Ada KING" })));
        Assert.Equal(Guids(grace), Found(await Search(org, new { query = "hopp" })));
        Assert.Empty(Found(await Search(org, new { query = "babbage" })));

        Assert.Equal(Guids(ada, augusta), Found(await Search(org, new { email_prefix = "A" })));
        Assert.Equal(Guids(augusta), Found(await Search(org, new { email_prefix = "augusta.k" })));
        Assert.Empty(Found(await Search(org, new { email_prefix = "adb" })));

        Assert.Equal(Guids(ada, augusta), Found(await Search(org, new { phone_prefix = "+49 30 1000" })));
        Assert.Equal(Guids(grace), Found(await Search(org, new { phone_prefix = "1 202" })));

        // Paged: one at a time, in e-mail order, never repeating.
        var first = await Search(org, new { email_prefix = "a", limit = 1 });
        var token = first.GetProperty("next_token").GetString();
        Assert.NotNull(token);
        var second = await Search(org, new { email_prefix = "a", limit = 1, next_token = token });
        Assert.Equal(Guids(ada, augusta), Found(first).Concat(Found(second)).ToList());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_token").ValueKind);

        var byName = await Search(org, new { query = "ada", limit = 1 });
        var nameToken = byName.GetProperty("next_token").GetString();
        var rest = await Search(org, new { query = "ada", limit = 1, next_token = nameToken });
        Assert.Equal(Guids(ada, augusta).Order(), Found(byName).Concat(Found(rest)).Order());

        await org.Post(org.Viewer, "/crm/customer/search", new { }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/customer/search", new { query = "ada", email_prefix = "a" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/customer/search", new { query = "@@" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/customer/search", new { phone_prefix = "+49abc" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/customer/search", new { query = "ada", next_token = "forged" }).Problem(HttpStatusCode.BadRequest, "invalid_next_token");
    }

    [Fact]
    public async Task UC_CRM_001_customers_are_listed_by_status_account_and_creation_window()
    {
        var org = await host.NewOrgAsync();
        var account = Guid.NewGuid().ToString();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var a = await org.Post(org.Clerk, "/crm/customer/create", new { email = "a@example.com", account_guid = account }).Ok(HttpStatusCode.Created);
        var b = await org.CustomerAsync("b@example.com");
        var c = await org.CustomerAsync("c@example.com");

        Assert.Equal(Guids(a, b, c), Found(await org.Post(org.Viewer, "/crm/customer/list", new { }).Ok()));
        Assert.Equal(Guids(a), Found(await org.Post(org.Viewer, "/crm/customer/list", new { account_guid = account }).Ok()));
        Assert.Equal(Guids(a), Found(await org.Post(org.Viewer, "/crm/customer/list", new { account_guid = account, status = "active" }).Ok()));
        Assert.Equal(Guids(a, b, c), Found(await org.Post(org.Viewer, "/crm/customer/list", new { created_from = before }).Ok()));
        Assert.Empty(Found(await org.Post(org.Viewer, "/crm/customer/list", new { created_to = before }).Ok()));
        Assert.Empty(Found(await org.Post(org.Viewer, "/crm/customer/list", new { created_from = DateTimeOffset.UtcNow.AddMinutes(5) }).Ok()));

        var first = await org.Post(org.Viewer, "/crm/customer/list", new { limit = 2 }).Ok();
        var second = await org.Post(org.Viewer, "/crm/customer/list", new { limit = 2, next_token = first.GetProperty("next_token").GetString() }).Ok();
        Assert.Equal(Guids(a, b, c), Found(first).Concat(Found(second)).ToList());

        await org.Post(org.Viewer, "/crm/customer/list", new { flag = "vip", status = "active" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/customer/list", new { status = "gone" }).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await org.Post(org.Viewer, "/crm/customer/list", new { limit = 501 }).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    private static Task<JsonElement> Search(CrmOrg org, object body) => org.Post(org.Viewer, "/crm/customer/search", body).Ok();

    internal static IReadOnlyList<string?> Found(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.Text("customer_guid")).ToList();

    private static IReadOnlyList<string?> Guids(params JsonElement[] customers) => customers.Select(c => c.Text("customer_guid")).ToList();
}
