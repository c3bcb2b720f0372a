using Retail.Ofm.Facilities;

namespace Retail.Ofm.Tests;

/// <summary>A physical facility's time zone is an IANA id the system knows; Windows ids and made-up zones are refused.</summary>
public sealed class FacilityRuleTests
{
    private static readonly CreatePhysicalRequestValidator Create = new();
    private static readonly UpdatePhysicalRequestValidator Update = new();

    private static CreatePhysicalRequest Site(string? timeZone) => new("site-1", "Main street site", null, null, timeZone);

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("UTC")]
    [InlineData(" Asia/Tokyo ")]
    public void an_iana_time_zone_is_accepted(string timeZone) => Assert.True(Create.Validate(Site(timeZone)).IsValid);

    [Theory]
    [InlineData("W. Europe Standard Time")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("+02:00")]
    [InlineData("")]
    [InlineData(null)]
    public void anything_else_is_refused_with_the_reason(string? timeZone)
    {
        var result = Create.Validate(Site(timeZone));
        Assert.False(result.IsValid);
        Assert.All(result.Errors, e => Assert.Equal(nameof(CreatePhysicalRequest.TimeZone), e.PropertyName));
    }

    [Fact]
    public void a_time_zone_id_longer_than_any_real_one_is_refused_without_a_lookup() =>
        Assert.False(Create.Validate(Site("Europe/" + new string('x', 64))).IsValid);

    [Fact]
    public void an_update_may_leave_the_time_zone_out_but_not_set_a_wrong_one()
    {
        Assert.True(Update.Validate(new UpdatePhysicalRequest(null, "site-1", null, null, null, null, 1)).IsValid);
        Assert.False(Update.Validate(new UpdatePhysicalRequest(null, "site-1", null, null, null, "Central Europe Standard Time", 1)).IsValid);
    }
}
