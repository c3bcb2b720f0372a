using Retail.Crm.Customers;
using Retail.Crm.Merge;

namespace Retail.Crm.Tests;

public sealed class DedupeMergeRulesTests
{
    private static readonly CustomerAddress Home = new("home", "1 Main St", null, "London", null, "N1 9GU", "GB");
    private static readonly CustomerAddress Work = new("work", "5 High St", "Floor 2", "Leeds", null, "LS1 1AA", "GB");

    [Fact]
    public void The_survivor_keeps_what_it_has_gains_what_it_lacks_and_the_merged_customer_points_at_it()
    {
        var survivor = new Customer
        {
            CustomerGuid = "s", Email = "ada@example.com", GivenName = "Ada", Addresses = [Home], CreatedBy = "u", SearchText = "ada ada@example.com",
            ExternalIds = new Dictionary<string, string> { ["shopify"] = "1" }, Flags = ["vip"],
        };
        var merged = new Customer
        {
            CustomerGuid = "m", Email = "ada.l@example.com", Phone = "+442079460958", GivenName = "Adah", FamilyName = "Lovelace", CreatedBy = "u",
            Addresses = [Home with { Label = "house", Line1 = " 1 main  st", Postcode = "n1-9gu" }, Work], SearchText = "adah lovelace ada.l@example.com",
            ExternalIds = new Dictionary<string, string> { ["shopify"] = "2", ["pos"] = "9" }, Flags = ["vip", "do_not_contact"],
        };
        var now = DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var (next, gone, gained) = MergeRules.Combine(survivor, merged, now);

        Assert.Equal(("ada@example.com", "+442079460958", "Ada", "Lovelace"), (next.Email, next.Phone, next.GivenName, next.FamilyName));
        Assert.Equal([Home, Work], next.Addresses);
        Assert.Equal(new Dictionary<string, string> { ["shopify"] = "1", ["pos"] = "9" }, next.ExternalIds);
        Assert.Equal(["vip", "do_not_contact"], next.Flags);
        Assert.Equal(["phone", "family_name", "addresses", "external_ids", "flags"], gained);
        Assert.Contains("442079460958", next.SearchText!.Split(' '));
        Assert.Equal((CustomerStatus.Merged, "s", now, null), (gone.Status, gone.MergedInto, gone.MergedAt, gone.SearchText));
        Assert.Equal("ada.l@example.com", gone.Email);
        Assert.Empty(Customer.Type.UniquesOf(gone));
        Assert.Equal(["email", "phone"], Customer.Type.UniquesOf(next).Select(u => u.Name));
    }
}
