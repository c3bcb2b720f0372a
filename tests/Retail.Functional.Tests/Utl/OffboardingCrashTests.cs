using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Retail.Utl;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Scm;

namespace Retail.Functional.Tests.Utl;

/// <summary>
/// Issue 22's crash tests: the host stopped in the middle of the ExportFreezePurge saga — while a service's data is being
/// exported, around the freeze in OFM, and in the middle of a purge (the services before SCM purged, one batch of SCM's
/// deleted) — then started again on the same data folder. The offboarding finishes: purged, every service verifying zero,
/// SCM's count on the certificate what it held, the org closed; another org seeded the same way keeps every item byte for
/// byte.
/// </summary>
public sealed class OffboardingCrashTests
{
    /// <summary>A purge batch smaller than what SCM holds of a seeded org, so the stop comes between two of its batches.</summary>
    private const int Batch = 5;

    private static void SmallBatches(IServiceCollection services) => services.Configure<UtlOptions>(o => o.PurgeBatchSize = Batch);

    [Theory]
    [InlineData("scm", "/orgdata/export", true)]
    [InlineData("ofm", "/org/status/set", false)]
    [InlineData("ofm", "/org/status/set", true)]
    [InlineData("scm", "/orgdata/purge", true)]
    public async Task UC_UTL_001_a_host_stopped_during_the_offboarding_finishes_it_after_the_restart_and_the_other_org_keeps_every_byte(string app,
        string path, bool afterTheCall)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var gate = new CallGate(app, path, afterTheCall);
            ScmOrg leaving;
            IReadOnlyList<string> stayingBefore;
            string stayingOrgcode, requestedBy;
            long scmBefore;
            var one = UtlHost.Start(TimeSpan.FromSeconds(2), s => { SmallBatches(s); gate.OnInvocations()(s); }, dataDir);
            try
            {
                using var @operator = one.CreateOperatorClient();
                leaving = await UtlSteps.SeededOrgAsync(one, @operator, "crashgo");
                var staying = await UtlSteps.SeededOrgAsync(one, @operator, "crashstay");
                stayingOrgcode = staying.Orgcode;
                stayingBefore = await UtlSteps.SettledOrgDataAsync(one, @operator, staying.Orgcode);
                await UtlSteps.SettledOrgDataAsync(one, @operator, leaving.Orgcode);
                scmBefore = (await UtlSteps.RemainingAsync(@operator, leaving.Orgcode))["scm"];
                Assert.True(scmBefore > Batch, $"SCM holds {scmBefore} items of the org: more than one purge batch");

                var request = await leaving.Owner.Utl(leaving.Orgcode, "/offboarding/request", new { reason = "Closing down." }).Ok(HttpStatusCode.Created);
                requestedBy = leaving.Owner.UserGuid;
                await @operator.Utl(leaving.Orgcode, "/start", new { expected_revision = request.Long("revision") }).Ok();
                await gate.Reached.Task.Within($"the offboarding reaching {app}{path}");
            }
            finally
            {
                await one.DisposeAsync();
                gate.Release.TrySetException(new HttpRequestException("the host stopped"));
            }

            await using var two = UtlHost.Start(TimeSpan.FromSeconds(2), SmallBatches, dataDir);
            using var restarted = two.CreateOperatorClient();
            var view = await UtlSteps.OffboardingAtAsync(restarted, leaving.Orgcode, "purged");
            var certificate = view.GetProperty("offboarding").GetProperty("certificate");
            Assert.Equal((requestedBy, "Closing down."), (certificate.Str("requested_by"), certificate.Str("reason")));
            var purged = certificate.GetProperty("services").EnumerateArray().ToList();
            Assert.Equal(UtlHost.DataModules.Order(), purged.Select(p => p.Str("app")).Order());
            Assert.All(purged, p => Assert.Equal(0, p.GetProperty("remaining").GetInt64()));
            // Nothing SCM deleted goes uncounted, not even the batch whose answer the stop cut off (SCM may have gained an
            // event of the org since it was counted, never lost one).
            var scmDeleted = purged.Single(p => p.Str("app") == "scm").Long("deleted");
            Assert.True(scmDeleted >= scmBefore, $"the certificate counts {scmDeleted} deleted in SCM, which held {scmBefore}");
            // OFM is left out: closing the org after the purge leaves the close's own replay and event there (see the flow test).
            Assert.DoesNotContain(await UtlSteps.RemainingAsync(restarted, leaving.Orgcode), left => left.Key != "ofm" && left.Value != 0);
            Assert.Equal("closed", await UtlSteps.OrgStatusAsync(restarted, leaving.Orgcode));

            Assert.Equal("active", await UtlSteps.OrgStatusAsync(restarted, stayingOrgcode));
            await UtlSteps.AssertOrgDataUnchangedAsync(restarted, stayingOrgcode, stayingBefore);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }
}
