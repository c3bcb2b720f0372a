using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Uas;

public sealed class UasUseCaseTests(UasHost host) : IClassFixture<UasHost>
{
    [Fact]
    public async Task UC_UAS_001_owner_onboards_verifies_and_sets_a_passcode()
    {
        var email = UasSteps.NewEmail();
        var created = await host.Anonymous.CreateUser("  " + email.ToUpperInvariant() + " ").Ok(HttpStatusCode.Created);
        Assert.Equal(email, created.GetProperty("email").GetString());
        Assert.Equal("pending_verification", created.GetProperty("status").GetString());
        Assert.Equal(1, created.GetProperty("revision").GetInt64());
        var token = host.Mailbox.LatestTokenFor(email);
        Assert.DoesNotContain(token, created.ToString(), StringComparison.Ordinal);

        var verified = await host.Anonymous.Verify(email, token).Ok();
        Assert.Equal("verified", verified.GetProperty("user").GetProperty("status").GetString());
        var passcodeToken = verified.GetProperty("passcode_token").GetString()!;
        Assert.True(passcodeToken.Length >= 22);

        var set = await host.Anonymous.SetPasscodeWithToken(email, UasSteps.FirstPasscode, passcodeToken).Ok();
        Assert.True(set.GetProperty("has_passcode").GetBoolean());
        Assert.DoesNotContain(UasSteps.FirstPasscode, set.ToString(), StringComparison.Ordinal);

        var byEmail = await host.Operator.PostJsonAsync("/uas/user/get", new { email }).Ok();
        var byGuid = await host.Operator.PostJsonAsync("/uas/user/get", new { user_guid = created.GetProperty("user_guid").GetString() }).Ok();
        Assert.Equal(byEmail.ToString(), byGuid.ToString());
        Assert.Equal("verified", byGuid.GetProperty("status").GetString());
        Assert.True(byGuid.GetProperty("has_passcode").GetBoolean());
        Assert.Equal(3, byGuid.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task UC_UAS_002_an_expired_verification_token_is_refused_and_a_resent_one_verifies()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = UasHost.Start(services: s => s.AddSingleton<TimeProvider>(clock));
        using var client = factory.CreateClient();
        var email = UasSteps.NewEmail();
        await client.CreateUser(email).Ok(HttpStatusCode.Created);
        var first = factory.Mailbox.LatestTokenFor(email);

        clock.Advance(TimeSpan.FromHours(25));
        await client.Verify(email, first).Problem(HttpStatusCode.UnprocessableEntity, "token_expired");

        var resent = await client.PostJsonAsync("/uas/user/verification/resend", new { email }).Ok();
        Assert.Equal("accepted", resent.GetProperty("status").GetString());
        var second = factory.Mailbox.LatestTokenFor(email);
        Assert.NotEqual(first, second);

        await client.Verify(email, first).Problem(HttpStatusCode.UnprocessableEntity, "invalid_token");
        var verified = await client.Verify(email, second).Ok();
        Assert.Equal("verified", verified.GetProperty("user").GetProperty("status").GetString());
    }

    [Fact]
    public async Task UC_UAS_003_a_passcode_reset_completes_and_recent_passcodes_are_refused()
    {
        var email = UasSteps.NewEmail();
        await host.Onboard(email, UasSteps.FirstPasscode);
        await host.Anonymous.ChangePasscode(email, UasSteps.FirstPasscode, UasSteps.SecondPasscode).Ok();

        var requested = await host.Anonymous.PostJsonAsync("/uas/passcode/reset/request", new { email }).Ok();
        Assert.Equal("accepted", requested.GetProperty("status").GetString());
        var resetToken = host.Mailbox.LatestTokenFor(email);

        var reused = await host.Anonymous.PostJsonAsync("/uas/passcode/reset/complete",
            new { email, token = resetToken, passcode = UasSteps.FirstPasscode }).Problem(HttpStatusCode.UnprocessableEntity, "passcode_reused");
        Assert.DoesNotContain(UasSteps.FirstPasscode, reused.ToString(), StringComparison.Ordinal);

        await host.Anonymous.PostJsonAsync("/uas/passcode/reset/complete",
            new { email, token = resetToken, passcode = UasSteps.ThirdPasscode }).Ok();
        await host.Anonymous.PostJsonAsync("/uas/passcode/reset/complete",
            new { email, token = resetToken, passcode = "another-fresh-97-passcode" }).Problem(HttpStatusCode.UnprocessableEntity, "invalid_token");

        await host.Anonymous.ChangePasscode(email, UasSteps.SecondPasscode, "yet-another-63-passcode")
            .Problem(HttpStatusCode.UnprocessableEntity, "invalid_credentials");
        await host.Anonymous.ChangePasscode(email, UasSteps.ThirdPasscode, UasSteps.SecondPasscode)
            .Problem(HttpStatusCode.UnprocessableEntity, "passcode_reused");
        await host.Anonymous.ChangePasscode(email, UasSteps.ThirdPasscode, "yet-another-63-passcode").Ok();
    }

    [Fact]
    public async Task UC_UAS_004_payment_methods_are_added_switched_to_primary_and_removed()
    {
        var userGuid = await host.Onboard(UasSteps.NewEmail());
        var first = await host.Operator.AddCard(userGuid, UasSteps.NewCardToken(), "4242", "Personal").Ok(HttpStatusCode.Created);
        var second = await host.Operator.AddCard(userGuid, UasSteps.NewCardToken(), "1881").Ok(HttpStatusCode.Created);
        Assert.True(first.GetProperty("is_primary").GetBoolean());
        Assert.False(second.GetProperty("is_primary").GetBoolean());

        var list = await host.Operator.ListCards(userGuid).Ok();
        Assert.Equal([true, false], Items(list).Select(i => i.GetProperty("is_primary").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, list.GetProperty("next_token").ValueKind);

        var secondGuid = second.GetProperty("payment_method_guid").GetString();
        var switched = await host.Operator.PostJsonAsync("/uas/payment-method/priority/set",
            new { user_guid = userGuid, payment_method_guid = secondGuid, expected_revision = 1 }).Ok();
        Assert.True(switched.GetProperty("is_primary").GetBoolean());
        Assert.Equal(2, switched.GetProperty("revision").GetInt64());
        list = await host.Operator.ListCards(userGuid).Ok();
        Assert.Equal([secondGuid], Items(list).Where(i => i.GetProperty("is_primary").GetBoolean()).Select(i => i.GetProperty("payment_method_guid").GetString()));

        await host.Operator.PostJsonAsync("/uas/payment-method/remove",
            new { user_guid = userGuid, payment_method_guid = secondGuid, expected_revision = 2 }).Ok();
        list = await host.Operator.ListCards(userGuid).Ok();
        var remaining = Assert.Single(Items(list));
        Assert.Equal(first.GetProperty("payment_method_guid").GetString(), remaining.GetProperty("payment_method_guid").GetString());
        Assert.True(remaining.GetProperty("is_primary").GetBoolean());

        var withDoomed = await host.Operator.ListCards(userGuid, includeDoomed: true).Ok();
        Assert.Equal(2, Items(withDoomed).Count);
    }

    [Fact]
    public async Task UC_UAS_005_stat_with_valid_credentials_returns_health()
    {
        using var response = await host.Operator.GetAsync(new Uri("/uas/stat", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stat = await response.JsonAsync();
        Assert.Equal("uas", stat.GetProperty("service").GetString());
        Assert.Equal("ok", stat.GetProperty("status").GetString());
        Assert.Equal("operator", stat.GetProperty("caller").GetProperty("kind").GetString());
        Assert.Contains(stat.GetProperty("dependencies").EnumerateArray(), d => d.GetProperty("status").GetString() == "healthy");
    }

    private static List<JsonElement> Items(JsonElement list) => list.GetProperty("items").EnumerateArray().ToList();
}
