using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Retail.Crm;
using Retail.Crm.Customers;
using Retail.Crm.Merge;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;
using Retail.Shared.Records;

namespace Retail.Functional.Tests.Crm;

/// <summary>
/// CRM with one more merge participant, a points balance per customer standing in for a ledger, whose first staging lets
/// a redemption commit between its read and the merge's commit: the race the merge must lose and then win without loss.
/// </summary>
public sealed class MergeRaceHost : IAsyncLifetime
{
    public RetailHostFactory Factory { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public MergeRace Race => Factory.Services.GetRequiredService<MergeRace>();

    public ValueTask InitializeAsync()
    {
        Factory = CrmHost.Start(s =>
        {
            s.AddRecords(CrmModule.Id, TestPoints.Type);
            s.AddSingleton<MergeRace>();
            s.AddScoped<ICustomerMergeParticipant, TestPointsParticipant>();
        });
        Operator = Factory.CreateOperatorClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Operator.Dispose();
        await Factory.DisposeAsync();
    }

    public Task<CrmOrg> NewOrgAsync() => CrmHost.NewOrgAsync(Factory, Operator, "crmrace");

    public async Task<long?> PointsOf(CrmOrg org, string customerGuid)
    {
        using var scope = Factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<RecordStore<TestPoints>>().GetAsync(org.Orgcode, customerGuid))?.Record.Balance;
    }

    /// <summary>Sets or changes a balance as a redemption or an earn would: one ETag-checked write.</summary>
    public async Task ChangePoints(CrmOrg org, string customerGuid, long delta)
    {
        using var scope = Factory.Services.CreateScope();
        var points = scope.ServiceProvider.GetRequiredService<RecordStore<TestPoints>>();
        var current = await points.GetAsync(org.Orgcode, customerGuid);
        var write = current is null
            ? await points.CreateAsync(org.Orgcode, new TestPoints { CustomerGuid = customerGuid, Balance = delta })
            : await points.UpdateAsync(org.Orgcode, current, current.Record with { Balance = current.Record.Balance + delta });
        Assert.True(write.Succeeded);
    }
}

public sealed record TestPoints : Retail.Shared.Records.Record
{
    public required string CustomerGuid { get; init; }

    public long Balance { get; init; }

    [JsonIgnore]
    public override string Key => CustomerGuid;

    public static readonly RecordType<TestPoints> Type = new("test_points");
}

/// <summary>Something to run once, between a participant's read and the merge's commit.</summary>
public sealed class MergeRace
{
    private Func<Task>? _next;

    public void Arm(Func<Task> race) => _next = race;

    public Task RunOnceAsync() => Interlocked.Exchange(ref _next, null)?.Invoke() ?? Task.CompletedTask;
}

/// <summary>Moves the merged customer's points to the survivor, in the merge's batch, from the balances it read (their ETags).</summary>
internal sealed class TestPointsParticipant(RecordStore<TestPoints> points, MergeRace race) : ICustomerMergeParticipant
{
    public string Name => "test_points";

    public async Task<object?> StageAsync(string orgcode, Customer survivor, Customer merged, RecordBatch batch, CancellationToken ct)
    {
        var loaded = await points.LoadManyAsync(orgcode, [survivor.CustomerGuid, merged.CustomerGuid], ct);
        if (!loaded.TryGetValue(merged.CustomerGuid, out var from) || from.Record.Balance == 0)
        {
            return null;
        }
        await race.RunOnceAsync();
        points.Update(batch, orgcode, from, from.Record with { Balance = 0 });
        if (loaded.TryGetValue(survivor.CustomerGuid, out var into))
        {
            points.Update(batch, orgcode, into, into.Record with { Balance = into.Record.Balance + from.Record.Balance });
        }
        else
        {
            points.Create(batch, orgcode, new TestPoints { CustomerGuid = survivor.CustomerGuid, Balance = from.Record.Balance });
        }
        return new { points = from.Record.Balance };
    }
}

/// <summary>UC-CRM-002: a redemption racing a merge loses nothing; the merge reads again and moves what is left.</summary>
public sealed class MergeRaceTests(MergeRaceHost host) : IClassFixture<MergeRaceHost>
{
    [Fact]
    public async Task UC_CRM_002_a_redemption_racing_the_merge_loses_nothing_and_the_merge_moves_what_is_left()
    {
        var org = await host.NewOrgAsync();
        var survivor = (await org.NewCustomer("keep@example.com")).CustomerGuid();
        var merged = (await org.NewCustomer("gone@example.com")).CustomerGuid();
        await host.ChangePoints(org, survivor, 50);
        await host.ChangePoints(org, merged, 100);

        // After the merge read 100 points of the merged customer, a redemption of 30 commits: the merge's batch fails
        // its ETag check, nothing of it is written, and it starts over from 70.
        host.Race.Arm(() => host.ChangePoints(org, merged, -30));
        var result = await org.Post("/crm/customer/merge", new { survivor_guid = survivor, merged_guid = merged, reason = "race" }).Ok();

        var merge = result.GetProperty("merge");
        Assert.Equal(2, merge.GetProperty("attempts").GetInt32());
        Assert.Equal(70, merge.GetProperty("moved").GetProperty("test_points").GetProperty("points").GetInt64());
        Assert.Equal((120L, 0L), (await host.PointsOf(org, survivor), await host.PointsOf(org, merged)));
        Assert.Equal("merged", (await org.Post("/crm/customer/get", new { customer_guid = merged }).Ok()).Text("status"));
        Assert.Single(host.Factory.OutboxEvents("crm", org.Orgcode, "customer.merged"));
    }

    [Fact]
    public async Task UC_CRM_002_a_customer_change_racing_the_merge_is_kept_and_an_expected_revision_then_refuses_it()
    {
        var org = await host.NewOrgAsync();
        var survivor = (await org.NewCustomer("keep2@example.com")).CustomerGuid();
        var merged = (await org.NewCustomer("gone2@example.com")).CustomerGuid();
        await host.ChangePoints(org, merged, 10);

        // With expected revisions the merge that lost to a change of the customer does not merge a record nobody saw.
        host.Race.Arm(() => org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = merged, expected_revision = 1, given_name = "Changed" }).Ok());
        var stale = await org.Post("/crm/customer/merge",
            new { survivor_guid = survivor, merged_guid = merged, expected_survivor_revision = 1, expected_merged_revision = 1, reason = "race" })
            .Problem(System.Net.HttpStatusCode.Conflict, "revision_mismatch");
        Assert.Equal(2, stale.GetProperty("current_revision").GetInt64());
        Assert.Equal((null, 10L), (await host.PointsOf(org, survivor), await host.PointsOf(org, merged)));

        // Without them it reads again and merges the changed record.
        host.Race.Arm(() => org.Post(org.Clerk, "/crm/customer/update", new { customer_guid = merged, expected_revision = 2, family_name = "Again" }).Ok());
        var result = await org.Post("/crm/customer/merge", new { survivor_guid = survivor, merged_guid = merged, reason = "race" }).Ok();
        Assert.Equal(("Again", 4L), (result.GetProperty("merged").Text("family_name"), result.GetProperty("merged").GetProperty("revision").GetInt64()));
        Assert.Equal((10L, 0L), (await host.PointsOf(org, survivor), await host.PointsOf(org, merged)));
    }
}
