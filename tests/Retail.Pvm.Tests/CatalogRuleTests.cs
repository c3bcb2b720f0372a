using Retail.Pvm.Catalog;
using Retail.Pvm.Identifiers;
using Retail.Pvm.Options;

namespace Retail.Pvm.Tests;

public sealed class StyleRuleTests
{
    private static ReferenceState Ok(string field, string label) => new(field, label, Exists: true, Usable: true, "active");

    private static StyleReferenceState AllFine() => new(
        Ok("brand_code", "brand 'northwind'"),
        Ok("primary_vendor_code", "primary vendor 'acme'"),
        Ok("primary_manufacturer_code", "primary manufacturer 'mill'"),
        Ok("category_code", "category 'shirts'"),
        null,
        Ok("ogm_guid", "ogm 1"),
        VendorLinked: true,
        ManufacturerLinked: true);

    [Fact]
    public void a_style_whose_references_all_hold_passes() => Assert.Null(StyleRules.Check(AllFine()));

    [Fact]
    public void a_pending_vendor_is_named_as_not_active()
    {
        var problem = StyleRules.Check(AllFine() with { Vendor = new("primary_vendor_code", "primary vendor 'newco'", true, false, "pending") });
        Assert.Equal(new ReferenceProblem("reference_not_active", "primary_vendor_code", "The primary vendor 'newco' is pending, not active."), problem);
    }

    [Fact]
    public void a_missing_reference_comes_before_an_inactive_later_one_and_before_links()
    {
        var state = AllFine() with
        {
            Category = new("category_code", "category 'hats'", false, false, null),
            Ogm = new("ogm_guid", "ogm 1", true, false, "draft"),
            VendorLinked = false,
        };
        Assert.Equal(("unknown_reference", "category_code"), Summary(StyleRules.Check(state)));
    }

    [Fact]
    public void an_unlinked_primary_is_named_once_every_reference_is_usable()
    {
        Assert.Equal(("brand_link_missing", "primary_manufacturer_code"), Summary(StyleRules.Check(AllFine() with { ManufacturerLinked = false })));
        Assert.Equal(("brand_link_missing", "primary_vendor_code"),
            Summary(StyleRules.Check(AllFine() with { VendorLinked = false, ManufacturerLinked = false })));
    }

    [Fact]
    public void a_named_season_must_exist_and_an_unnamed_one_is_not_checked()
    {
        Assert.Equal(("unknown_reference", "season_code"),
            Summary(StyleRules.Check(AllFine() with { Season = new("season_code", "season 'ss27'", false, false, null) })));
        Assert.Null(StyleRules.Check(AllFine() with { Season = null }));
    }

    private static (string, string)? Summary(ReferenceProblem? problem) => problem is null ? null : (problem.Code, problem.Field);
}

public sealed class VariantOptionTests
{
    private static readonly Ogm Apparel = new()
    {
        OgmGuid = "ogm-1",
        OgmCode = "apparel",
        OgmRevision = 1,
        Name = "Apparel",
        Status = OgmStatus.Active,
        Axes = [new("g-size", "size", ["s", "m", "l"]), new("g-colour", "colour", ["red", "blue"])],
    };

    private static readonly Ogm WithFit = Apparel with
    {
        OgmGuid = "ogm-2",
        OgmRevision = 2,
        Axes = [new("g-size", "size", ["s", "m", "l"]), new("g-colour", "colour", ["red"]), new("g-fit", "fit", ["regular", "slim"])],
    };

    [Fact]
    public void options_in_any_order_and_case_are_stored_in_axis_order()
    {
        var (options, misfit) = VariantOptions.Fit(Apparel, [new("Colour", "BLUE"), new("size", " m ")]);
        Assert.Null(misfit);
        Assert.Equal([new VariantOption("size", "m"), new VariantOption("colour", "blue")], options);
    }

    [Fact]
    public void a_value_the_axis_does_not_allow_is_named_by_its_place_in_the_request()
    {
        var (_, misfit) = VariantOptions.Fit(Apparel, [new("size", "m"), new("colour", "green")]);
        Assert.Equal("options[1].option_code", misfit!.Field);
    }

    [Fact]
    public void an_axis_left_out_or_a_group_the_model_lacks_is_refused()
    {
        Assert.Equal("options", VariantOptions.Fit(Apparel, [new("size", "m")]).Misfit!.Field);
        Assert.Equal("options[0].option_group_code", VariantOptions.Fit(Apparel, [new("fit", "slim"), new("size", "m"), new("colour", "red")]).Misfit!.Field);
    }

    [Fact]
    public void the_same_combination_makes_the_same_unique_value_and_another_model_another()
    {
        var options = VariantOptions.Fit(Apparel, [new("colour", "red"), new("size", "s")]).Options!;
        Assert.Equal("style-1|ogm-1|size=s;colour=red", Variant.CombinationOf("style-1", "ogm-1", options));
        Assert.NotEqual(Variant.CombinationOf("style-1", "ogm-1", options), Variant.CombinationOf("style-1", "ogm-2", options));
    }

    [Fact]
    public void recreate_carries_old_values_by_group_and_takes_the_new_axis_from_the_request()
    {
        var (options, misfit) = VariantOptions.Carry(WithFit, [new("size", "m"), new("colour", "red")], [new("fit", "slim")]);
        Assert.Null(misfit);
        Assert.Equal([new VariantOption("size", "m"), new VariantOption("colour", "red"), new VariantOption("fit", "slim")], options);
    }

    [Fact]
    public void recreate_asks_for_a_new_axis_and_for_an_old_value_the_new_model_does_not_allow()
    {
        var noFit = VariantOptions.Carry(WithFit, [new("size", "m"), new("colour", "red")], []).Misfit!;
        Assert.Equal("options", noFit.Field);
        Assert.Contains("fit", noFit.Detail);

        var blue = VariantOptions.Carry(WithFit, [new("size", "m"), new("colour", "blue")], [new("fit", "slim")]).Misfit!;
        Assert.Equal("options", blue.Field);
        Assert.Contains("colour", blue.Detail);

        var given = VariantOptions.Carry(WithFit, [new("size", "m"), new("colour", "blue")], [new("fit", "slim"), new("colour", "red")]);
        Assert.Null(given.Misfit);
        Assert.Equal("red", given.Options![1].OptionCode);
    }

    [Fact]
    public void a_value_given_for_recreate_that_the_model_does_not_allow_is_named_by_its_place()
    {
        var misfit = VariantOptions.Carry(WithFit, [new("size", "m"), new("colour", "red")], [new("fit", "baggy")]).Misfit!;
        Assert.Equal("options[0].option_code", misfit.Field);
    }
}

public sealed class VariantBarcodeTests
{
    [Theory]
    [InlineData("96385074", null, BarcodeSymbology.Gtin8)]
    [InlineData("036000291452", null, BarcodeSymbology.Gtin12)]
    [InlineData("4006381333931", null, BarcodeSymbology.Gtin13)]
    [InlineData("10012345678902", null, BarcodeSymbology.Gtin14)]
    [InlineData("INT-1", null, BarcodeSymbology.Internal)]
    [InlineData("12345", BarcodeSymbology.Internal, BarcodeSymbology.Internal)]
    public void the_symbology_is_the_one_given_or_inferred_from_the_digits(string value, BarcodeSymbology? given, BarcodeSymbology expected)
    {
        var request = new BarcodeRequest(value, given, null);
        Assert.Equal(expected, VariantParts.SymbologyOf(request));
        Assert.Null(VariantParts.ProblemOf(request));
    }

    [Theory]
    [InlineData("4006381333932", "wrong check digit 2: it should be 1")]
    [InlineData("12345", "give symbology internal")]
    [InlineData("123456789012345", "give symbology internal")]
    public void a_wrong_check_digit_or_a_length_no_gtin_has_is_refused(string value, string message) =>
        Assert.Contains(message, VariantParts.ProblemOf(new BarcodeRequest(value, null, null)));

    [Fact]
    public void a_gtin_13_given_as_gtin_8_is_refused_by_its_length() =>
        Assert.Contains("8 digits", VariantParts.ProblemOf(new BarcodeRequest("4006381333931", BarcodeSymbology.Gtin8, null)));

    [Fact]
    public void the_barcode_marked_primary_is_primary_and_otherwise_the_first()
    {
        var marked = VariantParts.Barcodes("v1", [new("96385074", null, null), new("4006381333931", null, true)]);
        Assert.Equal([false, true], marked.Select(b => b.Primary));
        var unmarked = VariantParts.Barcodes("v1", [new("96385074", null, null), new("4006381333931", null, false)]);
        Assert.Equal([true, false], unmarked.Select(b => b.Primary));
        Assert.All(unmarked, b => Assert.Equal("v1", b.VariantGuid));
        Assert.Empty(VariantParts.Barcodes("v1", null));
    }
}
