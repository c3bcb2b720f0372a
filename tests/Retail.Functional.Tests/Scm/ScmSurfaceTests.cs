using System.Net;
using Retail.Functional.Tests.Ics;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Scm;

public sealed class ScmSurfaceTests(ScmHost host) : IClassFixture<ScmHost>
{
    [Fact]
    public async Task A_new_org_has_its_stock_at_store_1_and_a_comment_on_an_unknown_order_is_refused()
    {
        var org = await host.NewOrgAsync(stock: 7);
        var stock = await org.Inventory.Stock("store-1", org.Variants[0]);
        Assert.Equal(7, stock.GetProperty("available").GetInt64());
        await org.Post("/scm/comment", new { subject_entity = "order", subject_key = Guid.CreateVersion7().ToString(), body = "Where is it?" })
            .Problem(HttpStatusCode.UnprocessableEntity, "subject_not_found");
    }
}
