using System.Net;
using Retail.Functional.Tests.Infrastructure;
using Retail.Functional.Tests.Ofm;
using Retail.Shared.Contract;

namespace Retail.Functional.Tests.Pmc;

/// <summary>
/// The storefront index file is a read model: lost, it is rebuilt from the product records when the host starts again,
/// with every online product at the revision its pointer names and nothing that is offline.
/// </summary>
public sealed class StorefrontRebuildTests
{
    [Fact]
    public async Task a_lost_storefront_file_is_rebuilt_at_start_with_the_online_products_at_their_pointer()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "retail-tests", Guid.NewGuid().ToString("N"));
        try
        {
            PmcOrg org;
            ChinoStyle chino;
            string session;
            var first = Host(dataDir);
            try
            {
                using var @operator = first.CreateOperatorClient();
                org = await PmcHost.NewOrgAsync(first, @operator);
                session = org.Owner.Client.DefaultRequestHeaders.GetValues(CredentialHeaders.Session).Single();
                chino = await org.AddChinoAsync();
                await org.PublishOnlineAsync(org.StyleGuid);
                await org.PublishOnlineAsync(chino.StyleGuid);

                // tee: a second revision, then rolled back, so the pointer (1) is not the latest revision (2).
                var style = await org.Post("/pvm/style/get", new { style_code = "tee" }).Ok();
                await org.Post("/pvm/style/update", new { style_code = "tee", name = "Classic tee v2", expected_revision = style.Revision() }).Ok();
                await org.PublishOnlineAsync(org.StyleGuid);
                var pointer = await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = org.StyleGuid }).Ok();
                await org.Post("/pmc/product/pointer/set",
                    new { channel_code = "web", style_guid = org.StyleGuid, revision_no = 1, reason = "rollback", expected_revision = pointer.Revision() }).Ok();

                // chino: taken offline (it keeps its pointer).
                pointer = await org.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = chino.StyleGuid }).Ok();
                await org.Post("/pmc/product/online/clear",
                    new { channel_code = "web", style_guid = chino.StyleGuid, reason = "recall", expected_revision = pointer.Revision() }).Ok();
                await org.ListsAsync(new { channel_code = "web" }, "tee");
            }
            finally
            {
                await first.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(Path.Combine(dataDir, "pmc-storefront.db" + suffix));
            }
            Assert.False(File.Exists(Path.Combine(dataDir, "pmc-storefront.db")));

            await using var second = Host(dataDir);
            var client = second.CreateClient();
            client.DefaultRequestHeaders.Add(CredentialHeaders.Session, session);
            var restarted = org with { Owner = org.Owner with { Client = client } };

            // Ready only once the rebuild has finished: from then on the storefront answers from the rebuilt index.
            await Waits.UntilAsync(async () => (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
                "the restarted host is ready");
            Assert.Equal(["tee"], (await restarted.List(new { channel_code = "web" })).Codes());

            var tee = await restarted.Get(new { channel_code = "web", style_code = "tee" });
            Assert.Equal(1, tee.GetProperty("revision_no").GetInt32());
            Assert.Equal("Classic tee", tee.GetProperty("product").Text("name"));
            await restarted.StorefrontCall("get", new { channel_code = "web", style_guid = chino.StyleGuid }).Problem(HttpStatusCode.NotFound, "not_found");
            Assert.Equal(["tee"], (await restarted.Search(new { channel_code = "web", q = "classic" })).Codes());
            Assert.Empty((await restarted.Search(new { channel_code = "web", q = "chino" })).Codes());

            // The rebuilt index is kept current as before: chino back online shows at once.
            var chinoPointer = await restarted.Post("/pmc/product/pointer/get", new { channel_code = "web", style_guid = chino.StyleGuid }).Ok();
            await restarted.Post("/pmc/product/online/set",
                new { channel_code = "web", style_guid = chino.StyleGuid, reason = "cleared", expected_revision = chinoPointer.Revision() }).Ok();
            Assert.Equal(["tee", "chino"], (await restarted.List(new { channel_code = "web" })).Codes());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RetailHostFactory.TryDelete(dataDir);
        }
    }

    private static RetailHostFactory Host(string dataDir) =>
        new(dataDir) { ConfigureServices = TestSessions.Add, Modules = PmcHost.Modules };
}
