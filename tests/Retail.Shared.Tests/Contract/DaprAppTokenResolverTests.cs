using Microsoft.AspNetCore.Http;
using Retail.Shared.Contract;

namespace Retail.Shared.Tests.Contract;

public sealed class DaprAppTokenResolverTests
{
    private static DefaultHttpContext Request(params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            http.Request.Headers[name] = value;
        }
        return http;
    }

    [Fact]
    public async Task the_sidecars_app_token_authenticates_the_calling_app_as_a_service()
    {
        var result = await new DaprAppTokenResolver("s3cret").ResolveAsync(
            Request(("dapr-api-token", "s3cret"), ("dapr-caller-app-id", "scm")), CancellationToken.None);

        Assert.Equal(CredentialOutcome.Authenticated, result.Outcome);
        Assert.Equal("service:scm", result.Principal!.Id);
        Assert.True(result.Principal.IsService);
    }

    [Theory]
    [InlineData("s3cret", "wrong")]
    [InlineData(null, "anything")]
    [InlineData("", "")]
    public async Task a_wrong_token_or_no_configured_token_is_rejected(string? configured, string presented)
    {
        var result = await new DaprAppTokenResolver(configured).ResolveAsync(Request(("dapr-api-token", presented)), CancellationToken.None);

        Assert.Equal(CredentialOutcome.Rejected, result.Outcome);
    }

    [Fact]
    public async Task a_request_without_the_header_is_left_to_other_resolvers()
    {
        var result = await new DaprAppTokenResolver("s3cret").ResolveAsync(Request(), CancellationToken.None);

        Assert.Equal(CredentialOutcome.NotMine, result.Outcome);
    }
}
