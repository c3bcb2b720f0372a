using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Pvm.Identifiers;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Pvm;

public sealed class RecreateTests(PvmHost host) : IClassFixture<PvmHost>
{
    [Fact]
    public async Task UC_PVM_007_moving_a_style_to_a_new_ogm_revision_makes_its_variants_stale_and_recreate_moves_their_barcodes_identifiers_and_aliases()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var style = await owner.ActiveCatalogStyle(orgcode);
        var firstModel = style.GetProperty("ogm_guid").GetString()!;
        var gtin = PvmSteps.Gtin13(400000000101);
        var old = await owner.Create(orgcode, "/pvm/variant", new
        {
            style_code = "tee",
            variant_code = "tee-m-red",
            options = VariantSteps.Options("m", "red"),
            status = "active",
            barcodes = new object[] { new { barcode = gtin, primary = true }, new { barcode = "INT-77", symbology = "internal" } },
            identifiers = new[] { new { id_type = "sku", value = "TEE-M-RED" } },
        });
        var oldGuid = old.GetProperty("variant_guid").GetString()!;
        await owner.Create(orgcode, "/pvm/variant", VariantSteps.Body("tee-l-blue", "l", "blue"));
        await host.AddAliasAsync(orgcode, "supplier_sku", "ACME-123", oldGuid);

        // The model in use cannot retire; its next revision adds a fit axis.
        await owner.Client.Post("/pvm/ogm/status", new { ogm_guid = firstModel, status = "retired", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "in_use");
        await owner.Create(orgcode, "/pvm/option_group", new { option_group_code = "fit", name = "Fit" });
        await owner.Create(orgcode, "/pvm/option", new { option_group_code = "fit", option_code = "regular", name = "Regular" });
        await owner.Create(orgcode, "/pvm/option", new { option_group_code = "fit", option_code = "slim", name = "Slim" });
        var clone = await owner.Create(orgcode, "/pvm/ogm/clone", new
        {
            ogm_guid = firstModel,
            axes = new object[]
            {
                new { option_group_code = "size", option_codes = new[] { "s", "m", "l" } },
                new { option_group_code = "colour", option_codes = new[] { "red" } },
                new { option_group_code = "fit", option_codes = new[] { "regular", "slim" } },
            },
        });
        await owner.Client.Post("/pvm/style/ogm/set", new { style_code = "tee", ogm_guid = clone.GetProperty("ogm_guid").GetString(), expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "reference_not_active");
        await owner.Client.Post("/pvm/ogm/status", new { ogm_guid = clone.GetProperty("ogm_guid").GetString(), status = "active", expected_revision = 1 }, orgcode).Ok();

        var moved = await owner.Client.Post("/pvm/style/ogm/set", new { style_code = "tee", ogm_code = "apparel", ogm_revision = 2, expected_revision = 2 }, orgcode).Ok();
        Assert.Equal(clone.GetProperty("ogm_guid").GetString(), moved.GetProperty("ogm_guid").GetString());
        var stale = await owner.Client.Post("/pvm/variant/stale/list", new { style_code = "tee" }, orgcode).Ok();
        Assert.Equal(["tee-m-red", "tee-l-blue"], stale.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("variant_code").GetString()));
        Assert.All(stale.GetProperty("items").EnumerateArray(), v => Assert.True(v.GetProperty("stale").GetBoolean()));
        // The old model is free now.
        await owner.Client.Post("/pvm/ogm/status", new { ogm_guid = firstModel, status = "retired", expected_revision = 2 }, orgcode).Ok();

        // A new axis needs a value; the old values carry over by group.
        var needsFit = await owner.Client.Post("/pvm/variant/recreate",
            new { variant_guid = oldGuid, variant_code = "tee-m-red-regular", expected_revision = 2 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "option_not_allowed");
        Assert.Equal("options", needsFit.GetProperty("field").GetString());
        var recreated = await owner.Create(orgcode, "/pvm/variant/recreate", new
        {
            variant_guid = oldGuid,
            variant_code = "tee-m-red-regular",
            options = new[] { new { option_group_code = "fit", option_code = "regular" } },
            expected_revision = 2,
        });
        var replacement = recreated.GetProperty("variant");
        var newGuid = replacement.GetProperty("variant_guid").GetString()!;
        Assert.Equal(oldGuid, replacement.GetProperty("replaces_guid").GetString());
        Assert.Equal("active", replacement.GetProperty("status").GetString());
        Assert.False(replacement.GetProperty("stale").GetBoolean());
        Assert.Equal(["m", "red", "regular"], replacement.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("option_code").GetString()));
        Assert.Equal(new[] { gtin, "INT-77" }.Order(StringComparer.Ordinal),
            recreated.GetProperty("moved_barcodes").EnumerateArray().Select(b => b.GetString()!).Order(StringComparer.Ordinal));

        var retired = await owner.Client.Post("/pvm/variant/get", new { variant_guid = oldGuid }, orgcode).Ok();
        Assert.Equal("retired", retired.GetProperty("status").GetString());
        Assert.Equal(newGuid, retired.GetProperty("replaced_by_guid").GetString());
        Assert.False(retired.GetProperty("stale").GetBoolean());

        var barcode = await host.ReadAsync<Barcode>(orgcode, gtin);
        Assert.Equal(newGuid, barcode!.VariantGuid);
        Assert.True(barcode.Primary);
        Assert.Equal(newGuid, (await host.ReadAsync<Barcode>(orgcode, "INT-77"))!.VariantGuid);
        Assert.Equal(newGuid, (await host.ReadAsync<Identifier>(orgcode, Identifier.KeyOf("sku", "TEE-M-RED")))!.VariantGuid);
        Assert.Equal(newGuid, (await host.ReadAsync<Alias>(orgcode, Alias.KeyOf("supplier_sku", "ACME-123")))!.VariantGuid);

        // History shows the move on both sides: the barcode's owner changed, the old variant retired with its replacement named.
        var barcodeHistory = await host.HistoryAsync<Barcode>(orgcode, gtin);
        Assert.Equal([oldGuid, newGuid], barcodeHistory.Select(h => h.Record.GetProperty("variant_guid").GetString()));
        Assert.Contains("variant_guid", barcodeHistory[^1].Changed);
        var oldHistory = await host.HistoryAsync<Retail.Pvm.Catalog.Variant>(orgcode, oldGuid);
        Assert.Contains(oldHistory, h => h.Changed.Contains("replaced_by_guid"));

        var left = await owner.Client.Post("/pvm/variant/stale/list", new { style_code = "tee" }, orgcode).Ok();
        Assert.Equal(["tee-l-blue"], left.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("variant_code").GetString()));
        await owner.Client.Post("/pvm/variant/recreate", new { variant_guid = oldGuid, variant_code = "again", expected_revision = 3 }, orgcode)
            .Problem(HttpStatusCode.Conflict, "invalid_transition");
        // Blue is not a colour of the new model: it must be given.
        var blue = await owner.Client.Post("/pvm/variant/recreate", new
        {
            stale_variant_code = "tee-l-blue",
            variant_code = "tee-l-red-slim",
            options = new[] { new { option_group_code = "fit", option_code = "slim" } },
            expected_revision = 2,
        }, orgcode).Problem(HttpStatusCode.UnprocessableEntity, "option_not_allowed");
        Assert.Contains("colour", blue.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_variant_on_the_current_model_is_not_recreated_and_variants_made_after_the_move_are_not_stale()
    {
        var (orgcode, owner) = await host.NewOrgAsync();
        var style = await owner.ActiveCatalogStyle(orgcode);
        var current = await owner.Create(orgcode, "/pvm/variant", VariantSteps.Body("tee-m-red", "m", "red"));
        await owner.Client.Post("/pvm/variant/recreate",
            new { variant_guid = current.GetProperty("variant_guid").GetString(), variant_code = "tee-m-red-2", expected_revision = 1 }, orgcode)
            .Problem(HttpStatusCode.UnprocessableEntity, "variant_not_stale");

        var clone = await owner.Create(orgcode, "/pvm/ogm/clone", new { ogm_guid = style.GetProperty("ogm_guid").GetString() });
        await owner.Client.Post("/pvm/ogm/status", new { ogm_guid = clone.GetProperty("ogm_guid").GetString(), status = "active", expected_revision = 1 }, orgcode).Ok();
        await owner.Client.Post("/pvm/style/ogm/set", new { style_code = "tee", ogm_guid = clone.GetProperty("ogm_guid").GetString() }, orgcode)
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        await owner.Client.Post("/pvm/style/ogm/set", new { style_code = "tee", ogm_guid = clone.GetProperty("ogm_guid").GetString(), expected_revision = 2 }, orgcode).Ok();
        // The same combination on the new model is another variant.
        var fresh = await owner.Create(orgcode, "/pvm/variant", VariantSteps.Body("tee-m-red-v2", "m", "red"));
        Assert.False(fresh.GetProperty("stale").GetBoolean());
        var stale = await owner.Client.Post("/pvm/variant/stale/list", new { style_code = "tee" }, orgcode).Ok();
        Assert.Equal(["tee-m-red"], stale.GetProperty("items").EnumerateArray().Select(v => v.GetProperty("variant_code").GetString()));
        var staleVariant = await owner.Client.Post("/pvm/variant/get", new { variant_code = "tee-m-red" }, orgcode).Ok();
        Assert.Equal(2, staleVariant.GetProperty("revision").GetInt64());
    }
}

internal static class RecreateSteps
{
    /// <summary>An alias of a variant, written through PVM's record store (aliases have their own endpoints in another area).</summary>
    public static async Task AddAliasAsync(this PvmHost host, string orgcode, string tag, string value, string variantGuid)
    {
        using var scope = host.Factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<RecordStore<Alias>>();
        var write = await store.CreateAsync(orgcode, new Alias { Tag = tag, Value = value, VariantGuid = variantGuid });
        Assert.True(write.Succeeded);
    }

    public static async Task<IReadOnlyList<HistoryEntry>> HistoryAsync<T>(this PvmHost host, string orgcode, string key) where T : Retail.Shared.Records.Record
    {
        using var scope = host.Factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<RecordStore<T>>();
        return (await store.HistoryAsync(orgcode, key)).Items;
    }
}
