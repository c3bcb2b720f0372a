using Retail.Crm.Customers;

namespace Retail.Crm.Tests;

public sealed class CustomerTypeTests
{
    [Fact]
    public void A_live_customer_holds_its_email_and_phone_and_a_merged_one_releases_them()
    {
        var live = new Customer { CustomerGuid = "c1", Email = "ada@example.com", Phone = "+4930123456", CreatedBy = "u" };
        Assert.Equal(["email", "phone"], Customer.Type.UniquesOf(live).Select(u => u.Name));
        Assert.Empty(Customer.Type.UniquesOf(live with { Status = CustomerStatus.Merged, MergedInto = "c2" }));
        Assert.Equal(["phone"], Customer.Type.UniquesOf(live with { Email = null }).Select(u => u.Name));
    }
}
