using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;

namespace Retail.Functional.Tests.Usm;

/// <summary>The steps a client takes, spelled once so the tests read as use cases.</summary>
internal static class UsmSteps
{
    public const string Passcode = UasSteps.FirstPasscode;

    public static string NewOrg() => "org-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Sign-up → verify → first passcode, through UAS as a client does it; answers the user guid.</summary>
    public static async Task<string> Onboard(this RetailHostFactory factory, HttpClient anonymous, string email)
    {
        var created = await anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        var verified = await anonymous.Verify(email, factory.Mailbox.LatestTokenFor(email)).Ok();
        await anonymous.SetPasscodeWithToken(email, Passcode, verified.GetProperty("passcode_token").GetString()!).Ok();
        return created.GetProperty("user_guid").GetString()!;
    }

    public static Task<HttpResponseMessage> SignIn(this HttpClient client, string email, string passcode = Passcode) =>
        client.PostJsonAsync("/usm/session/create", new { email, passcode });

    /// <summary>Signs in and answers the session secret and its public id.</summary>
    public static async Task<(string Secret, string Id)> NewSession(this HttpClient client, string email)
    {
        var session = await client.SignIn(email).Ok(HttpStatusCode.Created);
        return (session.GetProperty("session_guid").GetString()!, session.GetProperty("session_id").GetString()!);
    }

    public static HttpClient WithSession(this RetailHostFactory factory, string secret)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("x-session-guid", secret);
        return client;
    }

    public static HttpClient WithKey(this RetailHostFactory factory, string key, string? orgcode = null)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", key);
        if (orgcode is not null)
        {
            client.DefaultRequestHeaders.Add("x-orgcode", orgcode);
        }
        return client;
    }

    public static Dictionary<string, string> Org(string orgcode) => HttpJson.Headers(("x-orgcode", orgcode));

    /// <summary>The operator makes a service account in the org, making the org in OFM first when it does not exist yet.</summary>
    public static async Task<JsonElement> CreateAccount(this HttpClient @operator, string orgcode, string role = "admin", string? name = null)
    {
        await @operator.ActiveOrgAsync(orgcode);
        return await @operator.PostJsonAsync("/usm/service_account/create", new { name = name ?? "robot-" + Guid.NewGuid().ToString("N")[..8], role },
            Org(orgcode)).Ok(HttpStatusCode.Created);
    }

    /// <summary>A service account of the org with a fresh key; answers the account guid, the key secret and the key record.</summary>
    public static async Task<(string AccountGuid, string Key, JsonElement Record)> AccountWithKey(this HttpClient @operator, string orgcode,
        string role = "admin")
    {
        var account = await @operator.CreateAccount(orgcode, role);
        var accountGuid = account.GetProperty("service_account_guid").GetString()!;
        var created = await @operator.PostJsonAsync("/usm/api_key/create", new { service_account_guid = accountGuid }, Org(orgcode))
            .Ok(HttpStatusCode.Created);
        return (accountGuid, created.GetProperty("api_key").GetString()!, created.GetProperty("key"));
    }

    public static Task<HttpResponseMessage> ListCards(this HttpClient client, string userGuid) =>
        client.PostJsonAsync("/uas/payment-method/list", new { user_guid = userGuid });

    public static Task<HttpResponseMessage> Validate(this HttpClient client, string secret) =>
        client.PostJsonAsync("/usm/session/validate", new { session_guid = secret });

    /// <summary>Repeats a call until it answers <paramref name="expected"/>, or fails after <paramref name="within"/>.</summary>
    public static async Task<TimeSpan> EventuallyAnswers(Func<Task<HttpResponseMessage>> call, HttpStatusCode expected, TimeSpan within)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode last;
        do
        {
            using var response = await call();
            last = response.StatusCode;
            if (last == expected)
            {
                return watch.Elapsed;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
        while (watch.Elapsed < within);
        Assert.Fail($"expected {(int)expected} within {within}, still {(int)last}");
        return watch.Elapsed;
    }
}
