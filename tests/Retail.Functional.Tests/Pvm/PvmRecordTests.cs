using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;

namespace Retail.Functional.Tests.Pvm;

/// <summary><c>/history</c> and <c>/status</c> of any PVM record, by entity and key.</summary>
public sealed class PvmRecordTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task the_history_and_status_of_a_variant_follow_its_changes_by_guid_or_code()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        var variant = await owner.Variant(orgcode, "tee", "tee-m-red", "md", "red", gtin13: PvmSteps.Gtin13(400_000_000_001));
        var guid = variant.GetProperty("variant_guid").GetString()!;
        var viewer = host.Factory.NewUser("viewer");
        await owner.Join(orgcode, viewer, "viewer");

        var status = await viewer.Client.Post("/pvm/status", new { entity = "variant", key = guid }, orgcode).Ok();
        Assert.Equal("variant", status.GetProperty("entity").GetString());
        Assert.Equal(guid, status.GetProperty("key").GetString());
        Assert.Equal("active", status.GetProperty("status").GetString());
        Assert.False(status.GetProperty("doomed").GetBoolean());
        var revision = status.GetProperty("revision").GetInt64();
        Assert.Equal(variant.GetProperty("revision").GetInt64(), revision);

        await owner.Client.Post("/pvm/variant/status", new { variant_code = "tee-m-red", status = "discontinued", expected_revision = revision }, orgcode).Ok();
        // A coded record is also found by its code.
        var byCode = await viewer.Client.Post("/pvm/status", new { entity = "variant", key = "TEE-M-RED" }, orgcode).Ok();
        Assert.Equal(guid, byCode.GetProperty("key").GetString());
        Assert.Equal("discontinued", byCode.GetProperty("status").GetString());
        Assert.Equal(revision + 1, byCode.GetProperty("revision").GetInt64());

        var history = await viewer.Client.Post("/pvm/history", new { entity = "variant", key = guid }, orgcode).Ok();
        var entries = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, (int)revision + 1).Select(r => (long)r), entries.Select(e => e.GetProperty("revision").GetInt64()));
        Assert.Equal("created", entries[0].GetProperty("op").GetString());
        Assert.Equal("status_changed", entries[^1].GetProperty("op").GetString());
        Assert.Contains("status", entries[^1].GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("discontinued", entries[^1].GetProperty("record").GetProperty("status").GetString());

        // Paged like every list.
        var page = await viewer.Client.Post("/pvm/history", new { entity = "variant", key = "tee-m-red", limit = 1 }, orgcode).Ok();
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("next_token").ValueKind);
    }

    [Fact]
    public async Task the_status_of_a_barcode_is_its_own_and_its_history_starts_at_its_creation()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        var gtin = PvmSteps.Gtin13(400_000_000_002);
        await owner.Variant(orgcode, "tee", "tee-s-blue", "sm", "blue", gtin13: gtin);

        var status = await owner.Client.Post("/pvm/status", new { entity = "barcode", key = gtin }, orgcode).Ok();
        Assert.Equal("active", status.GetProperty("status").GetString());
        Assert.Equal(1, status.GetProperty("revision").GetInt64());
        Assert.False(status.GetProperty("doomed").GetBoolean());
        var history = await owner.Client.Post("/pvm/history", new { entity = "barcode", key = gtin }, orgcode).Ok();
        var created = Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.Equal("created", created.GetProperty("op").GetString());
        Assert.Equal(gtin, created.GetProperty("record").GetProperty("value").GetString());

        // A record without a lifecycle of its own is "live".
        await owner.Variant(orgcode, "tee", "box", "lg", "red", isKit: true);
        var box = await owner.Client.Post("/pvm/kit/component/add", new { kit_variant_code = "box", component_variant_code = "tee-s-blue", quantity = 1 }, orgcode).Ok();
        var kit = await owner.Client.Post("/pvm/status", new { entity = "kit", key = box.GetProperty("kit_variant_guid").GetString() }, orgcode).Ok();
        Assert.Equal("live", kit.GetProperty("status").GetString());
    }

    [Fact]
    public async Task an_unknown_entity_is_refused_and_a_record_of_another_org_is_not_found()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        await owner.ReadyStyle(orgcode);
        var gtin = PvmSteps.Gtin13(400_000_000_003);
        var variant = await owner.Variant(orgcode, "tee", "tee-l-red", "lg", "red", gtin13: gtin);
        var guid = variant.GetProperty("variant_guid").GetString()!;

        var unknown = await owner.Client.Post("/pvm/history", new { entity = "spaceship", key = guid }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(unknown.GetProperty("errors").TryGetProperty("entity", out _));
        await owner.Client.Post("/pvm/status", new { entity = "spaceship", key = guid }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/pvm/status", new { entity = "variant" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/pvm/status", new { entity = "variant", key = "a|b" }, orgcode).Problem(HttpStatusCode.BadRequest, "validation_failed");
        await owner.Client.Post("/pvm/status", new { entity = "variant", key = Guid.NewGuid().ToString() }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");

        var (otherOrg, other) = await host.NewOrgAsync();
        await other.Client.Post("/pvm/status", new { entity = "variant", key = guid }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Client.Post("/pvm/history", new { entity = "variant", key = guid }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
        await other.Client.Post("/pvm/history", new { entity = "barcode", key = gtin }, otherOrg).Problem(HttpStatusCode.NotFound, "not_found");
        // Nor can a caller name an org it has no part in.
        await other.Client.Post("/pvm/status", new { entity = "variant", key = guid }, orgcode).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
