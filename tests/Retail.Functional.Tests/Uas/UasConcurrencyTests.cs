using System.Net;
using Retail.Functional.Tests.Infrastructure;

namespace Retail.Functional.Tests.Uas;

public sealed class UasConcurrencyTests(UasHost host) : IClassFixture<UasHost>
{
    [Fact]
    public async Task UC_UAS_001_a_verification_token_sent_twice_at_once_verifies_once()
    {
        var email = UasSteps.NewEmail();
        await host.Anonymous.CreateUser(email).Ok(HttpStatusCode.Created);
        var token = host.Mailbox.LatestTokenFor(email);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.Anonymous.Verify(email, token)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal("invalid_token", await refused.ProblemCodeAsync());
        }
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task UC_UAS_004_two_primary_switches_on_one_revision_let_exactly_one_win()
    {
        var userGuid = await host.Onboard(UasSteps.NewEmail());
        await host.Operator.AddCard(userGuid, UasSteps.NewCardToken()).Ok(HttpStatusCode.Created);
        var second = await host.Operator.AddCard(userGuid, UasSteps.NewCardToken()).Ok(HttpStatusCode.Created);
        var body = new { user_guid = userGuid, payment_method_guid = second.GetProperty("payment_method_guid").GetString(), expected_revision = 1 };

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.Operator.PostJsonAsync("/uas/payment-method/priority/set", body)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var list = await host.Operator.ListCards(userGuid).Ok();
        Assert.Single(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("is_primary").GetBoolean());
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }
}
