using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Uas;

public sealed class UasFailureTests(UasHost host) : IClassFixture<UasHost>
{
    private HttpClient Anonymous => host.Anonymous;

    private HttpClient Operator => host.Operator;

    [Fact]
    public async Task UC_UAS_001_a_second_account_for_the_same_address_in_another_case_is_a_duplicate()
    {
        var email = UasSteps.NewEmail();
        await Anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        await Anonymous.CreateUser(" " + email.ToUpperInvariant()).Problem(HttpStatusCode.Conflict, "duplicate");
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("")]
    [InlineData("a b@example.com")]
    public async Task UC_UAS_001_a_malformed_email_is_refused(string email)
    {
        var problem = await Anonymous.CreateUser(email).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task UC_UAS_001_an_email_longer_than_254_characters_is_refused() =>
        await Anonymous.CreateUser(new string('a', 64) + "@" + new string('b', 190) + ".example.com")
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

    [Fact]
    public async Task UC_UAS_001_an_unknown_field_is_refused() =>
        await Anonymous.PostJsonAsync("/uas/user/create", new { email = UasSteps.NewEmail(), emial = "typo" })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

    [Fact]
    public async Task UC_UAS_001_a_wrong_verification_token_is_refused_and_the_right_one_still_works()
    {
        var email = UasSteps.NewEmail();
        await Anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        var problem = await Anonymous.Verify(email, "wrong-token-value").Problem(HttpStatusCode.UnprocessableEntity, "invalid_token");
        Assert.DoesNotContain("wrong-token-value", problem.ToString(), StringComparison.Ordinal);
        await Anonymous.Verify(email, host.Mailbox.LatestTokenFor(email)).Ok();
    }

    [Fact]
    public async Task UC_UAS_001_a_verification_token_works_only_once()
    {
        var email = UasSteps.NewEmail();
        await Anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        var token = host.Mailbox.LatestTokenFor(email);
        await Anonymous.Verify(email, token).Ok();
        await Anonymous.Verify(email, token).Problem(HttpStatusCode.UnprocessableEntity, "invalid_token");
    }

    [Fact]
    public async Task UC_UAS_001_a_token_for_an_unknown_address_is_refused_like_a_wrong_one() =>
        await Anonymous.Verify(UasSteps.NewEmail("nobody"), "some-token").Problem(HttpStatusCode.UnprocessableEntity, "invalid_token");

    [Fact]
    public async Task UC_UAS_001_the_passcode_token_works_only_once()
    {
        var email = UasSteps.NewEmail();
        var (_, passcodeToken) = await host.SignUpAndVerify(email);
        await Anonymous.SetPasscodeWithToken(email, UasSteps.FirstPasscode, passcodeToken).Ok();
        await Anonymous.SetPasscodeWithToken(email, UasSteps.SecondPasscode, passcodeToken).Problem(HttpStatusCode.UnprocessableEntity, "invalid_token");
    }

    [Theory]
    [InlineData("short-1")]
    [InlineData("passwordpassword")]
    [InlineData("qwertyuiopasdf")]
    public async Task UC_UAS_001_a_weak_passcode_is_refused_without_being_echoed(string passcode)
    {
        var email = UasSteps.NewEmail();
        var (_, passcodeToken) = await host.SignUpAndVerify(email);
        var problem = await Anonymous.SetPasscodeWithToken(email, passcode, passcodeToken).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("passcode", out _));
        Assert.DoesNotContain(passcode, problem.ToString(), StringComparison.OrdinalIgnoreCase);
        // A refused passcode does not spend the token.
        await Anonymous.SetPasscodeWithToken(email, UasSteps.FirstPasscode, passcodeToken).Ok();
    }

    [Fact]
    public async Task UC_UAS_001_a_passcode_containing_the_email_name_is_refused()
    {
        var email = UasSteps.NewEmail();
        var (_, passcodeToken) = await host.SignUpAndVerify(email);
        var local = email[..email.IndexOf('@', StringComparison.Ordinal)];
        await Anonymous.SetPasscodeWithToken(email, local + "-x", passcodeToken).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task UC_UAS_001_a_passcode_set_needs_exactly_one_of_token_and_current_passcode() =>
        await Anonymous.PostJsonAsync("/uas/passcode/set", new { email = UasSteps.NewEmail(), passcode = UasSteps.FirstPasscode })
            .Problem(HttpStatusCode.BadRequest, "validation_failed");

    [Fact]
    public async Task UC_UAS_003_a_wrong_current_passcode_is_refused()
    {
        var email = UasSteps.NewEmail();
        await host.Onboard(email);
        await Anonymous.ChangePasscode(email, "not-the-current-passcode", UasSteps.SecondPasscode)
            .Problem(HttpStatusCode.UnprocessableEntity, "invalid_credentials");
        await Anonymous.ChangePasscode(UasSteps.NewEmail("nobody"), "not-the-current-passcode", UasSteps.SecondPasscode)
            .Problem(HttpStatusCode.UnprocessableEntity, "invalid_credentials");
    }

    [Fact]
    public async Task UC_UAS_003_repeated_wrong_current_passcodes_make_further_attempts_wait()
    {
        var email = UasSteps.NewEmail();
        await host.Onboard(email);
        for (var i = 0; i < 5; i++)
        {
            await Anonymous.ChangePasscode(email, $"wrong-guess-number-{i}", UasSteps.SecondPasscode)
                .Problem(HttpStatusCode.UnprocessableEntity, "invalid_credentials");
        }
        using var blocked = await Anonymous.ChangePasscode(email, UasSteps.FirstPasscode, UasSteps.SecondPasscode);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("rate_limited", await blocked.ProblemCodeAsync());
        Assert.NotNull(blocked.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task UC_UAS_003_concurrent_wrong_current_passcodes_are_counted_before_they_are_checked()
    {
        var email = UasSteps.NewEmail();
        await host.Onboard(email);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var response = await Anonymous.ChangePasscode(email, $"concurrent-guess-{i}", UasSteps.SecondPasscode);
            return response.StatusCode;
        }));
        // Five attempts are allowed in the window, however they race; every other one waits.
        Assert.Equal(5, attempts.Count(s => s == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(7, attempts.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task UC_UAS_003_a_reset_request_answers_the_same_for_known_and_unknown_addresses()
    {
        var email = UasSteps.NewEmail();
        await host.Onboard(email);
        using var known = await Anonymous.PostJsonAsync("/uas/passcode/reset/request", new { email });
        using var unknown = await Anonymous.PostJsonAsync("/uas/passcode/reset/request", new { email = UasSteps.NewEmail("nobody") });
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal((await known.JsonAsync()).ToString(), (await unknown.JsonAsync()).ToString());
    }

    [Fact]
    public async Task UC_UAS_003_a_wrong_reset_token_is_refused() =>
        await Anonymous.PostJsonAsync("/uas/passcode/reset/complete",
            new { email = UasSteps.NewEmail(), token = "made-up", passcode = UasSteps.ThirdPasscode })
            .Problem(HttpStatusCode.UnprocessableEntity, "invalid_token");

    [Fact]
    public async Task UC_UAS_002_resend_right_after_sign_up_is_rate_limited_with_retry_after()
    {
        var email = UasSteps.NewEmail();
        await Anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        using var response = await Anonymous.PostJsonAsync("/uas/user/verification/resend", new { email });
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("rate_limited", await response.ProblemCodeAsync());
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task a_rate_limited_answer_is_not_kept_so_the_same_idempotency_key_works_after_the_wait()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = UasHost.Start(services: s => s.AddSingleton<TimeProvider>(clock));
        using var client = factory.CreateClient();
        var email = UasSteps.NewEmail();
        await client.CreateUser(email).Ok(HttpStatusCode.Created);
        var key = HttpJson.Headers(("Idempotency-Key", "resend-1"));

        using var limited = await client.PostJsonAsync("/uas/user/verification/resend", new { email }, key);
        clock.Advance(TimeSpan.FromMinutes(2));
        using var later = await client.PostJsonAsync("/uas/user/verification/resend", new { email }, key);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.False(later.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task UC_UAS_002_resend_answers_an_unknown_address_like_a_known_one()
    {
        var unknown = UasSteps.NewEmail("nobody");
        var answer = await Anonymous.PostJsonAsync("/uas/user/verification/resend", new { email = unknown }).Ok();
        Assert.Equal("accepted", answer.GetProperty("status").GetString());
        Assert.Empty(host.Mailbox.MessagesTo(unknown));
        await Anonymous.PostJsonAsync("/uas/user/verification/resend", new { email = unknown }).Problem(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task UC_UAS_004_an_unverified_user_cannot_add_a_payment_method()
    {
        var created = await Anonymous.CreateUser(UasSteps.NewEmail()).Ok(HttpStatusCode.Created);
        await Operator.AddCard(created.GetProperty("user_guid").GetString()!, "pm_unverified")
            .Problem(HttpStatusCode.UnprocessableEntity, "user_not_verified");
    }

    [Theory]
    [InlineData("4242424242424242", null)]
    [InlineData("pm_4000 0566 5566 5556", null)]
    [InlineData("pm_ok_token", "my card 5555-5555-5555-4444")]
    public async Task UC_UAS_004_a_raw_card_number_is_refused_and_not_echoed(string token, string? label)
    {
        var userGuid = await host.Onboard(UasSteps.NewEmail());
        var problem = await Operator.AddCard(userGuid, token, label: label).Problem(HttpStatusCode.BadRequest, "raw_card_data_refused");
        Assert.DoesNotContain("4242424242424242", problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("5555-5555", problem.ToString(), StringComparison.Ordinal);
        Assert.Empty((await Operator.ListCards(userGuid).Ok()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task UC_UAS_004_the_same_provider_token_cannot_be_added_twice()
    {
        var userGuid = await host.Onboard(UasSteps.NewEmail());
        var token = UasSteps.NewCardToken();
        await Operator.AddCard(userGuid, token).Ok(HttpStatusCode.Created);
        await Operator.AddCard(userGuid, token).Problem(HttpStatusCode.Conflict, "duplicate");
    }

    [Fact]
    public async Task UC_UAS_004_removing_needs_the_current_revision()
    {
        var userGuid = await host.Onboard(UasSteps.NewEmail());
        var added = await Operator.AddCard(userGuid, UasSteps.NewCardToken()).Ok(HttpStatusCode.Created);
        var guid = added.GetProperty("payment_method_guid").GetString();
        await Operator.PostJsonAsync("/uas/payment-method/remove", new { user_guid = userGuid, payment_method_guid = guid })
            .Problem(HttpStatusCode.BadRequest, "expected_revision_required");
        var stale = await Operator.PostJsonAsync("/uas/payment-method/remove", new { user_guid = userGuid, payment_method_guid = guid, expected_revision = 7 })
            .Problem(HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(1, stale.GetProperty("current_revision").GetInt64());
        await Operator.PostJsonAsync("/uas/payment-method/remove", new { user_guid = userGuid, payment_method_guid = guid, expected_revision = 1 }).Ok();
        await Operator.PostJsonAsync("/uas/payment-method/remove", new { user_guid = userGuid, payment_method_guid = guid, expected_revision = 2 })
            .Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_UAS_004_a_payment_method_of_another_user_is_not_found()
    {
        var owner = await host.Onboard(UasSteps.NewEmail());
        var other = await host.Onboard(UasSteps.NewEmail("other"));
        var added = await Operator.AddCard(owner, UasSteps.NewCardToken()).Ok(HttpStatusCode.Created);
        await Operator.PostJsonAsync("/uas/payment-method/priority/set",
                new { user_guid = other, payment_method_guid = added.GetProperty("payment_method_guid").GetString(), expected_revision = 1 })
            .Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_UAS_004_payment_methods_and_user_reads_need_credentials()
    {
        await Anonymous.ListCards(Guid.NewGuid().ToString()).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        await Anonymous.PostJsonAsync("/uas/user/get", new { email = UasSteps.NewEmail() }).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        await Operator.PostJsonAsync("/uas/user/get", new { email = UasSteps.NewEmail("nobody") }).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task UC_UAS_001_a_retried_sign_up_with_the_same_idempotency_key_replays_the_first_answer()
    {
        var email = UasSteps.NewEmail();
        var key = HttpJson.Headers(("Idempotency-Key", Guid.NewGuid().ToString()));
        using var first = await Anonymous.PostJsonAsync("/uas/user/create", new { email }, key);
        using var again = await Anonymous.PostJsonAsync("/uas/user/create", new { email }, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.True(again.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.Equal((await first.JsonAsync()).GetProperty("user_guid").GetString(), (await again.JsonAsync()).GetProperty("user_guid").GetString());
        Assert.Single(host.Mailbox.MessagesTo(email));
    }
}
