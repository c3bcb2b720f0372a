using Retail.Pvm.Catalog;
using Retail.Pvm.Links;
using Retail.Pvm.Records;
using Retail.Shared.MasterData;

namespace Retail.Pvm.Tests;

public sealed class PvmRecordsTests
{
    [Fact]
    public void history_and_status_answer_for_every_pvm_entity_and_nothing_else()
    {
        string[] entities =
        [
            "vendor", "manufacturer", "brand", "brand_link", "division", "department", "category", "season", "option_group", "option", "ogm",
            "style", "variant", "identifier", "barcode", "alias", "kit", "variant_link",
        ];
        Assert.Equal(entities.Order(), PvmRecords.Entities.Order());
        Assert.All(entities, e => Assert.True(PvmRecords.IsEntity(e)));
        Assert.False(PvmRecords.IsEntity("comment"));
        Assert.False(PvmRecords.IsEntity("Variant"));
        Assert.False(PvmRecords.IsEntity(null));
    }

    [Fact]
    public void a_records_status_is_its_lifecycle_status_as_the_api_writes_it_or_live_without_one()
    {
        var variant = new Variant
        {
            VariantGuid = "v", VariantCode = "tee-m", StyleGuid = "s", StyleCode = "tee", OgmGuid = "o", Options = [], Status = ProductStatus.Discontinued,
        };
        Assert.Equal("discontinued", PvmRecords.StatusOf(variant));
        var link = new VariantLink { Kind = VariantLinkKind.Alternative, FromVariantGuid = "a", ToVariantGuid = "b", Status = MasterStatus.Inactive };
        Assert.Equal("inactive", PvmRecords.StatusOf(link));
        Assert.Equal("live", PvmRecords.StatusOf(new Kit { KitVariantGuid = "k", KitVariantCode = "box" }));
    }

    [Fact]
    public void a_variant_link_is_keyed_by_its_kind_and_both_variants_so_a_pair_is_linked_once_per_kind()
    {
        Assert.Equal("alternative:a:b", VariantLink.KeyOf(VariantLinkKind.Alternative, "a", "b"));
        Assert.NotEqual(VariantLink.KeyOf(VariantLinkKind.Alternative, "a", "b"), VariantLink.KeyOf(VariantLinkKind.Supplementary, "a", "b"));
        Assert.NotEqual(VariantLink.KeyOf(VariantLinkKind.Alternative, "a", "b"), VariantLink.KeyOf(VariantLinkKind.Alternative, "b", "a"));
    }
}
