using System.Net;
using System.Text.Json;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Uas;

/// <summary>One host per test class; every test uses its own e-mail addresses, so tests do not see each other.</summary>
public sealed class UasHost : IAsyncLifetime
{
    public RetailHostFactory Factory { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public Mailbox Mailbox => Factory.Mailbox;

    public ValueTask InitializeAsync() => InitializeAsync(null);

    internal ValueTask InitializeAsync(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services)
    {
        Factory = Start(services: services);
        Anonymous = Factory.CreateClient();
        Operator = Factory.CreateOperatorClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        Operator.Dispose();
        await Factory.DisposeAsync();
    }

    /// <summary>A host of its own with extra settings, for tests that change how the host is configured.</summary>
    internal static RetailHostFactory StartWith(Dictionary<string, string?> settings,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null) =>
        Start(factory =>
        {
            foreach (var (key, value) in settings)
            {
                factory.Settings[key] = value;
            }
        }, services);

    internal static RetailHostFactory Start(Action<RetailHostFactory>? configure = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        // USM's tests share this host and make orgs, so OFM too; MRS and the workflows are not needed.
        var factory = new RetailHostFactory { ConfigureServices = services, Modules = RetailHostFactory.Orgs };
        configure?.Invoke(factory);
        return factory;
    }
}

/// <summary>The steps a client takes, spelled once so the tests read as use cases.</summary>
internal static class UasSteps
{
    public const string FirstPasscode = "violet-harbour-57-kettle";
    public const string SecondPasscode = "amber-quarry-38-lantern";
    public const string ThirdPasscode = "copper-meadow-91-sparrow";

    public static string NewEmail(string who = "owner") => $"{who}-{Guid.NewGuid():N}@example.com";

    /// <summary>
    /// A fresh provider token with no digits: a random hex one now and then holds 13–19 digits in a row that pass Luhn,
    /// which UAS rightly refuses as a card number (raw_card_data_refused), making the test that drew it fail by chance.
    /// </summary>
    public static string NewCardToken() => "pm_" + string.Concat(Guid.NewGuid().ToString("N").Select(c => char.IsAsciiDigit(c) ? (char)('g' + (c - '0')) : c));

    public static Task<HttpResponseMessage> CreateUser(this HttpClient client, string email) =>
        client.PostJsonAsync("/uas/user/create", new { email });

    public static Task<HttpResponseMessage> Verify(this HttpClient client, string email, string token) =>
        client.PostJsonAsync("/uas/user/verify", new { email, token });

    public static Task<HttpResponseMessage> SetPasscodeWithToken(this HttpClient client, string email, string passcode, string passcodeToken) =>
        client.PostJsonAsync("/uas/passcode/set", new { email, passcode, passcode_token = passcodeToken });

    public static Task<HttpResponseMessage> ChangePasscode(this HttpClient client, string email, string current, string passcode) =>
        client.PostJsonAsync("/uas/passcode/set", new { email, passcode, current_passcode = current });

    /// <summary>Create → verify with the mailed token; answers the user guid and the passcode token.</summary>
    public static async Task<(string UserGuid, string PasscodeToken)> SignUpAndVerify(this UasHost host, string email)
    {
        var created = await host.Anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        var verified = await host.Anonymous.Verify(email, host.Mailbox.LatestTokenFor(email)).Ok();
        return (created.GetProperty("user_guid").GetString()!, verified.GetProperty("passcode_token").GetString()!);
    }

    public static async Task<string> Onboard(this UasHost host, string email, string passcode = FirstPasscode)
    {
        var (userGuid, passcodeToken) = await host.SignUpAndVerify(email);
        await host.Anonymous.SetPasscodeWithToken(email, passcode, passcodeToken).Ok();
        return userGuid;
    }

    public static Task<HttpResponseMessage> AddCard(this HttpClient client, string userGuid, string token, string last4 = "4242",
        string? label = null) =>
        client.PostJsonAsync("/uas/payment-method/add",
            new { user_guid = userGuid, provider = "stripe", token, brand = "visa", last4, exp_month = 12, exp_year = 2030, label });

    public static Task<HttpResponseMessage> ListCards(this HttpClient client, string userGuid, bool includeDoomed = false) =>
        client.PostJsonAsync("/uas/payment-method/list", new { user_guid = userGuid, include_doomed = includeDoomed });
}
