using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Uas;

/// <summary>
/// Stands in for USM until it exists: <c>x-session-guid: test-user:{user_guid}</c> authenticates as that user,
/// so the "a user acts only on themself" rule can be checked over HTTP.
/// </summary>
internal sealed class TestUserSessions : ICredentialResolver
{
    public const string Prefix = "test-user:";

    public ValueTask<CredentialResult> ResolveAsync(HttpContext httpContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(httpContext.Request.Headers.TryGetValue(CredentialHeaders.Session, out var value)
            && value.ToString().StartsWith(Prefix, StringComparison.Ordinal)
                ? CredentialResult.Ok(new Principal(value.ToString()[Prefix.Length..], PrincipalKind.User))
                : CredentialResult.NotMine);
}

public sealed class UserSessionHost : IAsyncLifetime
{
    public UasHost Uas { get; } = new();

    public ValueTask InitializeAsync() => Uas.InitializeAsync(services => services.AddSingleton<ICredentialResolver, TestUserSessions>());

    public ValueTask DisposeAsync() => Uas.DisposeAsync();

    public HttpClient ClientFor(string userGuid)
    {
        var client = Uas.Factory.CreateClient();
        client.DefaultRequestHeaders.Add(CredentialHeaders.Session, TestUserSessions.Prefix + userGuid);
        return client;
    }
}

public sealed class UasSecrecyAndAccessTests(UserSessionHost sessions) : IClassFixture<UserSessionHost>
{
    private UasHost Host => sessions.Uas;

    [Fact]
    public async Task UC_UAS_001_no_passcode_or_token_is_stored_in_the_clear()
    {
        var email = UasSteps.NewEmail();
        await Host.Anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        var verificationToken = Host.Mailbox.LatestTokenFor(email);
        var verified = await Host.Anonymous.Verify(email, verificationToken).Ok();
        var passcodeToken = verified.GetProperty("passcode_token").GetString()!;
        await Host.Anonymous.SetPasscodeWithToken(email, UasSteps.FirstPasscode, passcodeToken).Ok();
        await Host.Anonymous.PostJsonAsync("/uas/passcode/reset/request", new { email }).Ok();
        var resetToken = Host.Mailbox.LatestTokenFor(email);

        var stored = StoredText();
        Assert.Contains(email, stored, StringComparison.Ordinal);
        foreach (var secret in new[] { UasSteps.FirstPasscode, verificationToken, passcodeToken, resetToken })
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UC_UAS_004_a_user_reads_and_manages_only_their_own_account()
    {
        var ada = await Host.Onboard(UasSteps.NewEmail("ada"));
        var bob = await Host.Onboard(UasSteps.NewEmail("bob"));
        using var asAda = sessions.ClientFor(ada);

        var self = await asAda.PostJsonAsync("/uas/user/get", new { user_guid = ada }).Ok();
        Assert.Equal(ada, self.GetProperty("user_guid").GetString());
        await asAda.PostJsonAsync("/uas/user/get", new { user_guid = bob }).Problem(HttpStatusCode.NotFound, "not_found");

        await asAda.AddCard(ada, UasSteps.NewCardToken()).Ok(HttpStatusCode.Created);
        await asAda.AddCard(bob, UasSteps.NewCardToken()).Problem(HttpStatusCode.NotFound, "not_found");
        await asAda.ListCards(bob).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Single((await asAda.ListCards(ada).Ok()).GetProperty("items").EnumerateArray());
    }

    /// <summary>Everything the host keeps on disk except the mailbox (which holds the mailed tokens by design).</summary>
    private string StoredText()
    {
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(Host.Factory.DataDir, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}mailbox{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            text.Append(reader.ReadToEnd());
        }
        return text.ToString();
    }
}
