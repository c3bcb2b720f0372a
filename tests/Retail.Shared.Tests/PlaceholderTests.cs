namespace Retail.Shared.Tests;

public sealed class JsonConventionTests
{
    [Fact]
    public void unknown_fields_are_refused_by_the_api_options()
    {
        Assert.Throws<System.Text.Json.JsonException>(() =>
            System.Text.Json.JsonSerializer.Deserialize<Sample>("""{"first_name":"a","typo":1}""", Retail.Shared.Json.RetailJson.Api));
    }

    private sealed record Sample(string FirstName);
}
