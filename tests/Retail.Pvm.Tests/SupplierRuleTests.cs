using Retail.Pvm.Brands;
using Retail.Pvm.Suppliers;

namespace Retail.Pvm.Tests;

/// <summary>Supplier fields, lifecycle and brand primaries, as pure rules.</summary>
public sealed class SupplierRuleTests
{
    [Theory]
    [InlineData("+4930123456", true)]
    [InlineData("+351221234567", true)]
    [InlineData("4930123456", false)]
    [InlineData("+04930123456", false)]
    [InlineData("+49 30 123456", false)]
    [InlineData("+1234567890123456", false)]
    public void a_phone_is_an_E164_number(string phone, bool valid) => Assert.Equal(valid, SupplierRules.IsPhone(phone));

    [Theory]
    [InlineData("ada@acme.example", true)]
    [InlineData("not-an-address", false)]
    [InlineData("a@b", false)]
    [InlineData("a b@acme.example", false)]
    public void an_email_is_a_plain_address(string email, bool valid) => Assert.Equal(valid, SupplierRules.IsEmail(email));

    [Fact]
    public void given_terms_change_only_the_fields_they_name()
    {
        var current = new SupplierTerms(21, 30, "EUR", "net 30");
        Assert.Equal(new SupplierTerms(14, 30, "USD", "net 30"), SupplierRules.Merge(current, new SupplierTerms(14, null, " usd ", null)));
    }

    [Fact]
    public void a_supplier_starts_pending_and_a_retired_one_stays_retired()
    {
        var machine = SupplierLifecycle.Machine;
        Assert.True(machine.CanMove(SupplierStatus.Pending, SupplierStatus.Active));
        Assert.False(machine.CanMove(SupplierStatus.Pending, SupplierStatus.Inactive));
        Assert.True(machine.CanMove(SupplierStatus.Inactive, SupplierStatus.Active));
        Assert.Empty(machine.AllowedFrom(SupplierStatus.Retired));
    }

    [Theory]
    [InlineData("DE", "EUR", true)]
    [InlineData("Germany", "EUR", false)]
    [InlineData("DE", "XYZ", false)]
    [InlineData("DE", "euro", false)]
    public void a_vendor_names_an_ISO_country_and_currency(string country, string currency, bool valid)
    {
        var request = new CreateVendorRequest("acme", "Acme", country, null, new SupplierTerms(null, null, currency, null));
        Assert.Equal(valid, new CreateVendorRequestValidator().Validate(request).IsValid);
    }

    [Fact]
    public void a_brand_keeps_one_primary_of_each_kind()
    {
        var brand = new Brand { BrandGuid = "b", BrandCode = "northwind", Name = "Northwind" };
        var withVendor = BrandLinkRules.WithPrimary(brand, SupplierKind.Vendor, "v1");
        Assert.Equal("v1", BrandLinkRules.PrimaryOf(withVendor, SupplierKind.Vendor));
        Assert.Null(BrandLinkRules.PrimaryOf(withVendor, SupplierKind.Manufacturer));
        var link = new BrandLink { BrandGuid = "b", SupplierKind = SupplierKind.Vendor, SupplierGuid = "v2", SupplierCode = "beta" };
        Assert.False(BrandLinkRules.ViewOf(withVendor, link).Primary);
        Assert.True(BrandLinkRules.ViewOf(BrandLinkRules.WithPrimary(withVendor, SupplierKind.Vendor, "v2"), link).Primary);
        Assert.Equal("b:vendor:v2", link.Key);
    }
}
