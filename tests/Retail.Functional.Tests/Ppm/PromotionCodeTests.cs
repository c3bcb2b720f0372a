using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Ppm;

/// <summary>A promotion's buyer code (Influencer's campaign codes): it applies only when resolve presents the code; the code is unique while active.</summary>
public sealed class PromotionCodeTests(PpmHost host) : IClassFixture<PpmHost>
{
    [Fact]
    public async Task a_coded_promotion_applies_only_to_carts_presenting_its_code_and_its_code_is_free_again_once_it_ended()
    {
        var org = await host.NewOrgAsync();
        await org.List("retail");
        await org.Assign("web", "retail", 1);
        await org.Price(org.Variants[0], "retail", 10000);
        await org.KnowsVariants("web");
        var coded = await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("ada-promo", b => { b["percent"] = 10; b["code"] = "ADA10"; }))
            .Ok(HttpStatusCode.Created);
        Assert.Equal("ada10", coded.GetProperty("code").GetString());

        async Task<long> Extended(object? codes) =>
            (await org.ResolveCall(new { channel_code = "web", lines = new[] { ResolveSteps.Line(org.Variants[0]) }, codes }).Ok())
                .LineOf(0).GetProperty("extended_minor").GetInt64();
        Assert.Equal(10000, await Extended(null));
        Assert.Equal(10000, await Extended(new[] { "other" }));
        Assert.Equal(9000, await Extended(new[] { "Ada10" }));
        await org.ResolveCall(new { channel_code = "web", lines = new[] { ResolveSteps.Line(org.Variants[0]) }, codes = new[] { "no good!" } })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

        var taken = await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("other-promo", b => b["code"] = "ada10"))
            .Problem(HttpStatusCode.Conflict, "duplicate");
        Assert.Equal("code", taken.GetProperty("field").GetString());

        await org.Post("/ppm/promotion/end", new { promotion_guid = coded.Guid(), expected_revision = coded.GetProperty("revision").GetInt64() }).Ok();
        Assert.Equal(10000, await Extended(new[] { "ada10" }));
        await org.Post("/ppm/promotion/create", PromotionSteps.PercentOff("other-promo", b => b["code"] = "ada10")).Ok(HttpStatusCode.Created);
    }
}
