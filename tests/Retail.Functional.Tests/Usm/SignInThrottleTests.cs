using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Uas;

namespace Retail.Functional.Tests.Usm;

/// <summary>Sign-in throttling slows whoever guesses, not the account's owner (issue 9).</summary>
public sealed class SignInThrottleTests : IAsyncLifetime
{
    private const string ClientHeader = "x-test-client-address";
    private RetailHostFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        // The test server has no client address of its own; this stands in for the connection's remote address.
        _factory = UasHost.StartWith([], services => services.AddSingleton<IStartupFilter>(new ClientAddressFromHeader()));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task an_attackers_burst_from_one_address_does_not_stop_the_owner_signing_in_from_another()
    {
        using var anonymous = _factory.CreateClient();
        var email = UasSteps.NewEmail();
        await _factory.Onboard(anonymous, email);
        using var attacker = ClientAt("203.0.113.7");
        var burst = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await attacker.SignIn(email, "attacker-guess-" + i);
            return response.StatusCode;
        }));
        Assert.Equal(5, burst.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(25, burst.Count(s => s == HttpStatusCode.TooManyRequests));
        // Even the right passcode waits from the attacker's address ...
        using (var fromAttacker = await attacker.SignIn(email))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, fromAttacker.StatusCode);
        }
        // ... while the owner, elsewhere, signs in.
        using var owner = ClientAt("198.51.100.20");
        await owner.SignIn(email).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task past_the_free_failures_an_address_waits_a_short_delay_first()
    {
        using var anonymous = _factory.CreateClient();
        var email = UasSteps.NewEmail();
        await _factory.Onboard(anonymous, email);
        using var client = ClientAt("192.0.2.44");
        for (var i = 0; i < 5; i++)
        {
            await client.SignIn(email, "wrong-" + i).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        }
        using var throttled = await client.SignIn(email, "wrong-again");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var wait = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(wait);
        Assert.True(wait > TimeSpan.Zero && wait <= TimeSpan.FromSeconds(30), $"the first delay is short, not the window's lock-out ({wait})");
    }

    private HttpClient ClientAt(string address)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add(ClientHeader, address);
        return client;
    }

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, inner) =>
            {
                if (http.Request.Headers[ClientHeader].ToString() is { Length: > 0 } address)
                {
                    http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address);
                }
                await inner(http);
            });
            next(app);
        };
    }
}
